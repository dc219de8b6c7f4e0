"""Undo puts back exactly the review status a document had: untouched documents come back "predicted"."""

from __future__ import annotations

import pytest
from conftest import press_shortcut
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.gui.accept_dialog import AcceptAllDialog
from nerdesk.storage.project import Project

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXT = "Anna flew from Paris to Rome."


@pytest.fixture
def project_path(tmp_path):
    """Three predicted documents; the user already worked on the third (in-progress)."""
    path = tmp_path / "statuses.nerdesk"
    with Project.create(path) as project:
        ids = project.add_documents([Document(TEXT) for _ in range(3)])
        for doc_id in ids:
            project.replace_predictions(doc_id, [Span(15, 20, "LOC", "pred", 0.9)], "m1")
        project.set_status([ids[2]], "in-progress")
    return path


def statuses(path) -> list[str]:
    with Project.open(path) as project:
        return [project.document(doc_id).status for doc_id in project.document_ids()]


def accept_in_every_document() -> None:
    """Tick "in every document" and press OK in the Accept all dialog once it shows."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AcceptAllDialog):
            dialog.all_documents.setChecked(True)
            dialog.accept()
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)


def test_undoing_accept_all_gives_untouched_documents_back_their_predicted_status(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    accept_in_every_document()
    press_shortcut(qtbot, window.view, Qt.Key.Key_A, CTRL | SHIFT)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    assert statuses(project_path) == ["in-progress"] * 3
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, CTRL)
    assert statuses(project_path) == ["predicted", "predicted", "in-progress"]
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert statuses(project_path) == ["in-progress"] * 3


def test_undoing_ctrl_enter_on_an_untouched_document_makes_it_predicted_again(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    window.review.set_policy("accept")
    press_shortcut(qtbot, window.view, Qt.Key.Key_Return, CTRL)
    assert statuses(project_path)[0] == "reviewed"
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, CTRL)
    assert statuses(project_path)[0] == "predicted"
    assert window.documents.model.data(window.documents.model.index(0, 1)) == "◐"  # the list shows it too
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert statuses(project_path)[0] == "reviewed"
