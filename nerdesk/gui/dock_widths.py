"""Room for the text in a small window: the side docks give up width before the annotation view does.

Qt keeps docked panels at their width when the window shrinks and takes it all from the central widget:
at 1024 pixels the text had 312 of them, at 800 pixels 88. After each resize the docks beside the text are
narrowed, each in proportion to its room above its minimum width, until the text has ``TEXT_SHARE``
of the window again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

TEXT_SHARE = 0.44  # of the window's width kept for the text (a 1280-pixel window at its default dock widths has it)


class TextRoomKeeper(QObject):
    """Narrows ``docks`` of ``window`` after a resize that left the central widget under ``TEXT_SHARE``."""

    def __init__(self, window: QMainWindow, docks: Sequence[QDockWidget]) -> None:
        super().__init__(window)
        self.window = window
        self.docks = list(docks)
        # After the resize is laid out: the central widget's width is only known then.
        self.timer = QTimer(self, singleShot=True, interval=0, timeout=self.make_room)

    def resized(self) -> None:
        self.timer.start()

    def make_room(self) -> None:
        central = self.window.centralWidget()
        missing = int(TEXT_SHARE * self.window.width()) - central.width()
        docked = [dock for dock in self.docks if dock.isVisible() and not dock.isFloating()]
        if missing <= 0 or not docked:
            return
        spare = [max(dock.width() - dock.minimumSizeHint().width(), 0) for dock in docked]
        if not sum(spare):
            return
        given = min(missing, sum(spare))
        widths = [dock.width() - round(given * room / sum(spare)) for dock, room in zip(docked, spare, strict=True)]
        self.window.resizeDocks(docked, widths, Qt.Orientation.Horizontal)
