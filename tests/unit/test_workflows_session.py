"""The editing session without Qt: every edit is written to a real project file at once, and its undo
history steps back and forth across documents."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from nerdesk.core import Document, NerdeskError, Span, SpanError
from nerdesk.core.labels import Label
from nerdesk.storage import Project
from nerdesk.workflows.history import History, Step
from nerdesk.workflows.review_policy import ACCEPT, REJECT, settle_pending
from nerdesk.workflows.session import EditingSession, SessionListener

TEXT = "张伟在北京大学读书。"
OTHER = "李娜去上海出差。"


class Recorder(SessionListener):
    """Keeps what the session reported, in order."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def document_changed(self) -> None:
        self.events.append(("document",))

    def spans_changed(self, doc_id: int) -> None:
        self.events.append(("spans", doc_id))

    def labels_changed(self) -> None:
        self.events.append(("labels",))

    def step_added(self, step: Step) -> None:
        self.events.append(("step", step.text))

    def history_cleared(self) -> None:
        self.events.append(("cleared",))


def pred(start: int, end: int, label: str, score: float = 0.9) -> Span:
    return Span(start, end, label, "pred", score, "m1")


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "session.nerdesk"
    with Project.create(path) as project:
        project.add_label("ORG", "#e6194b", "1")
        project.add_label("LOC", "#3cb44b", "2")
        project.add_label("PER", "#009e73", "3")
        project.add_documents([Document(TEXT, [Span(3, 7, "ORG"), Span(3, 5, "LOC")]), Document(OTHER)])
        project.replace_predictions(2, [pred(0, 2, "PER"), pred(3, 5, "LOC", 0.2)], "m1")
    return path


@pytest.fixture
def session(path):
    recorder = Recorder()
    session = EditingSession(recorder)
    session.open_project(path)
    session.open_document(1)
    yield session
    session.close_project()


def in_file(path, doc_id: int = 1) -> set[tuple]:
    """The spans of a document as another connection reads them: what survives if the app is killed now."""
    with Project.open(path) as project:
        return {(s.start, s.end, s.label, s.source) for s in project.spans(doc_id)}


def labels_in_file(path) -> list[Label]:
    with Project.open(path) as project:
        return list(project.label_set())


def test_add_span_is_written_at_once_and_undo_redo_restore_the_file(session, path):
    before = in_file(path)
    session.add_span(0, 2, "PER")
    assert (0, 2, "PER", "gold") in in_file(path)
    assert Span(0, 2, "PER") in session.document.spans
    assert session.history.undo_text == "add PER"
    assert session.undo() and in_file(path) == before
    assert Span(0, 2, "PER") not in session.document.spans
    assert session.redo() and (0, 2, "PER", "gold") in in_file(path)
    assert not session.redo(), "nothing is left to redo"


def test_delete_relabel_and_resize_each_undo_exactly(session, path):
    original = in_file(path)
    session.delete_spans([Span(3, 5, "LOC")])
    assert in_file(path) == {(3, 7, "ORG", "gold")}
    session.relabel(Span(3, 7, "ORG"), "LOC")
    assert in_file(path) == {(3, 7, "LOC", "gold")}
    session.resize(Span(3, 7, "LOC"), 3, 5)
    assert in_file(path) == {(3, 5, "LOC", "gold")}
    assert session.history.undo_text == "resize LOC"
    session.undo()
    assert in_file(path) == {(3, 7, "LOC", "gold")}
    session.undo()
    session.undo()
    assert in_file(path) == original
    assert set(session.document.spans) == {Span(3, 7, "ORG"), Span(3, 5, "LOC")}


def test_relabelling_or_resizing_a_prediction_makes_it_gold(session, path):
    session.open_document(2)
    session.relabel(pred(0, 2, "PER"), "ORG")
    assert in_file(path, 2) == {(0, 2, "ORG", "gold"), (3, 5, "LOC", "pred")}
    session.resize(pred(3, 5, "LOC", 0.2), 3, 6)
    assert in_file(path, 2) == {(0, 2, "ORG", "gold"), (3, 6, "LOC", "gold")}
    session.undo()
    session.undo()
    assert in_file(path, 2) == {(0, 2, "PER", "pred"), (3, 5, "LOC", "pred")}


def test_a_gold_span_deleted_or_relabelled_takes_its_hidden_prediction_twin_with_it(session, path):
    # The model predicted what is gold already (the window hides such a twin). Deleting the gold span showed the
    # twin as pending, and accepting the pending ones brought the deleted span back.
    with Project.open(path) as project:
        project.replace_predictions(1, [pred(3, 7, "ORG"), pred(3, 5, "LOC"), pred(0, 2, "PER")], "m1")
    session.open_document(1)
    assert session.accept_all(min_score=0.5) == 1, "the twins are gold already: one prediction to accept"
    session.undo()
    session.delete_spans([Span(3, 7, "ORG")])
    assert in_file(path) == {(3, 5, "LOC", "gold"), (3, 5, "LOC", "pred"), (0, 2, "PER", "pred")}
    assert session.history.undo_text == "delete ORG"
    session.relabel(Span(3, 5, "LOC"), "PER")
    assert in_file(path) == {(3, 5, "PER", "gold"), (0, 2, "PER", "pred")}
    session.undo()
    session.undo()
    assert in_file(path) == {(3, 7, "ORG", "gold"), (3, 5, "LOC", "gold"), (3, 7, "ORG", "pred"),
                             (3, 5, "LOC", "pred"), (0, 2, "PER", "pred")}


