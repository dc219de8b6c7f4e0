"""Turning a batch of GlobalPointer logits into character spans, vectorised with numpy.

A cell ``(type, i, j)`` whose logit is above the threshold is the span from token ``i`` to token
``j`` (inclusive) with that type; its score is ``sigmoid(logit - threshold)``, so that 0.5 is always
the decision boundary, also for a bundle whose threshold was calibrated away from 0. Only cells with
``i <= j`` and both tokens part of the text count, whatever the model put in the other cells; a
bundle may also cap the span length (``max_span_tokens``), because a model scores distances it never saw in training
unreliably (a model trained on sentences predicts spurious spans across a long window). The inclusive token
range becomes an exclusive code-point range through the tokenizer offsets, exactly as
``nerdesk.core.offsets.token_to_char_span`` does for one span, here for all of them at once.

Scores are probabilities on that one scale everywhere: ``predict_at_least`` keeps the spans scoring at
least a given probability (``nerdesk predict --threshold``), and a project stores predictions down to
``SCORE_FLOOR`` so that the window's Min score slider can show the less confident candidates too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from nerdesk.core.errors import NerdeskError
from nerdesk.core.spans import PRED, Span, best_non_overlapping, sort_spans

DECISION_SCORE = 0.5  # the bundle's own threshold on the score scale
SCORE_FLOOR = 0.1  # predictions stored in a project score at least this


@dataclass(frozen=True, slots=True)
class Cells:
    """Cells above the threshold in one batch, as parallel arrays of length N."""

    row: NDArray[Any]  # (N,) window index in the batch
    label: NDArray[Any]  # (N,) entity-type index
    start: NDArray[Any]  # (N,) first code point
    end: NDArray[Any]  # (N,) code point after the last
    score: NDArray[Any]  # (N,) float64 sigmoid of the logit's margin over the threshold


def span_band(length: int, max_span_tokens: int | None = None) -> NDArray[Any]:
    """``(L, L)`` bool: start <= end and (if given) the span covers at most ``max_span_tokens`` tokens."""
    ones = np.ones((length, length), dtype=bool)  # (L, L)
    band = np.triu(ones)  # start <= end
    if max_span_tokens is not None:
        band &= ~np.triu(ones, k=max_span_tokens)  # end - start < max_span_tokens
    return band


def valid_cells(token_mask: NDArray[Any], max_span_tokens: int | None = None) -> NDArray[Any]:
    """``(B, 1, L, L)`` bool: both tokens belong to the text, start <= end, and (if given) the span
    covers at most ``max_span_tokens`` tokens."""
    text_token = token_mask.astype(bool)  # (B, L)
    band = span_band(token_mask.shape[-1], max_span_tokens)  # (L, L)
    mask: NDArray[np.bool_] = text_token[:, None, :, None] & text_token[:, None, None, :] & band  # (B, 1, L, L)
    return mask


def cells_above(logits: NDArray[Any], token_mask: NDArray[Any], offsets: NDArray[Any], threshold: float,
                max_span_tokens: int | None = None) -> Cells:
    """Find every valid cell of ``logits`` (B, m, L, L) above ``threshold``, in character offsets.

    The band (start <= end, length cap) is applied to the whole array and the token mask only to
    the few cells above the threshold, which is much cheaper than a (B, 1, L, L) mask on long windows.
    """
    hits = logits > threshold  # (B, m, L, L)
    hits &= span_band(logits.shape[-1], max_span_tokens)  # broadcast over (B, m)
    row, label, first, last = np.unravel_index(np.flatnonzero(hits), hits.shape)  # each (N,)
    text_token = token_mask.astype(bool)  # (B, L)
    on_text = text_token[row, first] & text_token[row, last]  # (N,)
    row, label, first, last = row[on_text], label[on_text], first[on_text], last[on_text]
    start = offsets[row, first, 0]  # (N,)
    end = offsets[row, last, 1]  # (N,)
    margin = logits[row, label, first, last].astype(np.float64) - threshold  # (N,)
    score = 1.0 / (1.0 + np.exp(-margin))  # (N,) above 0.5 exactly when above the threshold
    return Cells(row, label, start, end, score)


class SpanCollector:
    """Gathers the spans of each text from its windows: keeps owned spans, merges duplicates.

    The kept cells stay in numpy arrays (about 30 bytes each) until ``spans`` is called; a duplicate
    ``(start, end, label)`` of one text keeps its best score and the place of its first appearance.
    """

    def __init__(self, text_count: int, label_names: Sequence[str], model_version: str | None) -> None:
        self.text_count = text_count
        self.label_names = list(label_names)
        self.model_version = model_version
        self._parts: list[tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]] = []

    def add(self, cells: Cells, text_indices: Sequence[int], owned: Sequence[tuple[int, int]]) -> None:
        """Add one batch's cells; ``text_indices`` and ``owned`` describe the batch rows."""
        owned_array = np.asarray(owned, dtype=np.int64).reshape(-1, 2)  # (B, 2)
        keep = (cells.start >= owned_array[cells.row, 0]) & (cells.start < owned_array[cells.row, 1])  # (N,)
        text = np.asarray(text_indices, dtype=np.int64).reshape(-1)[cells.row[keep]]  # (K,)
        self._parts.append((text, cells.start[keep], cells.end[keep], cells.label[keep], cells.score[keep]))

    def spans(self, *, flat: bool) -> list[list[Span]]:
        if not self._parts:
            return [[] for _ in range(self.text_count)]
        text, start, end, label, score = self._merged()
        result: list[list[Span]] = [[] for _ in range(self.text_count)]
        for index, first, last, kind, value in zip(text.tolist(), start.tolist(), end.tolist(), label.tolist(),
                                                   score.tolist(), strict=True):
            result[index].append(Span(first, last, self.label_names[kind], PRED, value, self.model_version))
        return [best_non_overlapping(spans) if flat else sort_spans(spans) for spans in result]

    def _merged(self) -> tuple[NDArray[Any], ...]:
        """One row per distinct (text, start, end, label) with its best score, in order of first appearance."""
        text, start, end, label, score = (np.concatenate(column) for column in zip(*self._parts, strict=True))
        if len(text) == 0:
            return text, start, end, label, score
        arrival = np.arange(len(text))  # (K,)
        order = np.lexsort((arrival, label, end, start, text))  # equal keys together, first arrival first
        keys = np.stack([text[order], start[order], end[order], label[order]])  # (4, K)
        group_starts = np.flatnonzero(np.r_[True, np.any(keys[:, 1:] != keys[:, :-1], axis=0)])  # (G,)
        best = np.maximum.reduceat(score[order], group_starts)  # (G,)
        first = order[group_starts]  # (G,) arrival index of each key's first appearance
        appearance = np.argsort(first, kind="stable")  # (G,)
        rows = first[appearance]
        return text[rows], start[rows], end[rows], label[rows], best[appearance]


