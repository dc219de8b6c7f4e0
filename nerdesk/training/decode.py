"""Span logits -> character spans, per window, then per document."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from nerdesk.core.offsets import token_to_char_span
from nerdesk.core.spans import PRED, Span, best_non_overlapping, sort_spans
from nerdesk.training.data import Window


def window_spans(logits: Tensor, window: Window, labels: Sequence[str], threshold: float = 0.0,
                 model_version: str | None = None) -> list[Span]:
    """Every cell of ``logits`` (m, L, L) above ``threshold`` as a predicted span; score = sigmoid(logit)."""
    cells = (logits > threshold).nonzero().tolist()  # [(label, first, last), ...]
    spans = []
    for label, first, last in cells:
        if last >= len(window):
            continue
        start, end = token_to_char_span(window.offsets, first, last)
        score = float(torch.sigmoid(logits[label, first, last]))
        spans.append(Span(start, end, labels[label], PRED, score, model_version))
    return spans


def merge_window_spans(spans: Sequence[Span], flat: bool = False) -> list[Span]:
    """One span per (start, end, label) with its best score; ``flat`` keeps the best non-overlapping."""
    best: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        kept = best.get(span.key)
        if kept is None or (span.score or 0.0) > (kept.score or 0.0):
            best[span.key] = span
    merged = list(best.values())
    return best_non_overlapping(merged) if flat else sort_spans(merged)