def test_a_failing_edit_changes_nothing_and_leaves_no_step(session, path):
    before = in_file(path)
    with pytest.raises(SpanError):
        session.resize(Span(3, 5, "LOC"), 3, 400)
    with pytest.raises(NerdeskError):
        session.add_label("ORG")
    assert in_file(path) == before
    assert len(session.history) == 0 and not session.history.can_undo


def test_undo_reaches_back_into_a_document_no_longer_open(session, path):
    session.add_span(0, 2, "PER")
    session.open_document(2)
    session.accept([pred(0, 2, "PER")])
    session.open_document(None)
    session.undo()
    assert session.doc_id == 2, "undo opens the document it changes"
    assert in_file(path, 2) == {(0, 2, "PER", "pred"), (3, 5, "LOC", "pred")}
    session.undo()
    assert session.doc_id == 1
    assert (0, 2, "PER", "gold") not in in_file(path, 1)
    assert Span(0, 2, "PER") not in session.document.spans
    session.redo()
    assert (0, 2, "PER", "gold") in in_file(path, 1)


def test_a_new_edit_clears_what_could_be_redone(session, path):
    session.add_span(0, 2, "PER")
    session.add_span(5, 7, "ORG")
    session.undo()
    assert session.history.can_redo and session.history.redo_text == "add ORG"
    session.delete_spans([Span(3, 5, "LOC")])
    assert not session.history.can_redo and not session.redo()
    assert (5, 7, "ORG", "gold") not in in_file(path)
    assert len(session.history) == 2


def test_accepting_every_prediction_of_the_project_is_one_step(session, path):
    session.relabel(Span(3, 5, "LOC"), "PER")
    with Project.open(path) as project:
        project.replace_predictions(1, [pred(0, 2, "PER", 0.8)], "m1")
    assert session.accept_all(min_score=0.5, all_documents=True) == 2
    assert in_file(path, 1) == {(3, 7, "ORG", "gold"), (3, 5, "PER", "gold"), (0, 2, "PER", "gold")}
    assert in_file(path, 2) == {(0, 2, "PER", "gold"), (3, 5, "LOC", "pred")}, "0.2 is below the minimum"
    assert session.history.undo_text == "accept 2 predictions" and len(session.history) == 2
    session.undo()
    assert in_file(path, 2) == {(0, 2, "PER", "pred"), (3, 5, "LOC", "pred")}
    assert (0, 2, "PER", "pred") in in_file(path, 1)
    session.accept([])
    session.reject([])
    assert len(session.history) == 2 and session.history.redo_text == "accept 2 predictions", \
        "an empty edit is no step and leaves the redo alone"


def test_reviewing_settles_the_pending_predictions_in_one_step(session, path):
    session.open_document(2)
    document = session.current_document()
    session.mark_reviewed(settle_pending(2, document.spans, 0.5, ACCEPT))
    assert in_file(path, 2) == {(0, 2, "PER", "gold")}, "shown accepted, hidden below 0.5 rejected"
    with Project.open(path) as project:
        assert project.document(2).status == "reviewed"
    assert session.history.undo_text == "review document 2" and len(session.history) == 1
    session.undo()
    assert in_file(path, 2) == {(0, 2, "PER", "pred"), (3, 5, "LOC", "pred")}
    with Project.open(path) as project:
        status = project.document(2).status
    assert status != "reviewed" and session.document.status == status


def statuses_in_file(path) -> list[str]:
    with Project.open(path) as project:
        return [project.document(doc_id).status for doc_id in project.document_ids()]


def test_undo_and_redo_put_back_the_review_status_each_document_had(session, path):
    """Any change of gold spans makes a document in-progress, its undo too: the step restores the status."""
    assert statuses_in_file(path) == ["new", "predicted"]
    session.accept_all(all_documents=True)
    assert statuses_in_file(path) == ["new", "in-progress"]
    session.undo()
    assert statuses_in_file(path) == ["new", "predicted"], "document 2 was only predicted before"
    session.redo()
    assert statuses_in_file(path) == ["new", "in-progress"]
    session.undo()
    session.open_document(2)
    session.mark_reviewed(settle_pending(2, session.current_document().spans, 0.5, ACCEPT))
    session.undo()
    assert statuses_in_file(path) == ["new", "predicted"] and session.document.status == "predicted"
    session.delete_label("LOC")
    assert statuses_in_file(path) == ["in-progress", "predicted"], "a gold span of document 1 went"
    session.undo()
    assert statuses_in_file(path) == ["new", "predicted"]
    session.redo()
    assert statuses_in_file(path) == ["in-progress", "predicted"]


