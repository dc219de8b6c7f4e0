"""Edits and predictions written to the store, and concurrent access in WAL mode."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core import PRED, Document, ProjectError, Span, SpanError
from nerdesk.core import edits as core_edits
from nerdesk.storage import Project

TEXT = "上海市第一人民医院心内科"


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_documents([
            Document(TEXT, [Span(0, 3, "LOC"), Span(0, 9, "ORG")]),
            Document("其他文本", status="reviewed"),
        ])
        yield project


def test_edit_and_inverse_restore_exactly(project):
    before = project.spans(1)
    edit = core_edits.combine("several", [
        core_edits.add_span(1, Span(9, 12, "DEP")),
        core_edits.relabel(1, Span(0, 3, "LOC"), "GPE", before),
        core_edits.resize(1, Span(0, 9, "ORG"), 3, 9, len(TEXT)),
    ])
    project.apply_edit(edit)
    assert project.spans(1) == [Span(0, 3, "GPE"), Span(3, 9, "ORG"), Span(9, 12, "DEP")]
    assert project.label_set().names == ["LOC", "ORG", "DEP", "GPE"]
    project.apply_edit(edit.inverse())
    assert project.spans(1) == before


def sorted_spans(spans):
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.source))


def test_gold_edit_moves_document_to_in_progress(project):
    project.apply_edit(core_edits.delete_spans(1, [Span(0, 3, "LOC")]))
    assert project.document(1).status == "in-progress"
    project.apply_edit(core_edits.add_span(2, Span(0, 2, "X")))
    assert project.document(2).status == "reviewed", "a reviewed document keeps its status"


def test_rejecting_predictions_keeps_status(project):
    project.replace_predictions(1, [Span(3, 5, "LOC", score=0.7)], "m1")
    assert project.document(1).status == "predicted"
    project.apply_edit(core_edits.reject_predictions(1, project.spans(1, "pred")))
    assert project.document(1).status == "predicted"
    assert project.spans(1, "pred") == []


def test_edit_with_a_bad_span_changes_nothing(project):
    before = project.spans(1)
    edit = core_edits.combine("bulk", [
        core_edits.delete_spans(1, [Span(0, 3, "LOC")]),
        core_edits.add_span(1, Span(10, 40, "ORG")),
    ])
    with pytest.raises(SpanError, match="document 1.*outside the text.*nothing was changed") as caught:
        project.apply_edit(edit)
    assert caught.value.code == "E003"
    assert project.spans(1) == before
    assert project.document(1).status == "new"


def test_edit_on_a_deleted_document_fails_cleanly(project):
    project.delete_documents([2])
    with pytest.raises(ProjectError, match="no document with id 2") as caught:
        project.apply_edit(core_edits.add_span(2, Span(0, 1, "X")))
    assert caught.value.code == "E230"


def test_predictions_never_overwrite_gold(project):
    gold = project.spans(1, "gold")
    predictions = [Span(0, 3, "LOC", score=0.99), Span(0, 9, "ORG", score=0.8), Span(3, 5, "LOC", score=0.6)]
    project.replace_predictions(1, predictions, "model-a")
    assert project.spans(1, "gold") == gold
    stored = project.spans(1, "pred")
    assert {(s.key, s.score, s.model_version, s.source) for s in stored} == {
        (p.key, p.score, "model-a", PRED) for p in predictions
    }
    project.replace_predictions(1, [Span(5, 9, "ORG", score=0.5)], "model-b")
    assert project.spans(1, "gold") == gold
    assert project.spans(1, "pred") == [Span(5, 9, "ORG", PRED, 0.5, "model-b")]


def test_accepting_a_prediction_creates_gold_and_undo_restores_it(project):
    project.replace_predictions(1, [Span(9, 12, "DEP", score=0.9), Span(0, 3, "LOC", score=0.9)], "m")
    before = project.spans(1)
    edit = core_edits.accept_predictions(1, project.spans(1, "pred"), before)
    project.apply_edit(edit)
    assert project.spans(1, "pred") == []
    assert Span(9, 12, "DEP") in project.spans(1, "gold")
    assert project.spans(1, "gold").count(Span(0, 3, "LOC")) == 1
    project.apply_edit(edit.inverse())
    assert project.spans(1) == before


def test_bad_predictions_are_rejected_before_the_old_ones_go(project):
    project.replace_predictions(1, [Span(0, 3, "LOC", score=0.9)], "m")
    with pytest.raises(SpanError):
        project.replace_predictions(1, [Span(0, 99, "LOC")], "m2")
    assert project.spans(1, "pred") == [Span(0, 3, "LOC", PRED, 0.9, "m")]


def test_predictions_for_many_documents_are_all_or_nothing(project):
    project.replace_predictions_many([(1, [Span(0, 3, "LOC", score=0.9)]), (2, [Span(0, 2, "X")])], "m1")
    assert project.spans(1, "pred") == [Span(0, 3, "LOC", PRED, 0.9, "m1")]
    assert project.spans(2, "pred") == [Span(0, 2, "X", PRED, None, "m1")]
    assert [project.document(i).status for i in (1, 2)] == ["predicted", "reviewed"]
    with pytest.raises(SpanError, match="document 2") as caught:
        project.replace_predictions_many([(1, []), (2, [Span(0, 50, "X")])], "m2")
    assert caught.value.code == "E003"
    assert project.spans(1, "pred") == [Span(0, 3, "LOC", PRED, 0.9, "m1")]


span_strategy = st.builds(
    lambda start, length, label: Span(start, min(start + length, len(TEXT)), label),
    st.integers(0, len(TEXT) - 1), st.integers(1, 5), st.sampled_from(["LOC", "ORG", "DEP"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(added=st.lists(span_strategy, max_size=6, unique=True), removed_count=st.integers(0, 2))
def test_store_applies_edits_like_core(project, added, removed_count):
    """The SQL path and ``core.edits.apply_to_spans`` agree, and every edit undoes exactly."""
    before = project.spans(1)
    change = core_edits.Change(1, removed=tuple(before[:removed_count]), added=tuple(added))
    edit = core_edits.Edit("random", (change,))
    try:
        project.apply_edit(edit)
        assert project.spans(1) == sorted_spans(core_edits.apply_to_spans(before, change))
        project.apply_edit(edit.inverse())
        if not set(added) & set(before):
            assert project.spans(1) == before
    finally:
        reset = core_edits.Change(1, tuple(project.spans(1)), tuple(before))
        project.apply_edit(core_edits.Edit("reset", (reset,)))


def test_reader_is_not_blocked_by_an_open_write(project, tmp_path):
    """A second connection reads the last committed state while a write transaction is open."""
    reader = Project.open(project.path)
    writer_started, reader_done = threading.Event(), threading.Event()
    results = {}

    def write_slowly():
        with Project.open(project.path) as writer, writer.db.conn:
            writer.db.execute("BEGIN IMMEDIATE")
            writer.db.execute("UPDATE documents SET text = 'changed' WHERE id = 2")
            writer_started.set()
            reader_done.wait(timeout=10)

    thread = threading.Thread(target=write_slowly)
    thread.start()
    assert writer_started.wait(timeout=10)
    results["text"] = reader.document(2).text
    results["count"] = reader.count_documents()
    reader_done.set()
    thread.join(timeout=10)
    reader.close()
    assert results == {"text": "其他文本", "count": 2}
    assert project.document(2).text == "changed"
