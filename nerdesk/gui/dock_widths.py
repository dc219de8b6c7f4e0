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
    """Narrows ``docks`` of ``window`` after a resize that left the central widget under ``TEXT_SHARE``, and
    gives them their widths back, as far as the share allows, when the window grows again."""

    def __init__(self, window: QMainWindow, docks: Sequence[QDockWidget]) -> None:
        super().__init__(window)
        self.window = window
        self.docks = list(docks)
        self.before_narrowing: dict[str, int] = {}  # dock object name -> its width before it was narrowed
        # After the resize is laid out: the central widget's width is only known then.
        self.timer = QTimer(self, singleShot=True, interval=0, timeout=self.share_width)

    def resized(self) -> None:
        self.timer.start()

    def share_width(self) -> None:
        docked = [dock for dock in self.docks if dock.isVisible() and not dock.isFloating()]
        spare_text = self.window.centralWidget().width() - int(TEXT_SHARE * self.window.width())
        if docked and spare_text < 0:
            self._narrow(docked, -spare_text)
        elif docked and spare_text > 0 and self.before_narrowing:
            self._widen(docked, spare_text)

    def _narrow(self, docked: list[QDockWidget], missing: int) -> None:
        for dock in docked:
            self.before_narrowing.setdefault(dock.objectName(), dock.width())
        spare = [max(dock.width() - dock.minimumSizeHint().width(), 0) for dock in docked]
        self._resize(docked, spare, -min(missing, sum(spare)))

    def _widen(self, docked: list[QDockWidget], extra: int) -> None:
        short = [max(self.before_narrowing.get(dock.objectName(), 0) - dock.width(), 0) for dock in docked]
        self._resize(docked, short, min(extra, sum(short)))
        if extra >= sum(short):
            self.before_narrowing.clear()

    def _resize(self, docked: list[QDockWidget], weights: list[int], change: int) -> None:
        """Add ``change`` pixels (negative: take them) to the docks' widths, shared out by ``weights``."""
        if not change or not sum(weights):
            return
        widths = [dock.width() + round(change * weight / sum(weights)) for dock, weight in zip(docked, weights,
                                                                                            strict=True)]
        self.window.resizeDocks(docked, widths, Qt.Orientation.Horizontal)
