"""F1 lists every key of the window in a dialog as wide as its lines, and names the labels without a key."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from nerdesk.core.labels import Label
from nerdesk.gui.keys_dialog import KeysDialog, shortcut_lines


def test_the_shortcut_lines_name_labels_with_and_without_keys_and_the_review_policy():
    lines = shortcut_lines([Label("PER", "#0072b2", "p"), Label("bod", "#e69f00"), Label("dis", "#009e73")], "asks about pending predictions")
    assert "    p   PER" in lines
    assert any(line.startswith("    (no key: bod, dis;") for line in lines)
    assert any("Ctrl+Enter" in line and "asks about pending predictions" in line for line in lines)
    assert any(line.startswith("Ctrl+P: predict this document") for line in lines)


def test_f1_opens_a_dialog_whose_lines_are_not_wrapped(qtbot, make_window):
    window = make_window()
    shown = []

    def look() -> None:
        dialog = window.findChild(KeysDialog, "keysDialog")
        shown.append((dialog.width(), dialog.text.wordWrap()))
        dialog.reject()
    QTimer.singleShot(0, look)
    window.actions.about_keys.trigger()
    assert shown and shown[0][1] is False and shown[0][0] > 600  # a message box wrapped them at about 400
