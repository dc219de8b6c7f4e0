"""After File > Close project nothing speaks of the closed project and commands that need one are greyed out."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.storage.project import Project


def test_closing_the_project_leaves_no_stale_count_and_no_live_command(qtbot, make_window, tmp_path):
    path = tmp_path / "closing.nerdesk"
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "1")
        project.add_documents([Document("Greta flew to Paris."), Document("Rome.")])
    window = make_window()
    window.open_project(path)
    assert window.documents.count.text() == "2 documents"
    file_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&File")
    close = next(action for action in file_menu.actions() if action.text() == "&Close project")
    close.trigger()
    assert window.documents.count.text() == ""
    actions = window.actions
    for action in (actions.predict_document, actions.predict_all, actions.retrain, actions.next_useful,
                   actions.next_document, actions.previous_document):
        assert not action.isEnabled(), action.text()
    assert not window.model_panel.retrain.isEnabled()
    assert not window.palette.buttons["Add…"].isEnabled()
    assert not window.palette.buttons["Edit…"].isEnabled()
    assert "Ctrl+O" in window.view.hint
    before = window.session.doc_id
    qtbot.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id is before is None


def test_one_document_is_counted_in_the_singular(make_window, tmp_path):
    path = tmp_path / "one.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("Greta flew to Paris.")])
    window = make_window()
    window.open_project(path)
    assert window.documents.count.text() == "1 document"
