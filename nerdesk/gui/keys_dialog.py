"""Help > Keyboard shortcuts (F1): every key of the window, one line each, in a dialog as wide as its lines.

A message box wrapped these lines at about 400 pixels; here they keep their width (scrolling on a small
screen), and labels without a key are named so that the user knows why a number does nothing for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from nerdesk.core.labels import Label
from nerdesk.gui.shortcuts import NUDGE_DESCRIPTION

NAMES_PER_LINE = 6  # labels without a key, listed a few to a line (30 of them made one line 2,300 pixels wide)


def shortcut_lines(labels: Sequence[Label], commands: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The lines of the dialog: the keys of the text, then ``commands``, the keys and names of the window's
    actions (``WindowActions.command_keys``, so that no menu shortcut is left out)."""
    keyed = [f"    {label.key}   {label.name}" for label in labels if label.key]
    unkeyed = [label.name for label in labels if not label.key]
    without = ["    No key (give one with Edit… in the Labels panel):",
               *(f"      {', '.join(unkeyed[first:first + NAMES_PER_LINE])}"
                 for first in range(0, len(unkeyed), NAMES_PER_LINE))] if unkeyed else []
    listed = [f"{keys}: {name}" for keys, name in commands]
    return [
        "Select text (mouse or Shift+arrows), then press a label key:", *keyed, *without,
        "(selections widen to whole tokens of the active model, whole words without one;",
        " hold Alt while selecting to keep one exact)", "",
        "Arrows: move the caret;  Ctrl+arrows: by word (in Chinese text, by character);  Home / End: line",
        "Shift+arrows, Ctrl+Shift+arrows: select from the caret (widened to whole words when Shift is let go)",
        "Click a span to select it; click again to select the span around it.",
        "Tab / Shift+Tab: select the next / previous span (from the caret when none is selected)",
        "Esc: clear the selection (of text and of a span)",
        "Del / Backspace: delete the selected span",
        "F8 / Shift+F8: select the next / previous pending prediction",
        "A or Enter: accept the selected prediction;  R or X: reject it (then on to the next)",
        f"Boundaries: {NUDGE_DESCRIPTION}",
        *([""] + listed if listed else []),
    ]


class KeysDialog(QDialog):
    def __init__(self, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keysDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.text = QLabel("\n".join(lines))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setMargin(8)
        scroll = QScrollArea()
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        hint = self.text.sizeHint()
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = hint.width() + 64, hint.height() + 72  # frames, scroll bar
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 80)
        self.resize(width, height)
