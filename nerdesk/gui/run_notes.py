"""Lines of the Retrain panel that a dock never squeezes: the status line, and the notes under it, in a
scrolled column with the chart, so that their length never takes the height of the docks above."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget


class WholeTextLabel(QLabel):
    """A word-wrapped label never shorter than its text: a dock's layout does not ask a label how high it is
    at its width, and squeezed the Retrain panel's lines under its chart in a small window."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._keep_whole()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._keep_whole()

    def _keep_whole(self) -> None:
        self.setMinimumHeight(self.heightForWidth(self.width()) if self.text() else 0)


class RunNotes(WholeTextLabel):
    """What the training process said about its data, one line each, under the status line: the documents
    encoded and any spans skipped, characters added to the vocabulary, the decision threshold chosen, and
    once the run is over, where it started and why. It stays after the run so the user can read it; the
    next Retrain clears it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.setVisible(False)
        self.lines: list[str] = []

    def add(self, message: str, *, first: bool = False) -> None:
        self.lines.insert(0 if first else len(self.lines), message.strip())
        self.setText("\n".join(f"• {line}" for line in self.lines))
        self.setVisible(True)

    def clear(self) -> None:
        self.lines = []
        super().clear()
        self.setVisible(False)


def scrolled_column(*widgets: QWidget) -> QScrollArea:
    """``widgets`` one under the other, the last one stretched, in a frameless vertical scroll area.

    A run's status and notes can be ten lines in a narrow dock: laid out directly in the panel, their
    height became the dock's minimum and squeezed the Labels and Spans docks above it to two rows at
    1366x768. Scrolled, the panel keeps the height the docks give it.
    """
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == len(widgets) - 1 else 0)
    scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(column)
    return scroll
