"""Room for the text in a small window: the side docks give up width before the annotation view does.

Qt keeps docked panels at their width when the window shrinks and takes it all from the central widget:
at 1024 pixels the text had 312 of them, at 800 pixels 88. After each resize the docks beside the text are
narrowed, each in proportion to its room above its minimum width, until the text has ``TEXT_SHARE``
of the window again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QMainWindow

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


class RightColumnHeights:
    """The heights of the right-hand column, shared out while the window has no saved layout (its first start):
    the Model panel as high as its buttons need, Labels every row of the open project's labels (at least
    ``LABELS_SHARE`` of the rest), Spans the rest but at least ``LEAST_SPAN_ROWS`` rows.

    Qt's even share left the Model panel blank at the bottom; a fixed share showed eight of CMeEE's nine labels
    at 1280x800 and four of thirteen at 1280x720, while Spans had empty rows: the keys of the labels out of
    sight could only be found by scrolling the palette with the mouse. The column is shared again when a
    project opens (its number of labels is known then), until the layout is saved at the window's close."""

    LABELS_SHARE = 11 / 20
    LEAST_SPAN_ROWS = 5

    def __init__(self, window: QMainWindow, docks: Sequence[QDockWidget], labels_view: QAbstractItemView,
                 spans_view: QAbstractItemView) -> None:
        self.window = window
        self.docks = list(docks)  # Labels, Spans, Model
        self.labels_view, self.spans_view = labels_view, spans_view

    def share(self, label_rows: int) -> None:
        labels, spans, model = self.docks
        total = sum(dock.height() for dock in self.docks)
        model_height = max(model.sizeHint().height(), model.minimumSizeHint().height())
        rest = max(total - model_height, 0)
        room_for_labels = rest - _height_for_rows(spans, self.spans_view, self.LEAST_SPAN_ROWS)
        labels_height = max(int(rest * self.LABELS_SHARE),
                            min(_height_for_rows(labels, self.labels_view, label_rows), room_for_labels))
        self.window.resizeDocks(self.docks, [labels_height, rest - labels_height, model_height],
                                Qt.Orientation.Vertical)


def _height_for_rows(dock: QDockWidget, view: QAbstractItemView, rows: int) -> int:
    """How high ``dock`` must be for ``view`` to show ``rows`` rows whole: its height now, less the rows'
    room now, plus the room of ``rows`` rows (and the frame's line)."""
    row = max(view.sizeHintForRow(0), view.fontMetrics().height() + 6)
    return dock.height() - view.viewport().height() + rows * row + 2
