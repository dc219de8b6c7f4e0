"""The window's session adapter: the Edit menu's undo stack follows the Qt-free history step for step."""

from __future__ import annotations

from conftest import press_shortcut
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.gui.session import ProjectSession
from nerdesk.storage.project import Project


def make_project(path) -> None:
    with Project.create(path) as project:
        project.add_label("PER", "#009e73", "1")
        project.add_documents([Document("张伟在北京。"), Document("李娜去上海。")])


def test_the_undo_stack_mirrors_the_history_and_closing_empties_both(qtbot, tmp_path):
    make_project(tmp_path / "p.nerdesk")
    session = ProjectSession()
    changed: list[int] = []
    session.spansChanged.connect(changed.append)
    session.open_project(tmp_path / "p.nerdesk")
    session.open_document(1)
    session.add_span(0, 2, "PER")
    session.open_document(2)
    session.add_span(3, 5, "PER")
    history = session.editing.history
    assert session.undo_stack.count() == len(history) == 2 and changed == [1, 2]
    assert session.undo_stack.undoText() == history.undo_text == "add PER"
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert session.undo_stack.index() == history.index == 0
    assert session.doc_id == 1 and session.document.spans == []
    session.undo_stack.redo()
    assert session.undo_stack.index() == history.index == 1 and session.document.spans == [Span(0, 2, "PER")]
    session.close_project()
    assert session.undo_stack.count() == len(history) == 0


def test_ctrl_z_and_ctrl_shift_z_in_the_window_go_through_the_history(make_window, qtbot, tmp_path):
    make_project(tmp_path / "p.nerdesk")
    window = make_window()
    window.open_project(tmp_path / "p.nerdesk")
    window.session.open_document(1)
    window.session.add_span(0, 2, "PER")
    assert window.actions.undo.text() == "&Undo add PER"
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.editing.history.index == 0 and window.view.spans == []
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.editing.history.index == 1 and window.view.spans == [Span(0, 2, "PER")]
