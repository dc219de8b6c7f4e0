"""Ctrl+Enter and Ctrl+Up/Down under a status filter: the reviewed document leaves the list, the next one opens."""

from __future__ import annotations

import pytest
from conftest import press_shortcut
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "filtered.nerdesk"
    with Project.create(path) as project:
        ids = project.add_documents([Document(f"Document number {n} mentions Paris.") for n in range(6)])
        for doc_id in ids:
            project.replace_predictions(doc_id, [Span(27, 32, "LOC", "pred", 0.9)], "m1")
    return path


def filtered_window(make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    window.review.set_policy("reject")
    window.documents.status.setCurrentText("predicted")
    return window


def listed_ids(window) -> list[int]:
    model = window.documents.model
    return [model.doc_id(row) for row in range(model.rowCount())]


def test_ctrl_enter_under_a_status_filter_opens_the_following_document(qtbot, make_window, project_path):
    window = filtered_window(make_window, project_path)
    ids = listed_ids(window)
    window.open_document(ids[2])
    press_shortcut(qtbot, window.view, Qt.Key.Key_Return, CTRL)
    assert ids[2] not in listed_ids(window)
    assert window.session.doc_id == ids[3]


def test_ctrl_up_and_down_find_the_neighbours_of_a_document_that_left_the_list(qtbot, make_window, project_path):
    window = filtered_window(make_window, project_path)
    ids = listed_ids(window)
    window.open_document(ids[2])
    press_shortcut(qtbot, window.view, Qt.Key.Key_Return, CTRL)
    window.open_document(ids[2])  # reviewed: no longer listed under "predicted"
    press_shortcut(qtbot, window.view, Qt.Key.Key_Up, CTRL)
    assert window.session.doc_id == ids[1]
    window.open_document(ids[2])
    press_shortcut(qtbot, window.view, Qt.Key.Key_Down, CTRL)
    assert window.session.doc_id == ids[3]
