"""A torch model behind the runtime's prediction pipeline.

Training-time evaluation, ``export``'s parity and int8 checks and the benchmarks all predict through
``nerdesk.runtime.predictor.SpanPredictor``: the windows, batching, decoding and span cap of
``nerdesk predict``. Only the function that turns a padded batch into logits differs, so a dev score
measured during training is the score a user gets from the exported bundle.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from tokenizers import Tokenizer
from torch import nn

from nerdesk.core.document import Document
from nerdesk.core.metrics import Report, evaluate
from nerdesk.core.spans import Span, best_non_overlapping
from nerdesk.runtime.chars import CharTable
from nerdesk.runtime.decode_settings import DecodeSettings
from nerdesk.runtime.predictor import LogitsFunction, SpanPredictor
from nerdesk.training.inference_graph import inference_module
from nerdesk.training.model import GlobalPointerModel


class TrainedScores(nn.Module):
    """The trained model with the exported graph's signature: what the ONNX model must reproduce."""

    def __init__(self, model: GlobalPointerModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_mask: torch.Tensor,
                char_ids: torch.Tensor | None = None) -> torch.Tensor:
        return self.model.scores(input_ids, attention_mask, char_ids)  # (B, m, L, L)


def torch_logits(model: GlobalPointerModel, *, as_exported: bool = True) -> LogitsFunction:
    """The torch model as a ``SpanPredictor`` logits function (eager, no gradients).

    ``as_exported`` runs ``inference_module(model)``, the computation the ONNX graph holds; otherwise
    the trained model's own ``scores``, which the parity check compares the ONNX model with.
    """
    module = inference_module(model) if as_exported else TrainedScores(model.eval())

    # char_ids: (B, L, C), for a character-aware model only
    def run(input_ids: NDArray[Any], attention_mask: NDArray[Any], token_mask: NDArray[Any],
            *char_ids: NDArray[Any]) -> NDArray[np.float32]:
        with torch.inference_mode():
            logits: torch.Tensor = module(torch.from_numpy(input_ids), torch.from_numpy(attention_mask),
                            torch.from_numpy(token_mask), *map(torch.from_numpy, char_ids))  # (B, m, L, L)
        return logits.float().numpy()

    return run


def torch_span_predictor(model: GlobalPointerModel, tokenizer: Tokenizer, *, max_span_tokens: int | None = None,
                         threshold: float = 0.0, stride: int | None = None, flat: bool | None = None) -> SpanPredictor:
    """``SpanPredictor`` over the trained model, with the settings its bundle will have."""
    settings = decode_settings(model, max_span_tokens=max_span_tokens, threshold=threshold, stride=stride, flat=flat)
    return SpanPredictor.from_settings(torch_logits(model, as_exported=False), tokenizer, list(model.config.labels),
                                       settings, chars=CharTable.from_encoder_config(model.config.encoder))


def decode_settings(model: GlobalPointerModel, *, max_span_tokens: int | None = None, threshold: float = 0.0,
                    stride: int | None = None, flat: bool | None = None) -> DecodeSettings:
    """The decode settings of ``model``'s bundle: the window length from its config, ``stride`` and ``flat``
    from it too unless given, the span cap and logit threshold as given."""
    config = model.config
    return DecodeSettings(max_length=config.max_length, stride=config.window_stride if stride is None else stride,
                          threshold=threshold, flat=config.flat if flat is None else flat,
                          max_span_tokens=max_span_tokens)


def evaluate_model(model: GlobalPointerModel, tokenizer: Tokenizer, documents: Sequence[Document], *,
                   max_span_tokens: int | None = None, threshold: float = 0.0, batch_size: int = 32) -> Report:
    """Score the model on ``documents`` through the prediction pipeline (the model is left in eval mode)."""
    model.eval()
    predictor = torch_span_predictor(model, tokenizer, max_span_tokens=max_span_tokens, threshold=threshold)
    predictions = predictor.predict([doc.text for doc in documents], batch_size=batch_size)
    return evaluate([doc.gold for doc in documents], predictions)


# Logit thresholds tried when calibrating (0 is the model's own decision boundary).
THRESHOLDS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0)


def calibrate_threshold(model: GlobalPointerModel, tokenizer: Tokenizer, documents: Sequence[Document], *,
                        max_span_tokens: int | None = None) -> tuple[float, Report]:
    """The logit threshold in ``THRESHOLDS`` with the best F1 on ``documents``, and that report.

    A head trained on few documents is under-confident: most entities score just below 0, so a lower
    threshold finds them at little cost in precision. The documents are predicted once at the lowest
    threshold; each candidate keeps the spans whose score (the sigmoid of the logit) is above it.
    Ties go to the threshold nearest 0.
    """
    model.eval()
    lowest = min(THRESHOLDS)
    # Overlaps are resolved per candidate threshold, as the bundle will: predict without flattening.
    predictor = torch_span_predictor(model, tokenizer, max_span_tokens=max_span_tokens, threshold=lowest, flat=False)
    candidates = predictor.predict([doc.text for doc in documents])
    gold = [doc.gold for doc in documents]
    best: tuple[float, float, Report] | None = None
    for threshold in sorted(THRESHOLDS, key=abs):
        cutoff = 1.0 / (1.0 + math.exp(lowest - threshold))
        kept = [_above(spans, cutoff, model.config.flat) for spans in candidates]
        report = evaluate(gold, kept)
        if best is None or report.micro.f1 > best[1]:
            best = (threshold, report.micro.f1, report)
    assert best is not None  # THRESHOLDS is not empty
    return best[0], best[2]


def _above(spans: list[Span], cutoff: float, flat: bool) -> list[Span]:
    kept = [span for span in spans if (span.score or 0.0) > cutoff]
    return best_non_overlapping(kept) if flat else kept
