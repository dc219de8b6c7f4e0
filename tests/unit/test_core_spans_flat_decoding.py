"""``best_non_overlapping`` against the straightforward quadratic greedy it replaced, on random span sets."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.large_documents import (
    old_best_non_overlapping as reference,  # the quadratic greedy it replaced
)
from nerdesk.core.spans import PRED, Span, best_non_overlapping

# Few positions, labels and scores, so that overlaps, equal ranges and score ties are common.
SCORES = st.one_of(st.none(), st.sampled_from([0.1, 0.5, 0.5000001, 0.9, 1.0]), st.floats(0, 1))


def span_sets(*, shortest: int) -> st.SearchStrategy[list[Span]]:
    rows = st.tuples(st.integers(0, 40), st.integers(shortest, 12), st.sampled_from("ABC"), SCORES)
    return st.lists(rows, max_size=60).map(
        lambda drawn: [Span(start, start + length, label, PRED, score, "m") for start, length, label, score in drawn])


@settings(max_examples=2000, deadline=None)
@given(span_sets(shortest=1))
def test_same_spans_as_the_quadratic_greedy(spans):
    assert best_non_overlapping(spans) == reference(spans)


@settings(max_examples=1000, deadline=None)
@given(span_sets(shortest=0))
def test_same_spans_also_with_empty_spans(spans):
    assert best_non_overlapping(spans) == reference(spans)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 30), st.floats(0, 1)), max_size=400))
def test_same_spans_on_larger_sparse_sets(rows):
    spans = [Span(start, start + length, "X", PRED, score) for start, length, score in rows]
    assert best_non_overlapping(spans) == reference(spans)


def test_ties_keep_the_input_order():
    first, second = Span(0, 3, "A", PRED, 0.7), Span(0, 3, "B", PRED, 0.7)
    assert best_non_overlapping([first, second]) == [first]
    assert best_non_overlapping([second, first]) == [second]


def test_reversed_spans_are_refused_as_before():
    with pytest.raises(ValueError):
        best_non_overlapping([Span(3, 1, "A", PRED, 0.5)])


def test_an_empty_span_inside_a_kept_one_is_dropped_and_blocks_when_kept_first():
    outer, weak, strong = Span(0, 4, "A", PRED, 0.9), Span(2, 2, "B", PRED, 0.5), Span(2, 2, "B", PRED, 0.95)
    assert best_non_overlapping([outer, weak]) == [outer]
    assert best_non_overlapping([outer, strong]) == [strong]
    assert best_non_overlapping([outer, Span(4, 4, "B", PRED, 0.95)]) == [outer, Span(4, 4, "B", PRED, 0.95)]


def test_same_spans_on_large_dense_sets():
    for seed in range(10):
        rng = random.Random(seed)
        spans = []
        for _ in range(1500):
            start = rng.randrange(3000)
            spans.append(Span(start, start + rng.randint(1, 15), rng.choice("AB"), PRED, rng.choice([0.5, rng.random()])))
        assert best_non_overlapping(spans) == reference(spans)
