"""Comparing two models' outputs: logits on the cells that matter, and decoded spans.

Used by export (ONNX vs torch, int8 vs fp32) and by the inference benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nerdesk.core.spans import Span
from nerdesk.runtime.decode import valid_cells
from nerdesk.runtime.windows import Batch


def max_abs_diff_on_valid_cells(first: NDArray[Any], second: NDArray[Any], token_mask: NDArray[Any]) -> float:
    """Largest ``|first - second|`` over cells a span can occupy; both logits (B, m, L, L)."""
    if first.shape != second.shape:
        return float("inf")
    valid = np.broadcast_to(valid_cells(token_mask), first.shape)  # (B, m, L, L)
    if not valid.any():
        return 0.0
    return float(np.abs(first[valid].astype(np.float64) - second[valid].astype(np.float64)).max())


class LogitDifferences:
    """The largest difference between two models' logits, and the largest logit of the second (the reference),
    on the cells a span can occupy, over the batches ``add`` sees (a ``SpanPredictor.predict_alongside``
    ``on_batch``)."""

    def __init__(self) -> None:
        self.worst = self.largest = 0.0

    def add(self, batch: Batch, logits: list[NDArray[Any]]) -> None:
        tested, reference = logits  # each (B, m, L, L)
        self.worst = max(self.worst, max_abs_diff_on_valid_cells(tested, reference, batch.token_mask))
        self.largest = max(self.largest, max_abs_diff_on_valid_cells(reference, np.zeros_like(reference),
                                                                     batch.token_mask))


def span_keys(documents: Sequence[Sequence[Span]]) -> set[tuple[int, int, int, str]]:
    return {(index, *span.key) for index, spans in enumerate(documents) for span in spans}


def span_agreement(first: Sequence[Sequence[Span]], second: Sequence[Sequence[Span]]) -> float:
    """Share of spans both predictions contain, over the spans either contains (1.0 when both are empty)."""
    first_keys, second_keys = span_keys(first), span_keys(second)
    union = first_keys | second_keys
    return len(first_keys & second_keys) / len(union) if union else 1.0


def first_span_difference(first: Sequence[Sequence[Span]], second: Sequence[Sequence[Span]]) -> str | None:
    """A short description of the first document whose spans differ, or None if all agree."""
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        keys_a, keys_b = {s.key for s in a}, {s.key for s in b}
        if keys_a != keys_b:
            return (f"text {index}: only in the first {sorted(keys_a - keys_b)[:3]}, "
                    f"only in the second {sorted(keys_b - keys_a)[:3]}")
    return None
