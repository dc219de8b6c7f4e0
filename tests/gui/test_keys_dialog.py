"""F1 lists every key of the window in a dialog as wide as its lines, and names the labels without a key."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence

from nerdesk.core.labels import Label
from nerdesk.gui.keys_dialog import KeysDialog, shortcut_lines


def read_keys_dialog(window, read):
    """Press F1's action and give back ``read(dialog)`` of the dialog it opens (closing it)."""
    shown = []

    def look() -> None:
        dialog = window.findChild(KeysDialog, "keysDialog")
        shown.append(read(dialog))
        dialog.reject()
    QTimer.singleShot(0, look)
    window.actions.about_keys.trigger()
    assert shown, "F1 opened no dialog"
    return shown[0]


def test_the_shortcut_lines_name_labels_with_and_without_keys_and_the_commands():
    lines = shortcut_lines([Label("PER", "#0072b2", "p"), Label("bod", "#e69f00"), Label("dis", "#009e73")],
                           [("Ctrl+P", "Predict this document")])
    assert "    p   PER" in lines
    assert "    No key (give one with Edit… in the Labels panel):" in lines and "      bod, dis" in lines
    assert "Ctrl+P: Predict this document" in lines
    assert any(line.startswith("Esc: clear the selection") for line in lines)
    # A keyboard-only annotator learns here how to move the caret and select without the mouse.
    assert any(line.startswith("Arrows: move the caret;  Ctrl+arrows: by word") for line in lines)
    assert any(line.startswith("Shift+arrows, Ctrl+Shift+arrows: select from the caret") for line in lines)


def test_f1_lists_every_shortcut_of_the_window_and_the_review_policy(qtbot, make_window):
    # Ctrl+N, Ctrl+O, Ctrl+I, Ctrl+E and Ctrl+Y were missing from a list written by hand.
    window = make_window()
    lines = read_keys_dialog(window, lambda dialog: dialog.text.text().splitlines())
    keyed = [action for action in window.findChildren(QAction) if any(s.toString() for s in action.shortcuts())]
    assert len(keyed) >= 20
    for action in keyed:
        for sequence in action.shortcuts():
            key = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            assert not key or any(line.startswith(key) or f" {key}" in line for line in lines), (action.text(), key)
    assert "Ctrl+Z: Undo (every action, in any document)" in lines
    assert "Ctrl+Shift+Z or Ctrl+Y: Redo" in lines
    assert any(line.startswith("Ctrl+Return or Ctrl+Enter: Mark reviewed and next (") for line in lines)


def test_f1_opens_a_dialog_whose_lines_are_not_wrapped(qtbot, make_window):
    window = make_window()
    width, wraps = read_keys_dialog(window, lambda dialog: (dialog.width(), dialog.text.wordWrap()))
    assert wraps is False and width > 600  # a message box wrapped them at about 400


def test_thirty_labels_without_a_key_are_listed_a_few_to_a_line():
    # They were one line 2,300 pixels wide, the hint about Edit… out of sight.
    lines = shortcut_lines([Label(f"LABEL_{n:02}", "#0072b2") for n in range(30)])
    listed = [line for line in lines if line.startswith("      LABEL_")]
    assert len(listed) == 5 and max(map(len, listed)) < 80
    assert ", ".join(listed).replace("      ", "") == ", ".join(f"LABEL_{n:02}" for n in range(30))
