"""The spans of the open document as a tree: a span's children are the spans nested inside it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from nerdesk.core.spans import PRED, Span, sort_spans
from nerdesk.gui.label_palette import color_icon

SPAN_ROLE = Qt.ItemDataRole.UserRole + 1


def nesting_parents(spans: Sequence[Span]) -> list[tuple[Span, Span | None]]:
    """Each span (reading order) with the innermost earlier span that contains it, or None."""
    result = []
    open_spans: list[Span] = []
    for span in sort_spans(spans):
        while open_spans and not open_spans[-1].contains_range(span):
            open_spans.pop()
        result.append((span, open_spans[-1] if open_spans else None))
        open_spans.append(span)
    return result


class SpanTree(QTreeView):
    spanSelected = Signal(object)  # Span

    COLUMNS = ("Label", "Text", "Range", "Source")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_model = QStandardItemModel(0, len(self.COLUMNS), self)
        self.item_model.setHorizontalHeaderLabels(self.COLUMNS)
        self.setModel(self.item_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self._items: dict[Span, QStandardItem] = {}
        self._updating = False
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)

    def set_spans(self, text: str, spans: Sequence[Span], colors: dict[str, str]) -> None:
        self._updating = True
        self.item_model.removeRows(0, self.item_model.rowCount())
        self._items = {}
        for span, parent in nesting_parents(spans):
            row = self._row(text, span, colors)
            (self._items[parent] if parent is not None else self.item_model.invisibleRootItem()).appendRow(row)
            self._items[span] = row[0]
        self.expandAll()
        for column in range(len(self.COLUMNS)):
            self.resizeColumnToContents(column)
        self._updating = False

    @staticmethod
    def _row(text: str, span: Span, colors: dict[str, str]) -> list[QStandardItem]:
        mention = span.mention(text).replace("\n", "⏎").replace("\r", "")
        source = f"pred {span.score:.2f}" if span.source == PRED and span.score is not None else span.source
        items = [QStandardItem(color_icon(colors.get(span.label, "#888888")), span.label),
                 QStandardItem(mention if len(mention) <= 50 else mention[:49] + "…"),
                 QStandardItem(f"{span.start}–{span.end}"), QStandardItem(source)]
        items[0].setData(span, SPAN_ROLE)
        return items

    def select(self, span: Span | None) -> None:
        self._updating = True
        item = self._items.get(span) if span is not None else None
        if item is None:
            self.selectionModel().clearSelection()
        else:
            index = item.index()
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
