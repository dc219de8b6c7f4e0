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
from nerdesk.runtime.decode_settings import DecodeSettings
from nerdesk.runtime.predictor import LogitsFunction, SpanPredictor
from nerdesk.runtime.token_features import feature_table
from nerdesk.training.inference_graph import inference_module
from nerdesk.training.model import GlobalPointerModel


class TrainedScores(nn.Module):
    """The trained model with the exported graph's signature: what the ONNX model must reproduce."""

    def __init__(self, model: GlobalPointerModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_mask: torch.Tensor,
                feature_ids: torch.Tensor | None = None) -> torch.Tensor:
        return self.model.scores(input_ids, attention_mask, feature_ids)  # (B, m, L, L)


def torch_logits(model: GlobalPointerModel, *, as_exported: bool = True) -> LogitsFunction:
    """The torch model as a ``SpanPredictor`` logits function (eager, no gradients).

    ``as_exported`` runs ``inference_module(model)``, the computation the ONNX graph holds; otherwise
    the trained model's own ``scores``, which the parity check compares the ONNX model with.
    """
    module = inference_module(model) if as_exported else TrainedScores(model.eval())

    # feature_ids: (B, L, K), for a model that reads them only
    def run(input_ids: NDArray[Any], attention_mask: NDArray[Any], token_mask: NDArray[Any],
            *feature_ids: NDArray[Any]) -> NDArray[np.float32]:
        with torch.inference_mode():
            logits: torch.Tensor = module(torch.from_numpy(input_ids), torch.from_numpy(attention_mask),
                            torch.from_numpy(token_mask), *map(torch.from_numpy, feature_ids))  # (B, m, L, L)
        return logits.float().numpy()

    return run


def torch_span_predictor(model: GlobalPointerModel, tokenizer: Tokenizer, *, max_span_tokens: int | None = None,
                         threshold: float = 0.0, stride: int | None = None, flat: bool | None = None) -> SpanPredictor:
    """``SpanPredictor`` over the trained model, with the settings its bundle will have."""
    settings = decode_settings(model, max_span_tokens=max_span_tokens, threshold=threshold, stride=stride, flat=flat)
    return SpanPredictor.from_settings(torch_logits(model, as_exported=False), tokenizer, list(model.config.labels),
                                       settings, features=feature_table(model.config.encoder))


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
THRESHOLDS = tuple(step / 2 for step in range(-12, 3))  # -6.0, -5.5, ..., 1.0


def calibrate_threshold(model: GlobalPointerModel, tokenizer: Tokenizer, documents: Sequence[Document], *,
                        max_span_tokens: int | None = None) -> tuple[float, Report]:
    """The decision threshold (a logit in ``THRESHOLDS``) that ``choose_threshold`` picks on ``documents``,
    and the report there.

    A head trained on few documents is under-confident: most entities score below 0, so a lower
    threshold finds them at little cost in precision. The documents are predicted once at the lowest
    threshold; each candidate keeps the spans whose score (the sigmoid of the logit) is above it.

    Only the thresholds ``choose_threshold`` may pick are scored (``worth_scoring``): the rule needs the
    F1 of those that find about the gold number of spans, and of the others only how many they find. A
    model that has barely learnt proposes a flood of candidates (tens of thousands of spans in 30 short
    documents), and scoring that flood at every threshold took minutes after a 20-second training.
    """
    model.eval()
    lowest = min(THRESHOLDS)
    # Overlaps are resolved per candidate threshold, as the bundle will: predict without flattening.
    predictor = torch_span_predictor(model, tokenizer, max_span_tokens=max_span_tokens, threshold=lowest, flat=False)
    candidates = predictor.predict([doc.text for doc in documents])
    gold = [doc.gold for doc in documents]
    cutoffs = {threshold: 1.0 / (1.0 + math.exp(lowest - threshold)) for threshold in THRESHOLDS}

    def kept(threshold: float) -> list[list[Span]]:
        return [_above(spans, cutoffs[threshold], model.config.flat) for spans in candidates]

    if model.config.flat:  # flattening decides how many are left
        counts = [(threshold, sum(map(len, kept(threshold)))) for threshold in THRESHOLDS]
    else:  # how many score above each cutoff, counted in one sorted array
        scores = np.sort(np.fromiter((span.score or 0.0 for spans in candidates for span in spans), dtype=float))
        counts = [(threshold, len(scores) - int(np.searchsorted(scores, cutoffs[threshold], side="right")))
                  for threshold in THRESHOLDS]
    return choose_threshold([(threshold, evaluate(gold, kept(threshold)))
                             for threshold in worth_scoring(counts, sum(map(len, gold)))])


# How far (a share of the gold spans) the number of spans found may be from the gold number.
SPAN_COUNT_TOLERANCE = 0.2


def worth_scoring(counts: Sequence[tuple[float, int]], gold: int) -> list[float]:
    """Of (threshold, spans found) pairs, the thresholds ``choose_threshold`` may pick: those whose number of
    spans found is within ``SPAN_COUNT_TOLERANCE`` of ``gold``, or if none is, the nearest (nearest 0 of equals)."""
    plausible = [threshold for threshold, found in counts if abs(found - gold) <= SPAN_COUNT_TOLERANCE * gold]
    if plausible:
        return plausible
    return [min(sorted(counts, key=lambda count: abs(count[0])), key=lambda count: abs(count[1] - gold))[0]]


def choose_threshold(outcomes: Sequence[tuple[float, Report]]) -> tuple[float, Report]:
    """Of (threshold, report) pairs, the one with the best F1 among those whose number of spans found is
    within ``SPAN_COUNT_TOLERANCE`` of the gold number; if none is, the one nearest that number. Ties go
    to the threshold nearest 0.

    Why not simply the best F1: the evaluation set is small (12 to 30 documents below 300 reviewed
    ones), and its F1 curve over thresholds is noisy, where the number of spans found falls smoothly as
    the threshold rises. On 11 general -> CMeEE runs with 25 evaluation documents, the best F1 chose
    thresholds that gave a mean test F1 of 19.1; this rule 21.0; the best threshold in hindsight 21.3
    (docs/benchmarks.md).
    """
    def found(report: Report) -> int:
        return report.micro.tp + report.micro.fp

    gold = outcomes[0][1].micro.support
    near_zero = sorted(outcomes, key=lambda outcome: abs(outcome[0]))
    plausible = [outcome for outcome in near_zero if abs(found(outcome[1]) - gold) <= SPAN_COUNT_TOLERANCE * gold]
    if plausible:
        return max(plausible, key=lambda outcome: outcome[1].micro.f1)  # max keeps the first of equals
    return min(near_zero, key=lambda outcome: abs(found(outcome[1]) - gold))


def _above(spans: list[Span], cutoff: float, flat: bool) -> list[Span]:
    kept = [span for span in spans if (span.score or 0.0) > cutoff]
    return best_non_overlapping(kept) if flat else kept
