"""Undo after a model run: undoing an accept or a reject made before the document was predicted again does not
bring back the replaced model's predictions beside the new model's."""

from __future__ import annotations

import pytest

from nerdesk.core import Document, Span
from nerdesk.core.spans import PRED
from nerdesk.storage import Project
from nerdesk.workflows.session import EditingSession

TEXT = "李娜去上海出差。"


def pred(start: int, end: int, label: str, version: str, score: float = 0.9) -> Span:
    return Span(start, end, label, PRED, score, version)


@pytest.fixture
def session(tmp_path):
    path = tmp_path / "undo.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(TEXT), Document("张伟在北京。", status="reviewed")])
        project.replace_predictions(1, [pred(0, 2, "PER", "m1"), pred(3, 5, "LOC", "m1")], "m1")
        project.replace_predictions(2, [pred(3, 5, "LOC", "m1")], "m1")
    session = EditingSession()
    session.open_project(path)
    session.open_document(1)
    yield session
    session.close_project()


def stored(session: EditingSession, doc_id: int) -> set[tuple]:
    return {(s.start, s.end, s.label, s.source, s.model_version) for s in session.require_project().spans(doc_id)}


def test_undo_after_the_document_was_predicted_again_leaves_the_new_predictions_alone(session):
    session.accept([pred(0, 2, "PER", "m1")])
    session.reject([pred(3, 5, "LOC", "m1")])
    session.store_predictions([(1, [pred(0, 2, "PER", "m2", 0.8)])], "m2", unreviewed_only=True)

    assert session.undo() and session.undo()

    assert stored(session, 1) == {(0, 2, "PER", "pred", "m2")}  # no m1 LOC back, no m1 PER beside m2's
    assert {(s.start, s.end, s.label, s.model_version) for s in session.document.spans} == {(0, 2, "PER", "m2")}
    assert session.redo()  # accepting again consumes the prediction that is there now
    assert stored(session, 1) == {(0, 2, "PER", "gold", None)}


def test_without_a_model_run_undo_brings_the_predictions_back(session):
    session.accept([pred(0, 2, "PER", "m1")])
    session.reject([pred(3, 5, "LOC", "m1")])
    assert session.undo() and session.undo()
    assert stored(session, 1) == {(0, 2, "PER", "pred", "m1"), (3, 5, "LOC", "pred", "m1")}


def test_a_reviewed_document_the_run_left_alone_keeps_its_undo(session):
    session.open_document(2)
    session.reject([pred(3, 5, "LOC", "m1")])
    session.store_predictions([(1, []), (2, [pred(0, 2, "PER", "m2")])], "m2", unreviewed_only=True)
    assert stored(session, 2) == set()  # reviewed: left as it was
    assert session.undo()
    assert stored(session, 2) == {(3, 5, "LOC", "pred", "m1")}