def score_margin(probability: float) -> float:
    """The logit margin over the bundle's threshold at which a span scores ``probability`` (0 at 0.5)."""
    if not 0.0 < probability < 1.0:
        raise NerdeskError(f"a score threshold must lie between 0 and 1 (exclusive), not {probability:g}; "
                           f"{DECISION_SCORE} is the model's own decision boundary", code="E340")
    return math.log(probability / (1.0 - probability))


def shifted_score(score: float | None, margin: float) -> float | None:
    """A score measured against a threshold ``margin`` logits off the bundle's, moved back to the bundle's."""
    if score is None or margin == 0.0 or score >= 1.0:
        return score
    if score <= 0.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-(math.log(score / (1.0 - score)) + margin)))


class ThresholdPredictor(Protocol):
    """What ``predict_at_least`` needs of a predictor (``nerdesk.runtime.predictor.SpanPredictor`` is one):
    its logit threshold and a ``predict`` that takes another. Declared here so that decoding, which the
    predictor builds on, does not import the predictor back."""

    @property
    def threshold(self) -> float: ...

    def predict(self, texts: Sequence[str], batch_size: int = 32, threshold: float | None = None,
                progress: Callable[[int, int], None] | None = None) -> list[list[Span]]: ...


def predict_at_least(predictor: ThresholdPredictor, texts: Sequence[str], min_score: float | None = None,
                     **options: Any) -> list[list[Span]]:
    """``predictor.predict(texts, **options)`` keeping the spans scoring at least ``min_score``
    (default 0.5, the bundle's own threshold), with scores on the bundle's scale whatever ``min_score`` is."""
    margin = score_margin(DECISION_SCORE if min_score is None else min_score)
    if margin == 0.0:
        return predictor.predict(texts, **options)
    predicted = predictor.predict(texts, threshold=predictor.threshold + margin, **options)
    return [[replace(span, score=shifted_score(span.score, margin)) for span in spans] for spans in predicted]
