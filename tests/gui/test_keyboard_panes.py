"""Keyboard-only use: Ctrl+F reaches the search box, F6 / Shift+F6 move between the panes."""

from __future__ import annotations

import pytest
from conftest import press_shortcut, select_with_keyboard
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
TEXT = "Greta flew from Paris to Rome."


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "panes.nerdesk"
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "1")
        project.add_label("GPE", "#e69f00", "2")
        project.add_documents([Document(TEXT, [Span(0, 5, "PER")]), Document("Rome again.")])
    built = make_window()
    built.open_project(path)
    return built


def focused():
    return QApplication.focusWidget()


def test_ctrl_f_puts_the_keyboard_in_the_search_box_with_its_text_selected(qtbot, window):
    window.documents.search.setText("Rome")
    press_shortcut(qtbot, window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.documents.search
    assert window.documents.search.selectedText() == "Rome"


def test_f6_visits_the_panes_and_enter_in_the_labels_applies_one(qtbot, window):
    select_with_keyboard(qtbot, window.view, 16, 5)  # Paris
    press_shortcut(qtbot, window.view, Qt.Key.Key_F6, NO_MODIFIER)
    assert focused() is window.palette.table
    assert window.statusBar().currentMessage().startswith("Labels:")
    qtbot.keyClick(window.palette.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.palette.table, Qt.Key.Key_Return)
    assert (16, 21, "GPE") in {(s.start, s.end, s.label) for s in window.session.document.spans}
    assert focused() is window.view
    press_shortcut(qtbot, window.view, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.documents.table
    press_shortcut(qtbot, window.documents.table, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.span_tree  # wraps round
    press_shortcut(qtbot, window.span_tree, Qt.Key.Key_F6, NO_MODIFIER)
    assert focused() is window.documents.table


def test_the_keys_are_in_the_go_menu(window):
    go_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Go")
    texts = {action.text(): action.shortcut().toString() for action in go_menu.actions()}
    assert texts["&Find document…"] == "Ctrl+F"
    assert texts["Next &pane"] == "F6"
    assert texts["Pre&vious pane"] == "Shift+F6"
