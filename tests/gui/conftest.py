"""Fixtures for driving the real main window offscreen, and keyboard helpers.

``qtbot.keyClicks`` with non-ASCII text aborts the process, so text keys are sent one
``QKeyEvent`` at a time with their text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from nerdesk.gui.main_window import MainWindow
from nerdesk.storage.project import Project


@pytest.fixture
def make_window(qtbot, tmp_path: Path):
    """Build a main window with its own settings file and preferences (never the user's)."""

    def build() -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings, tmp_path / "preferences.json")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)  # shortcuts need the active window
        return window

    return build


def press(widget: QWidget, key: Qt.Key, text: str = "",
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """One key press and release, delivered like a real one (shortcuts included)."""
    for event_type in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(event_type, key, modifiers, text))


def press_shortcut(qtbot, widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """A key with modifiers through QTest, which goes through the window's shortcut map."""
    qtbot.keyClick(widget, key, modifiers)


def select_with_keyboard(qtbot, view, start: int, graphemes: int) -> None:
    """Click before the character at ``start`` (code points) and extend with Shift+Right, as a user does:
    Shift held down through every Right (``qtbot.keyClick`` with a modifier lets go of Shift after each),
    then let go."""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.caret_point(start))
    shift = Qt.KeyboardModifier.ShiftModifier
    QApplication.sendEvent(view, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Shift, shift))
    for _ in range(graphemes):
        press(view, Qt.Key.Key_Right, "", shift)
    QApplication.sendEvent(view, QKeyEvent(QKeyEvent.Type.KeyRelease, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier))


def click_character(qtbot, view, index: int) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.point_of(index))


def window_with_labels_gpe_per(make_window, tmp_path: Path, documents) -> MainWindow:
    """A window on a new project holding ``documents`` and the labels GPE (key g) and PER (key p)."""
    path = tmp_path / "keys.nerdesk"
    with Project.create(path) as project:
        project.add_label("GPE", "#0072b2", "g")
        project.add_label("PER", "#e69f00", "p")
        project.add_documents(documents)
    window = make_window()
    window.open_project(path)
    return window
