"""Vectorised decoding of logits to spans, and merging the spans of overlapping windows."""

from __future__ import annotations

import numpy as np
import pytest

from nerdesk.runtime.compare import first_span_difference, max_abs_diff_on_valid_cells, span_agreement
from nerdesk.runtime.decode import SpanCollector, cells_above, valid_cells

LOW = np.finfo(np.float32).min


def batch_of_one(length: int, text_tokens: list[int]):
    """token_mask and offsets for one window whose text tokens are at ``text_tokens``, 2 chars each."""
    token_mask = np.zeros((1, length), dtype=np.int64)  # (1, L)
    offsets = np.zeros((1, length, 2), dtype=np.int64)  # (1, L, 2)
    for position, token in enumerate(text_tokens):
        token_mask[0, token] = 1
        offsets[0, token] = (2 * position, 2 * position + 2)
    return token_mask, offsets


def test_only_valid_cells_above_the_threshold_become_spans():
    token_mask, offsets = batch_of_one(6, [1, 2, 3, 4])  # 0 = [CLS], 5 = [SEP]
    logits = np.full((1, 2, 6, 6), -5.0, dtype=np.float32)  # (1, m, L, L)
    logits[0, 0, 1, 2] = 3.0  # tokens 1..2 -> chars 0..4, type 0
    logits[0, 1, 3, 3] = 0.5  # token 3 -> chars 4..6, type 1
    logits[0, 0, 3, 1] = 9.0  # end before start
    logits[0, 1, 0, 2] = 9.0  # starts on [CLS]
    logits[0, 0, 4, 5] = 9.0  # ends on [SEP]
    logits[0, 1, 2, 4] = 0.0  # exactly at the threshold: not above it
    cells = cells_above(logits, token_mask, offsets, threshold=0.0)
    found = sorted(zip(cells.label.tolist(), cells.start.tolist(), cells.end.tolist(), strict=True))
    assert found == [(0, 0, 4), (1, 4, 6)]
    assert sorted(cells.score.tolist()) == pytest.approx(sorted([1 / (1 + np.exp(-3.0)), 1 / (1 + np.exp(-0.5))]))


def test_threshold_moves_the_cut():
    token_mask, offsets = batch_of_one(3, [0, 1, 2])
    logits = np.full((1, 1, 3, 3), -1.0, dtype=np.float32)
    logits[0, 0, 0, 0] = 0.5
    assert len(cells_above(logits, token_mask, offsets, threshold=0.0).row) == 1
    assert len(cells_above(logits, token_mask, offsets, threshold=1.0).row) == 0
    assert len(cells_above(logits, token_mask, offsets, threshold=-2.0).row) == 6  # the upper triangle


def test_cells_off_the_text_never_decode_whatever_the_model_says():
    token_mask, offsets = batch_of_one(4, [1, 2])
    logits = np.full((1, 1, 4, 4), 9.0, dtype=np.float32)
    assert len(cells_above(logits, token_mask, offsets, threshold=0.0).row) == 3  # (1,1) (1,2) (2,2)
    masked = np.full((1, 1, 4, 4), LOW, dtype=np.float32)  # what the model writes into invalid cells
    assert len(cells_above(masked, token_mask, offsets, threshold=0.0).row) == 0


def test_collector_keeps_owned_spans_and_the_best_score_of_duplicates():
    collector = SpanCollector(2, ["PER", "LOC"], "m@1")
    token_mask, offsets = batch_of_one(4, [0, 1, 2, 3])
    logits = np.full((2, 2, 4, 4), -9.0, dtype=np.float32)  # (2 windows, m, L, L)
    logits[0, 0, 0, 1] = 1.0  # chars 0..4, owned by window 0 ([0, 4))
    logits[0, 1, 2, 2] = 2.0  # chars 4..6, not owned by window 0
    logits[1, 1, 0, 0] = 3.0  # same chars as below once shifted: duplicate in window 1
    batch_mask = np.repeat(token_mask, 2, axis=0)
    batch_offsets = np.stack([offsets[0], offsets[0] + 4])  # window 1 starts at char 4
    cells = cells_above(logits, batch_mask, batch_offsets, 0.0)
    collector.add(cells, text_indices=[0, 0], owned=[(0, 4), (4, 100)])
    logits[1, 1, 0, 0] = 1.5  # a weaker duplicate from a later batch
    collector.add(cells_above(logits[1:], batch_mask[1:], batch_offsets[1:], 0.0), [0], [(4, 100)])
    first, second = collector.spans(flat=False)
    assert [(s.start, s.end, s.label) for s in first] == [(0, 4, "PER"), (4, 6, "LOC")]
    assert first[1].score == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert all(s.source == "pred" and s.model_version == "m@1" for s in first)
    assert second == []


def test_flat_bundles_keep_the_best_non_overlapping_spans():
    collector = SpanCollector(1, ["ORG", "LOC"], None)
    token_mask, offsets = batch_of_one(4, [0, 1, 2, 3])
    logits = np.full((1, 2, 4, 4), -9.0, dtype=np.float32)
    logits[0, 0, 0, 3] = 4.0  # outer ORG
    logits[0, 1, 0, 1] = 1.0  # nested LOC, weaker
    collector.add(cells_above(logits, token_mask, offsets, 0.0), [0], [(0, 100)])
    assert [s.label for s in collector.spans(flat=False)[0]] == ["ORG", "LOC"]
    assert [s.label for s in collector.spans(flat=True)[0]] == ["ORG"]


def test_span_length_cap_drops_long_cells():
    token_mask, offsets = batch_of_one(6, [0, 1, 2, 3, 4, 5])
    logits = np.full((1, 1, 6, 6), 5.0, dtype=np.float32)
    lengths = {int(e - s) // 2 for s, e in zip(*(lambda c: (c.start, c.end))(
        cells_above(logits, token_mask, offsets, 0.0, max_span_tokens=2)), strict=True)}
    assert lengths == {1, 2}
    assert len(cells_above(logits, token_mask, offsets, 0.0).row) == 21  # 6 * 7 / 2 without a cap
    assert valid_cells(token_mask, 1)[0, 0].sum() == 6  # only single-token spans


def test_valid_cells_shape_and_comparison_helpers():
    token_mask = np.array([[0, 1, 1, 0]], dtype=np.int64)
    assert valid_cells(token_mask).shape == (1, 1, 4, 4)
    first = np.zeros((1, 2, 4, 4), dtype=np.float32)
    second = first.copy()
    second[0, 1, 0, 0] = 100.0  # an invalid cell: ignored
    second[0, 0, 1, 2] = 0.25
    assert max_abs_diff_on_valid_cells(first, second, token_mask) == pytest.approx(0.25)


def test_span_agreement_and_differences():
    from nerdesk.core.spans import Span

    a = [[Span(0, 2, "PER")], [Span(1, 3, "LOC"), Span(4, 5, "ORG")]]
    b = [[Span(0, 2, "PER")], [Span(1, 3, "LOC")]]
    assert span_agreement(a, a) == 1.0 and span_agreement([[]], [[]]) == 1.0
    assert span_agreement(a, b) == pytest.approx(2 / 3)
    assert first_span_difference(a, a) is None
    assert "text 1" in first_span_difference(a, b)
