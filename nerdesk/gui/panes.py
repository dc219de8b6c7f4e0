"""Keyboard-only use of the window: F6 / Shift+F6 move between the panes, Ctrl+F reaches the search box.

A mixin of ``MainWindow`` (it uses the window's panels, view and status bar).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

# What each pane's keys do, said in the status bar when the pane gets the keyboard.
PANE_HELP = {
    "documents": "Documents: ↑/↓ choose, Enter opens",
    "text": "Text: Shift+arrows select, a label key labels; F1 lists the keys",
    "labels": "Labels: ↑/↓ choose, Enter labels the selection",
    "spans": "Spans: ↑/↓ select a span in the text; A, R, Del and the label keys act on it",
}


class PaneKeys:
    def panes(self) -> dict[str, QWidget]:
        """The panes F6 visits, in order."""
        return {"documents": self.documents.table, "text": self.view, "labels": self.palette.table,
                "spans": self.span_tree}

    def step_pane(self, step: int) -> None:
        """Give the keyboard to the next (``step=1``) or previous visible pane."""
        shown = [(name, pane) for name, pane in self.panes().items() if pane.isVisible()]
        if not shown:
            return
        focused = QApplication.focusWidget()
        current = next((number for number, (_name, pane) in enumerate(shown)
                        if focused is not None and (focused is pane or pane.isAncestorOf(focused))), -1 if step > 0 else 0)
        name, pane = shown[(current + step) % len(shown)]
        pane.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.statusBar().showMessage(PANE_HELP[name], 6000)

    def focus_search(self) -> None:
        """Ctrl+F: the document list's search box, its text selected so typing replaces it."""
        dock = self.documents.parentWidget()
        dock.show()
        dock.raise_()
        self.documents.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.documents.search.selectAll()