def test_reviewing_with_nothing_pending_is_a_status_step(session, path):
    session.mark_reviewed(settle_pending(1, session.current_document().spans, 0.5, REJECT))
    assert session.history.undo_text == "mark document reviewed"
    session.set_evaluation_only([1, 2], True)
    assert session.history.undo_text == "mark 2 documents evaluation only"
    session.undo()
    session.undo()
    with Project.open(path) as project:
        assert project.document(1).status == "new" and project.document(2).split is None



def test_marking_a_reviewed_document_reviewed_again_is_no_step(session, path):
    # Ctrl+Enter three times on the last document: the first two undos said "mark document reviewed" and did nothing.
    for _ in range(3):
        session.mark_reviewed()
    assert len(session.history) == 1
    session.set_evaluation_only([1, 2], True)
    session.set_evaluation_only([2], True)
    assert len(session.history) == 2
    session.undo()
    session.undo()
    with Project.open(path) as project:
        assert project.document(1).status == "new" and project.document(2).split is None

def test_merge_and_delete_of_a_label_undo_to_the_same_order_keys_and_colours(session, path):
    original = labels_in_file(path)
    spans = in_file(path)
    assert session.merge_labels("ORG", "PER") == 1
    assert [label.name for label in labels_in_file(path)] == ["LOC", "PER"]
    assert in_file(path) == {(3, 7, "PER", "gold"), (3, 5, "LOC", "gold")}
    session.undo()
    assert labels_in_file(path) == original and in_file(path) == spans
    assert list(session.labels) == original
    assert session.delete_label("LOC") == 2, "the gold span of document 1 and the prediction of document 2"
    assert in_file(path) == {(3, 7, "ORG", "gold")} and in_file(path, 2) == {(0, 2, "PER", "pred")}
    session.undo()
    assert labels_in_file(path) == original and in_file(path) == spans
    assert in_file(path, 2) == {(0, 2, "PER", "pred"), (3, 5, "LOC", "pred")}
    session.redo()
    assert "LOC" not in session.labels
    session.undo()
    assert labels_in_file(path) == original


def test_label_add_and_change_are_steps(session, path):
    session.add_label("TIME", "#cc79a7", "4")
    session.update_label("ORG", new_name="INST", color="#000075", key=None)
    assert labels_in_file(path)[0] == Label("INST", "#000075", None)
    assert (3, 7, "INST", "gold") in in_file(path)
    session.undo()
    session.undo()
    assert labels_in_file(path) == [Label("ORG", "#e6194b", "1"), Label("LOC", "#3cb44b", "2"),
                                    Label("PER", "#009e73", "3")]


def test_the_listener_hears_each_change_and_closing_clears_the_history(session):
    recorder = session.listener
    recorder.events.clear()
    session.add_span(0, 2, "PER")
    assert ("spans", 1) in recorder.events and recorder.events[-1] == ("step", "add PER")
    session.close_project()
    assert ("cleared",) in recorder.events and len(session.history) == 0


def test_a_group_that_fails_part_way_keeps_what_was_applied_undoable():
    log: list[str] = []
    history = History()
    with pytest.raises(RuntimeError), history.group("both"):
        history.push(Step("first", redo=lambda: log.append("redo"), undo=lambda: log.append("undo")))
        raise RuntimeError("second part failed")
    assert len(history) == 1 and history.undo_text == "both"
    assert history.undo() and log == ["undo"]


def test_the_session_runs_without_qt(path):
    """In a fresh interpreter: the rest of the suite may already have loaded PySide6 in this one."""
    script = textwrap.dedent(f"""
        import sys
        from nerdesk.workflows.session import EditingSession
        session = EditingSession()
        session.open_project({str(path)!r})
        session.open_document(1)
        session.add_span(0, 2, "PER")
        assert session.undo() and session.redo()
        session.close_project()
        assert "PySide6" not in sys.modules, sorted(m for m in sys.modules if m.startswith("PySide6"))
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_status_bar_says_what_reviewing_settled_in_sentences():
    from nerdesk.workflows.review_policy import PendingPredictions, settled_message

    one, low = pred(0, 2, "PER"), pred(3, 5, "LOC", 0.2)
    assert settled_message(PendingPredictions((one,), ()), ACCEPT) == "accepted 1 pending prediction"
    assert settled_message(PendingPredictions((), (low, low)), ACCEPT) == "rejected 2 predictions below the minimum score"
    assert settled_message(PendingPredictions((one, one), (low,)), REJECT) == (
        "rejected 2 pending predictions, rejected 1 prediction below the minimum score")
