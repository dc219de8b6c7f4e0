"""The spans of the open document in reading order, each indented under the span it is nested in.

The model reads spans from plain Python lists and makes cells only for the rows on screen, so
rebuilding it after an edit in a document with thousands of spans costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTreeView, QWidget

from nerdesk.core.spans import PRED, Span, sort_spans
from nerdesk.gui.label_palette import color_icon

SPAN_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
MENTION_TIP = 500  # characters of a mention its tooltip shows
# Keys the list keeps for itself: moving between rows, and Tab to leave the panel.
LIST_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
                       Qt.Key.Key_End, Qt.Key.Key_Tab, Qt.Key.Key_Backtab})


def nesting_parents(spans: Sequence[Span]) -> list[tuple[Span, Span | None]]:
    """Each span (reading order) with the innermost earlier span that contains it, or None."""
    result = []
    open_spans: list[Span] = []
    for span in sort_spans(spans):
        while open_spans and not open_spans[-1].covers_range(span):
            open_spans.pop()
        result.append((span, open_spans[-1] if open_spans else None))
        open_spans.append(span)
    return result


class SpanTreeModel(QAbstractTableModel):
    """One row per span in reading order; nesting shows as indentation of the label (depth below the
    outermost span). Flat rows keep a rebuild after an edit cheap: no tree to expand again."""

    COLUMNS = ("Label", "Text", "Range", "Source")
    INDENT = "    "

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._text = ""
        self._colors: dict[str, str] = {}
        self.titles: dict[str, str] = {}  # label name -> "sym — symptom", where the label has a display name
        self._spans: list[Span] = []
        self._depths: list[int] = []
        self._rows: dict[Span, int] = {}

    def set_spans(self, text: str, spans: Sequence[Span], colors: dict[str, str]) -> None:
        self.beginResetModel()
        self._text, self._colors = text, dict(colors)
        self._spans, self._depths, depth_of = [], [], {}
        for span, parent in nesting_parents(spans):
            depth_of[span] = 0 if parent is None else depth_of[parent] + 1
            self._spans.append(span)
            self._depths.append(depth_of[span])
        self._rows = {span: row for row, span in enumerate(self._spans)}
        self.endResetModel()

    def rows(self) -> list[tuple[int, Span]]:
        """(depth, span) of every row, in reading order."""
        return list(zip(self._depths, self._spans, strict=True))

    def index_of(self, span: Span) -> QModelIndex:
        row = self._rows.get(span)
        return QModelIndex() if row is None else self.index(row, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt's name)
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        span, column = self._spans[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.INDENT * self._depths[index.row()] + self.titles.get(span.label, span.label)
            return self._cell(span, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(span, column)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return color_icon(self._colors.get(span.label, "#888888"))
        if role == SPAN_ROLE:
            return span
        return None

    def _cell(self, span: Span, column: int) -> str:
        if column == 1:
            mention = span.mention(self._text).replace("\n", "⏎").replace("\r", "")
            return mention if len(mention) <= 50 else mention[:49] + "…"
        if column == 2:
            return f"{span.start}–{span.end}"
        return f"pred {span.score:.2f}" if span.source == PRED and span.score is not None else span.source

    def _tooltip(self, span: Span, column: int) -> str:
        """The whole value of a cell the view may cut short."""
        if column == 0:
            return self.titles.get(span.label, span.label)  # a title names the label too ("sym — symptom")
        if column == 1:
            mention = span.mention(self._text)
            return mention if len(mention) <= MENTION_TIP else mention[:MENTION_TIP - 1] + "…"
        if column == 2:
            return f"characters {span.start} to {span.end} ({span.end - span.start} long)"
        if span.source == PRED:
            score = "" if span.score is None else f", score {span.score:.2f}"
            model = f", by {span.model_version}" if span.model_version else ""
            return f"prediction{score}{model}"
        return "gold: yours, or a prediction you accepted"


class SpanTree(QTreeView):
    spanSelected = Signal(object)  # Span

    COLUMNS = SpanTreeModel.COLUMNS
    SETTLE_MS = 150
    LABEL_SHARE = 0.4  # the most of the width the label column takes: the text keeps room beside a long label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_model = SpanTreeModel(self)
        self.setModel(self.item_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self._widths: dict[int, int] = {}  # column -> the width its values need
        self._fit_columns_to_width()
        self._text: str | None = None
        self._updating = False
        self._pending: tuple[str, list[Span], dict[str, str]] | None = None
        self._selection: Span | None = None
        self._settle = QTimer(self, singleShot=True, interval=self.SETTLE_MS, timeout=self._rebuild)
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)
        # The text's editing keys (A, R, Del, label keys, Alt+arrows) for the span chosen here; set by the window.
        self.editing_keys: Callable[[QKeyEvent], bool] | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """A span chosen in the list is edited with the keys that edit it in the text."""
        if event.key() not in LIST_KEYS and self.editing_keys is not None and self.editing_keys(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def set_spans(self, text: str, spans: Sequence[Span], colors: dict[str, str]) -> None:
        """Show ``spans``. A new text is shown at once (columns fitted to it); after an edit of the same
        text the list is rebuilt once edits pause (``SETTLE_MS``), so typing keys stays fast."""
        self._pending = (text, list(spans), dict(colors))
        if text != self._text:
            self._rebuild()
        else:
            self._settle.start()

    def _rebuild(self) -> None:
        if self._pending is None:
            return
        text, spans, colors = self._pending
        self._pending = None
        self._settle.stop()
        self._updating = True
        scrolled = self.verticalScrollBar().value()
        self.item_model.set_spans(text, spans, colors)
        if text != self._text:
            self._text = text
            self._measure(text)
            self._fit_columns()
        else:
            self.verticalScrollBar().setValue(scrolled)
            # a label added by an edit (or renamed) may be wider than those the text was opened with
            self._widths[0] = max(self._widths.get(0, 0), self.sizeHintForColumn(0))
            self._fit_columns()
        self._updating = False
        self.select(self._selection)

    def _fit_columns_to_width(self) -> None:
        """Text takes what Label, Range and Source leave (``_fit_columns``): the panel never scrolls sideways,
        and what does not fit ends in "…", whole in the tooltip."""
        header = self.header()
        header.setStretchLastSection(False)
        for column in range(len(self.COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch if column == 1 else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(column, mode)

    def _measure(self, text: str) -> None:
        """The widths Range and Source need in ``text`` (from the widest values any span can have, not row by
        row: a rebuild stays quick with thousands of spans) and the width of the labels in the rows Qt samples."""
        last = len(text)
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        metrics = self.fontMetrics()
        self._widths = {0: self.sizeHintForColumn(0), 2: metrics.horizontalAdvance(f"{last}–{last}") + margin,
                        3: metrics.horizontalAdvance("pred 0.00") + margin}

    def _fit_columns(self) -> None:
        """Range and Source as wide as their values and headers; Label as wide as its labels, but no wider than
        ``LABEL_SHARE`` of the panel."""
        header = self.header()
        for column in (2, 3):
            header.resizeSection(column, max(header.sectionSizeHint(column), self._widths.get(column, 0)))
        least = header.sectionSizeHint(0)
        room = max(least, int(self.viewport().width() * self.LABEL_SHARE))
        header.resizeSection(0, min(max(least, self._widths.get(0, 0)), room))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_columns()

    @property
    def settled(self) -> bool:
        """Whether the list shows the latest spans."""
        return self._pending is None

    def select(self, span: Span | None) -> None:
        self._selection = span
        if self._pending is not None:
            return  # applied after the rebuild
        self._updating = True
        index = self.item_model.index_of(span) if span is not None else QModelIndex()
        if not index.isValid():
            self.selectionModel().clearSelection()
        else:
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.scrollTo(index)
        self._updating = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._updating or not current.isValid():
            return
        span = current.siblingAtColumn(0).data(SPAN_ROLE)
        if span is not None:
            self.spanSelected.emit(span)
