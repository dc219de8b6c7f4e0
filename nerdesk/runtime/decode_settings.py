"""The settings that turn a model's logits into spans, one value shared by export, training and prediction."""

from __future__ import annotations

from dataclasses import dataclass


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
