"""Properties of ``core.metrics.evaluate`` on random nested span sets."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from nerdesk.core.metrics import _nested_keys, evaluate
from nerdesk.core.spans import Span


@st.composite
def span_lists(draw) -> list[Span]:
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, 20))
        spans.append(Span(start, draw(st.integers(start + 1, 24)), draw(st.sampled_from("ABC"))))
    return spans


CORPORA = st.lists(span_lists(), min_size=1, max_size=4)


@settings(max_examples=100, deadline=None)
@given(CORPORA)
def test_a_perfect_prediction_scores_one(gold):
    report = evaluate(gold, gold)
    assert report.exact_match == 1.0
    assert report.micro.fp == report.micro.fn == 0
    if any(gold):
        assert report.micro.precision == report.micro.recall == report.micro.f1 == 1.0
        assert report.macro_f1 == 1.0
        assert all(counts.f1 == 1.0 for counts in report.per_label.values())


@settings(max_examples=100, deadline=None)
@given(CORPORA)
def test_an_empty_prediction_finds_nothing(gold):
    report = evaluate(gold, [[] for _ in gold])
    assert report.micro.recall == report.micro.f1 == 0.0
    assert report.micro.tp == report.micro.fp == 0
    assert report.micro.fn == report.micro.support == sum(len(spans) for spans in gold)
    assert report.exact_match == sum(not spans for spans in gold) / len(gold)


@settings(max_examples=120, deadline=None)
@given(CORPORA.flatmap(lambda gold: st.tuples(st.just(gold), st.lists(span_lists(), min_size=len(gold),
                                                                      max_size=len(gold)))))
def test_swapping_gold_and_prediction_swaps_precision_and_recall(pair):
    gold, pred = pair
    forward, backward = evaluate(gold, pred), evaluate(pred, gold)
    assert forward.micro.precision == backward.micro.recall
    assert forward.micro.recall == backward.micro.precision
    assert math.isclose(forward.micro.f1, backward.micro.f1)
    assert forward.micro.tp == backward.micro.tp
    for label, counts in forward.per_label.items():
        assert (counts.fp, counts.fn) == (backward.per_label[label].fn, backward.per_label[label].fp)
    assert 0.0 <= forward.micro.f1 <= 1.0
    assert forward.micro.support == sum(len(spans) for spans in gold)


def nested_by_pairs(spans: list[Span]) -> set[tuple[int, int, str]]:
    """The definition: a span is nested when it holds, or lies inside, a span with another key."""
    return {key for a in spans for b in spans if a.key != b.key and (a.covers_range(b) or b.covers_range(a))
            for key in (a.key, b.key)}


@settings(max_examples=300, deadline=None)
@given(st.lists(span_lists(), max_size=5).map(lambda lists: [span for spans in lists for span in spans]))
def test_nested_spans_are_the_ones_that_hold_or_lie_inside_another(spans):
    assert _nested_keys(spans) == nested_by_pairs(spans)
