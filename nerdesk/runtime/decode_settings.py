"""The settings that turn a model's logits into spans, one value shared by export, training and prediction."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from nerdesk.core.errors import ModelBundleError

# The largest logit threshold accepted, either way. A span's score is the sigmoid of its logit's margin over the
# threshold: beyond about 37 it is 0 or 1 whatever the logit, and a threshold far beyond float32's range (3.4e38)
# cannot even be compared with the model's scores.
THRESHOLD_LIMIT = 100.0


@dataclass(frozen=True, slots=True)
class DecodeSettings:
    """How logits become spans: the windows a text is cut into and how their scores are decoded.

    A bundle records these in ``bundle.json`` (``Bundle.decode_settings``); export checks parity and
    decides on int8 with them, training scores the dev documents with them (``torch_span_predictor``),
    and ``SpanPredictor`` predicts with them. One value in all four places is what makes a dev score
    measured at training time the score the exported bundle gets.

    The character table of a character-aware model is not a decode setting: it belongs to the model
    (``CharTable``) and is passed alongside.
    """

    max_length: int  # tokens per window, special tokens included
    stride: int  # tokens two neighbouring windows share
    threshold: float = 0.0  # logit above which a cell is a span (0 is the model's own decision boundary)
    flat: bool = False  # True: overlapping spans are resolved to the best non-overlapping ones
    max_span_tokens: int | None = None  # longest span reported, in tokens; None for no cap

    def __post_init__(self) -> None:
        threshold = self.threshold
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not math.isfinite(threshold) \
                or abs(threshold) > THRESHOLD_LIMIT:
            raise ModelBundleError(
                f"the decision threshold {threshold!r} is not a logit between {-THRESHOLD_LIMIT:g} and "
                f"{THRESHOLD_LIMIT:g}; set the bundle's threshold (bundle.json) to such a number, 0 being the "
                "model's own decision boundary", code="E306")
