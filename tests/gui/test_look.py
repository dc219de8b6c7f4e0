"""The window's look and status: themes that load, a toolbar that stays still, session progress."""

from __future__ import annotations

import json

import pytest
from conftest import press, press_shortcut, select_with_keyboard
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.gui.theme import STYLE_DIR, STYLESHEETS, apply_theme, is_dark
from nerdesk.storage.project import Project

TEXT = "张伟在北京大学读书，后来去了上海。"


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "look.nerdesk"
    with Project.create(path) as project:
        project.add_label("ORG", "#4363d8", "1")
        project.add_label("LOC", "#3cb44b", "2")
        first, _second = project.add_documents([Document(TEXT), Document("李四住在广州。")])
        project.replace_predictions(first, [Span(3, 7, "ORG", "pred", 0.9), Span(14, 16, "LOC", "pred", 0.8),
                                            Span(0, 2, "LOC", "pred", 0.6), Span(7, 9, "LOC", "pred", 0.1)], "m1")
    built = make_window()
    built.open_project(path)
    return built


def test_both_stylesheets_exist_and_parse(qapp, qtlog):
    try:
        for theme, name in STYLESHEETS.items():
            assert (STYLE_DIR / name).is_file()
            apply_theme(theme)
            assert QApplication.instance().styleSheet() == (STYLE_DIR / name).read_text(encoding="utf-8")
            assert is_dark() == (theme == "dark")
    finally:
        apply_theme("light")
    assert not [r for r in qtlog.records if "stylesheet" in r.message.lower()]


def test_the_theme_is_a_preference(make_window, window, tmp_path):
    try:
        window.theme_actions["dark"].trigger()
        assert is_dark()
        assert json.loads((tmp_path / "preferences.json").read_text())["theme"] == "dark"
        window.close()
        apply_theme("light")
        reopened = make_window()
        assert is_dark() and reopened.theme_actions["dark"].isChecked()
    finally:
        apply_theme("light")


def toolbar_positions(window) -> dict[str, tuple[int, int]]:
    toolbar = window.findChild(QToolBar, "mainToolbar")
    QApplication.processEvents()
    return {action.text(): (toolbar.widgetForAction(action).x(), toolbar.widgetForAction(action).width())
            for action in toolbar.actions() if toolbar.widgetForAction(action) is not None and action.text()}


def test_toolbar_buttons_stay_put_when_the_undo_text_changes(qtbot, window):
    before = toolbar_positions(window)
    select_with_keyboard(qtbot, window.view, 14, 2)
    press(window.view, Qt.Key.Key_2, "2")
    assert window.actions.undo.text() != "&Undo"  # the menu's action names what it undoes
    assert toolbar_positions(window) == before
    assert window.actions.toolbar_undo.isEnabled()
    assert "LOC" in window.actions.toolbar_undo.toolTip()
    window.actions.toolbar_undo.trigger()
    assert not window.session.undo_stack.canUndo()
    assert not window.actions.toolbar_undo.isEnabled()


def test_status_bar_shows_session_progress(qtbot, window):
    label = window.review.progress_label
    assert label.text() == "0 of 2 reviewed · 3 pending here"  # the 0.1 prediction is below the minimum score
    window.view.setFocus()
    press(window.view, Qt.Key.Key_F8)
    press(window.view, Qt.Key.Key_A, "a")
    assert label.text() == "0 of 2 reviewed · 2 pending here"
    window.review.set_policy("reject")
    press_shortcut(qtbot, window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert label.text() == "1 of 2 reviewed · 0 pending here"
    window.model_panel.set_min_score(0.05)
    window.open_document(1)
    assert label.text() == "1 of 2 reviewed · 0 pending here"  # rejected, the hidden one too


def test_every_toolbar_button_names_its_shortcut_in_its_tooltip(window):
    toolbar = window.findChild(QToolBar, "mainToolbar")
    tips = {action.text(): action.toolTip() for action in toolbar.actions() if action.text()}
    assert tips["&Import…"] == "Import (Ctrl+I)" and tips["&Export…"] == "Export (Ctrl+E)"
    assert tips["Undo"] == "Nothing to undo (Ctrl+Z)" and tips["Redo"] == "Nothing to redo (Ctrl+Shift+Z)"
    assert tips["Mark reviewed and &next"] == "Mark reviewed and next (Ctrl+Return)"
    assert all(tip.endswith(")") for tip in tips.values()), tips
