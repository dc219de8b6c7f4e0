"""Starting a retraining brings the Retrain panel to the front of the tabbed dock it shares."""

from __future__ import annotations

import pytest
from conftest import press_shortcut
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from nerdesk.core.document import Document
from nerdesk.storage.project import Project


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "unreviewed.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("Nothing reviewed yet, so retraining stops at once.")])
    return path


def front_tab(window) -> str:
    """The title of the dock in front in the tabbed place of Model, Retrain and Model versions."""
    bar = next(bar for bar in window.findChildren(QTabBar)
               if "Retrain" in [bar.tabText(i) for i in range(bar.count())])
    return bar.tabText(bar.currentIndex())


def test_ctrl_shift_r_shows_the_retrain_panel(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    assert front_tab(window) == "Model"
    press_shortcut(qtbot, window.view, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: front_tab(window) == "Retrain", timeout=2000)


def test_the_model_panels_retrain_button_shows_the_retrain_panel(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    assert front_tab(window) == "Model"
    qtbot.mouseClick(window.model_panel.retrain, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: front_tab(window) == "Retrain", timeout=2000)


def test_the_model_panels_retrain_button_reads_as_the_menu_command_it_is(make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    button, action = window.model_panel.retrain, window.actions.retrain
    assert button.text() == action.text().replace("&", "") == "Retrain"  # it starts at once: no "…"
    assert button.toolTip() == window.retrain_panel.retrain_button.toolTip()  # the same tip as the panel's button
