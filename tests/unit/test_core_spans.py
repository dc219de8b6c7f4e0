"""Spans, nesting queries, labels, metrics and undoable edits."""

from __future__ import annotations

import pytest

from nerdesk.core import edits
from nerdesk.core.errors import NerdeskError, SpanError
from nerdesk.core.labels import LabelSet
from nerdesk.core.metrics import evaluate
from nerdesk.core.spans import (
    Span,
    best_non_overlapping,
    flat_levels,
    is_flat,
    nesting_depth,
    spans_at,
    validate_span,
)

TEXT = "北京大学附属医院位于海淀区"
HOSPITAL = Span(0, 8, "org")
UNIVERSITY = Span(0, 4, "org")
CITY = Span(0, 2, "loc")
DISTRICT = Span(10, 13, "loc")


def test_validate_span_checks_range_emptiness_and_mention():
    validate_span(CITY, TEXT, mention="北京")
    for bad in (Span(-1, 2, "x"), Span(3, 3, "x"), Span(10, 14, "x"), Span(0, 2, "")):
        with pytest.raises(SpanError):
            validate_span(bad, TEXT)
    with pytest.raises(SpanError, match="上海") as caught:
        validate_span(CITY, TEXT, mention="上海")
    assert caught.value.code == "E005"


def test_nesting_queries():
    spans = [HOSPITAL, UNIVERSITY, CITY, DISTRICT]
    assert nesting_depth(spans) == 3
    assert not is_flat(spans) and is_flat([HOSPITAL, DISTRICT])
    assert spans_at(spans, 1) == [CITY, UNIVERSITY, HOSPITAL]  # innermost first
    levels = flat_levels(spans)
    assert levels == [[HOSPITAL, DISTRICT], [UNIVERSITY], [CITY]]
    assert HOSPITAL.encloses(CITY) and not CITY.encloses(HOSPITAL)
    assert Span(0, 5, "a").crosses(Span(3, 8, "b")) and not HOSPITAL.crosses(CITY)


def test_flat_decoding_keeps_best_non_overlapping():
    preds = [Span(0, 8, "org", "pred", 0.6), Span(0, 4, "org", "pred", 0.9), Span(4, 8, "org", "pred", 0.7)]
    assert best_non_overlapping(preds) == [preds[1], preds[2]]


def test_label_set_assigns_keys_and_rejects_clashes():
    labels = LabelSet.from_names(["PER", "LOC"])
    assert [label.key for label in labels] == ["1", "2"]
    with pytest.raises(NerdeskError) as caught:
        labels.add("ORG", key="1")
    assert caught.value.code == "E012"
    with pytest.raises(NerdeskError) as caught:
        labels.update("PER", name="LOC")
    assert caught.value.code == "E014"
    labels.update("PER", name="PERSON", key="9")
    assert labels.by_key("9").name == "PERSON"


def test_metrics_micro_macro_and_nested():
    gold = [[HOSPITAL, UNIVERSITY, CITY, DISTRICT]]
    pred = [[HOSPITAL, CITY, Span(10, 13, "org")]]
    report = evaluate(gold, pred)
    assert (report.micro.tp, report.micro.fp, report.micro.fn) == (2, 1, 2)
    assert report.micro.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert report.per_label["loc"].recall == 0.5
    assert (report.nested.tp, report.nested.fn) == (2, 1)  # the university was missed
    assert report.exact_match == 0.0
    assert evaluate(gold, gold).exact_match == 1.0


def test_edits_apply_and_invert_exactly():
    spans = [HOSPITAL, Span(0, 4, "org", "pred", 0.8, "m1")]
    steps = [
        edits.add_span(1, CITY, spans),
        edits.accept_predictions(1, [spans[1]], spans),
        edits.relabel(1, HOSPITAL, "loc"),
        edits.nudge(1, HOSPITAL.relabelled("loc"), end_by=-1, text_length=len(TEXT)),
    ]
    history = [spans]
    for edit in steps:
        current = history[-1]
        for change in edit.changes:
            current = edits.apply_to_spans(current, change)
        history.append(current)
    assert set(history[-1]) == {CITY, UNIVERSITY, Span(0, 7, "loc")}
    for edit, before in zip(reversed(steps), reversed(history[:-1]), strict=True):
        current = history.pop()
        for change in edit.inverse().changes:
            current = edits.apply_to_spans(current, change)
        assert set(current) == set(before)


def test_adding_an_existing_gold_span_is_empty_and_resize_checks_range():
    assert edits.add_span(1, CITY, [CITY]).is_empty
    with pytest.raises(SpanError):
        edits.resize(1, CITY, 5, 50, len(TEXT))
