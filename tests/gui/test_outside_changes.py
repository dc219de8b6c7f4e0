"""Two windows on one project, and a project changed by the command line while a window has it open: the
window shows what is stored, and never builds an edit on a copy it showed before."""

from __future__ import annotations

from conftest import press
from PySide6.QtCore import Qt

from nerdesk.core import Document, Span
from nerdesk.core.spans import PRED
from nerdesk.storage import Project
from nerdesk.workflows.outside_changes import take_outside_changes

TEXT = "Anna Smith flew to Boston."


def make_project(path):
    with Project.create(path) as project:
        project.add_documents([Document(TEXT, [Span(0, 10, "PER", PRED, 0.9, "m"), Span(19, 25, "LOC", PRED, 0.9, "m")]),
                               Document("Second document.")])
    return path


def stored_spans(path):
    with Project.open(path) as project:
        return sorted((span.start, span.end, span.label, span.source) for span in project.spans(1))


def two_windows_on(path, make_window):
    """Two windows with the project's first document open in each."""
    windows = make_window(), make_window()
    for window in windows:
        window.open_project(path)
        window.open_document(1)
    return windows


def test_the_second_window_shows_what_the_first_stored_and_clears_its_stale_undo(qtbot, make_window, tmp_path):
    path = make_project(tmp_path / "shared.nerdesk")
    first, second = two_windows_on(path, make_window)
    second.session.relabel(Span(19, 25, "LOC", PRED, 0.9, "m"), "PER")  # a step the first window knows nothing of
    assert second.session.undo_stack.count() == 1
    assert first.outside.look()  # the relabel came from outside the first window
    first.session.accept([Span(0, 10, "PER", PRED, 0.9, "m")])
    assert second.outside.look()
    assert sorted((s.start, s.end, s.label, s.source) for s in second.session.document.spans) == stored_spans(path)
    assert (0, 10, "PER", "gold") in stored_spans(path)
    assert second.session.undo_stack.count() == 0, "its steps were built on spans it no longer shows"
    assert "Changed in another window or program" in second.statusBar().currentMessage()
    assert not second.outside.look(), "nothing new since"


def test_a_batch_imported_from_the_command_line_appears_in_the_open_window(qtbot, make_window, tmp_path):
    path = make_project(tmp_path / "batch.nerdesk")
    window = make_window()
    window.open_project(path)
    with Project.open(path) as other:
        other.add_documents([Document("Third document, imported elsewhere.")])
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=5000)  # the watch polls by itself


def test_the_sessions_own_writes_are_not_outside_changes(tmp_path):
    from nerdesk.workflows.session import EditingSession

    session = EditingSession()
    session.open_project(make_project(tmp_path / "own.nerdesk"))
    session.open_document(1)
    session.accept([Span(0, 10, "PER", PRED, 0.9, "m")])
    assert not take_outside_changes(session) and len(session.history) == 1


def test_a_key_pressed_right_after_another_windows_edit_acts_on_nothing_stale(qtbot, make_window, tmp_path):
    # Within the second before the poll, a relabel in one window was written on the copy it showed before.
    path = make_project(tmp_path / "race.nerdesk")
    first, second = two_windows_on(path, make_window)
    first.outside.timer.stop()
    prediction = Span(0, 10, "PER", PRED, 0.9, "m")
    first.view.select_span(prediction)
    second.session.accept([prediction])  # the second window's commit, before the first window's poll
    press(first.view, Qt.Key.Key_Delete)  # would delete the prediction the first window still shows
    assert (0, 10, "PER", "gold") in stored_spans(path), "the other window's accepted span is kept"
    assert first.session.undo_stack.count() == 0
    assert "Changed in another window or program" in first.statusBar().currentMessage()
    assert sorted((s.start, s.end, s.label, s.source) for s in first.session.document.spans) == stored_spans(path)


def test_an_outside_change_keeps_the_open_documents_place_and_selection(qtbot, make_window, tmp_path):
    path = tmp_path / "long.nerdesk"
    text = "\n".join(f"Line {n} where Anna Smith met Bob." for n in range(300))
    with Project.create(path) as project:
        project.add_documents([Document(text, [Span(text.index("Line 150") + 19, text.index("Line 150") + 29, "PER")])])
    window = make_window()
    window.open_project(path)
    window.open_document(1)
    window.outside.timer.stop()
    span = window.session.document.spans[0]
    window.view.select_span(span)
    window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum() // 2)
    scrolled = window.view.verticalScrollBar().value()
    with Project.open(path) as other:
        other.add_documents([Document("Imported elsewhere.")])
    assert window.outside.look()
    assert window.view.verticalScrollBar().value() == scrolled and window.view.selected_span() == span
