"""The document list: a lazily filled table over the project, with status, label and text filters.

Documents in the evaluation set (kept for scoring model versions, never trained on) carry an
"eval" mark; the context menu puts a document in or out of the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.document import STATUSES
from nerdesk.core.wording import counted
from nerdesk.gui.elided import ElidedComboBox
from nerdesk.gui.session import ProjectSession
from nerdesk.gui.theme import one_line_rows
from nerdesk.runtime.decode import DECISION_SCORE
from nerdesk.workflows.evaluation_set import EVALUATION_SPLIT

ANY = "any"
# The label filter is this many characters wide whatever the labels: a long label name would otherwise widen the
# dock, for good once the window saves its layout. Longer names are cut short with "…"; their tooltip is whole.
LABEL_FILTER_CHARACTERS = 10
STATUS_FILTER_CHARACTERS = 10
NARROW_BELOW = 260  # pixels of the panel's width under which the count columns have one-letter headers
STATUS_MARKS = {"new": "○", "predicted": "◐", "in-progress": "✎", "reviewed": "✔"}


@dataclass(frozen=True)
class DocumentFilter:
    status: str | None = None
    label: str | None = None
    search: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"status": self.status, "label": self.label, "search": self.search or None}


class DocumentListModel(QAbstractTableModel):
    """Rows are fetched a page at a time as the view scrolls (``fetchMore``), so 100,000 documents open at once."""

    # The status column shows a mark only, so the document's beginning keeps the room in a narrow dock; the
    # header's and each row's tooltips say it in words.
    COLUMNS = ("Document", "", "Gold", "Pred")
    NARROW_COLUMNS = ("Document", "", "G", "P")  # a narrow dock: room for the beginnings; the tooltips say them
    HEADER_TIPS = ("The document's beginning (its number and name in the tooltip)",
                   "Status: " + ", ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
                   + "; eval: in the evaluation set (scores models, never trained on)",
                   "Gold spans: yours, or predictions you accepted",
                   "Predictions shown and not yet accepted or rejected (those at or above the minimum score)")
    PAGE = 200

    def __init__(self, session: ProjectSession) -> None:
        super().__init__()
        self.session = session
        self.filter = DocumentFilter()
        self.narrow = False  # the dock is narrow: one-letter headers (``NARROW_COLUMNS``)
        self.min_score = DECISION_SCORE  # predictions below it are hidden in the view and not counted here
        self._rows: list = []
        self._stale_pages: set[int] = set()  # pages of rows to read again before they are shown (``refresh``)
        self._exhausted = True
        self.total = 0
        # (document id, row) of the open document when a refresh dropped it from the list (reviewed under a
        # "predicted" filter): its neighbours are still found by that former position.
        self._former_position: tuple[int, int] | None = None

    def _summaries(self, project, offset: int, limit: int) -> list:
        return project.document_summaries(offset=offset, limit=limit, min_score=self.min_score,
                                          **self.filter.as_kwargs())

    def set_min_score(self, value: float) -> None:
        """Count the predictions the view shows at the Model panel's minimum score."""
        if value != self.min_score:
            self.min_score = value
            self.refresh()

    def set_filter(self, document_filter: DocumentFilter) -> None:
        self.filter = document_filter
        self.reload()

    def reload(self) -> None:
        self._former_position = None
        self.beginResetModel()
        self._rows = []
        self._stale_pages = set()
        project = self.session.project
        self._exhausted = project is None
        self.total = 0 if project is None else project.count_documents(**self.filter.as_kwargs())
        if project is not None:
            self._rows = self._summaries(project, 0, self.PAGE)
            self._exhausted = len(self._rows) < self.PAGE
        self.endResetModel()

    def refresh(self) -> None:
        """Bring the loaded rows up to date (span counts, statuses); reload if the filter now selects others.

        Runs after every edit, so it reads no summaries: it compares the ids only, and a page of rows is read
        again when the view next shows one of its rows (reading 52,000 loaded rows again took 2 s an edit).
        Documents added after the loaded rows (an import) become fetchable, and fill the first page at once.
        """
        project = self.session.project
        if project is None or not self._rows:
            self.reload()
            return
        if project.document_ids(limit=len(self._rows), **self.filter.as_kwargs()) != [row.id for row in self._rows]:
            former = self._position_of_open_document()
            self.reload()
            self._former_position = former
            return
        self._stale_pages = set(range(-(-len(self._rows) // self.PAGE)))
        self.total = project.count_documents(**self.filter.as_kwargs())
        self._exhausted = len(self._rows) >= self.total
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))
        if len(self._rows) < self.PAGE:
            self.fetchMore()

    def _row(self, number: int):
        """The summary of row ``number``, read again first if an edit may have changed its page."""
        page = number // self.PAGE
        project = self.session.project
        if page in self._stale_pages and project is not None:
            self._stale_pages.discard(page)
            first = page * self.PAGE
            for number_in_page, summary in enumerate(self._summaries(project, first, self.PAGE)):
                if first + number_in_page < len(self._rows) and self._rows[first + number_in_page].id == summary.id:
                    self._rows[first + number_in_page] = summary
        return self._rows[number]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        project = self.session.project
        if parent.isValid() or project is None or self._exhausted:
            return
        page = self._summaries(project, len(self._rows), self.PAGE)
        self._exhausted = len(page) < self.PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.NARROW_COLUMNS if self.narrow else self.COLUMNS)[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._row(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            status = STATUS_MARKS.get(row.status, row.status)
            if row.split == EVALUATION_SPLIT:
                status += " eval"
            # The text's beginning, not the name: names often share a long prefix ("notes-2024-batch-07-...").
            return (row.opening or row.title, status, row.gold_count, row.pred_count)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            evaluation = "; evaluation only: scores models, never trained on" if row.split == EVALUATION_SPLIT else ""
            named = f" ({row.name})" if row.name else ""
            return (f"{row.opening or row.title}\ndocument {row.id}{named}, {row.length:,} characters, "
                    f"{row.status}{evaluation}")
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def doc_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def is_evaluation(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._row(row).split == EVALUATION_SPLIT

    def row_of(self, doc_id: int) -> int | None:
        return next((number for number, row in enumerate(self._rows) if row.id == doc_id), None)

    def _position_of_open_document(self) -> tuple[int, int] | None:
        doc_id = self.session.doc_id
        row = self.row_of(doc_id) if doc_id is not None else None
        return None if doc_id is None or row is None else (doc_id, row)

    def _former_row(self, doc_id: int) -> int | None:
        """Where ``doc_id`` was before a refresh dropped it from the list, if it was."""
        former = self._former_position
        return former[1] if former is not None and former[0] == doc_id else None

    def next_doc_id(self, doc_id: int | None) -> int | None:
        """The document after ``doc_id`` in the list (fetching the next page if needed); after one that has
        left the list, the one now in its former place; the first one when ``doc_id`` was never listed."""
        row = self.row_of(doc_id) if doc_id is not None else -1
        if row is None:
            former = self._former_row(doc_id) if doc_id is not None else None
            row = -1 if former is None else former - 1
        if row + 1 >= len(self._rows) and self.canFetchMore():
            self.fetchMore()
        return self.doc_id(row + 1)

    def previous_doc_id(self, doc_id: int | None) -> int | None:
        """The document before ``doc_id`` in the list; before the former place of one that has left it."""
        row = self.row_of(doc_id) if doc_id is not None else None
        if row is None and doc_id is not None:
            row = self._former_row(doc_id)
        return None if row is None else self.doc_id(row - 1)


class DocumentListPanel(QWidget):
    documentActivated = Signal(int)
    searchAccepted = Signal(int)  # Enter in the search box: the first match (the window opens it for editing)
    noticeRequested = Signal(str)  # why Enter in the search box opened nothing
    searchLeft = Signal()  # Esc in an empty search box: the keyboard goes back to the text

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = DocumentListModel(session)
        self.search = QLineEdit(placeholderText="Search text…", clearButtonEnabled=True)
        self.status = ElidedComboBox(STATUS_FILTER_CHARACTERS)
        self.status.addItems([ANY, *STATUSES])
        self.label = ElidedComboBox(LABEL_FILTER_CHARACTERS)
        self.count = QLabel()
        self.table = self._build_table()
        self._search_timer = QTimer(self, singleShot=True, interval=250, timeout=self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._accept_search)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, context=Qt.ShortcutContext.WidgetShortcut,
                  activated=self._enter_list)  # (given as activated=: PySide ignores context beside a slot)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search, context=Qt.ShortcutContext.WidgetShortcut,
                  activated=self._leave_search)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.label.currentIndexChanged.connect(self.apply_filter)
        self._lay_out()
        session.projectChanged.connect(self._reload)
        session.documentsChanged.connect(self._refresh)
        session.labelsChanged.connect(self._fill_labels)
        session.documentChanged.connect(self._follow_open_document)

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        one_line_rows(table)
        table.setShowGrid(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Column widths fit the rows in sight, not a thousand more: each edit refits them, and rows out of sight
        # would be read again for it (``DocumentListModel.refresh``). Scrolling refits them to the new rows.
        for either in (header, table.verticalHeader()):
            either.setResizeContentsPrecision(0)
        table.verticalScrollBar().valueChanged.connect(lambda _value: self._fit_columns())
        table.clicked.connect(self._activate)
        table.activated.connect(self._activate)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._show_menu)
        return table

    def _show_menu(self, position) -> None:
        row = self.table.indexAt(position).row()
        doc_id = self.model.doc_id(row)
        if doc_id is not None:
            self.evaluation_menu(row, doc_id).exec(self.table.viewport().mapToGlobal(position))

    def evaluation_menu(self, row: int, doc_id: int) -> QMenu:
        """The row's context menu: put the document in or out of the evaluation set (undoable)."""
        menu = QMenu(self)
        action = menu.addAction("Evaluation only (never trained on)")
        action.setCheckable(True)
        action.setChecked(self.model.is_evaluation(row))
        action.setToolTip("Keep this document to score model versions; retraining never learns from it")
        action.toggled.connect(lambda checked: self.session.set_evaluation_only([doc_id], checked))
        return menu

    def _lay_out(self) -> None:
        filters = QGridLayout()  # one filter a row: the dock can be narrow in a small window
        filters.addWidget(QLabel("Status"), 0, 0)
        filters.addWidget(self.status, 0, 1)
        filters.addWidget(QLabel("Label"), 1, 0)
        filters.addWidget(self.label, 1, 1)
        filters.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addWidget(self.count)

    def apply_filter(self) -> None:
        status = self.status.currentText()
        label = self.label.currentText()
        self.model.set_filter(DocumentFilter(
            status=None if status == ANY else status,
            label=None if label in (ANY, "") else label,
            search=self.search.text().strip() or None,
        ))
        self._update_count()
        self._follow_open_document()
        self.table.scrollToTop()  # a new search starts at its first match, not where the old list was scrolled

    def _other_filters(self) -> bool:
        return self.status.currentText() != ANY or self.label.currentText() not in (ANY, "")

    def _accept_search(self) -> None:
        """Enter: the search at once (not after the typing pause), then its first match."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.apply_filter()
        first = self.model.doc_id(0)
        if first is not None:
            self.searchAccepted.emit(first)
        elif self.search.text().strip():
            self.noticeRequested.emit(f"No document matches \u201c{self.search.text().strip()}\u201d"
                                      + (" with the Status and Label filters" if self._other_filters() else ""))

    def _leave_search(self) -> None:
        """Esc: the search is cleared (every document listed again); in an empty box, back to the text."""
        if self.search.text():
            self.search.clear()
            self._search_timer.stop()
            self.apply_filter()
        else:
            self.searchLeft.emit()

    def _enter_list(self) -> None:
        """Down from the search box: the keyboard goes to the list, on the open document or else the first."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.apply_filter()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        selected = self.table.selectionModel().selectedRows()
        if selected or self.model.rowCount():
            self.table.setCurrentIndex(selected[0] if selected else self.model.index(0, 0))

    def _refresh(self) -> None:
        self.model.refresh()
        self._fit_columns()
        self._update_count()
        self._follow_open_document()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        narrow = self.width() < NARROW_BELOW
        if narrow != self.model.narrow:
            self.model.narrow = narrow
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 2, 3)
            self._fit_columns()

    def _fit_columns(self) -> None:
        """A changed row ("eval", a count of ten) may need more room. Hidden, the table would measure every row."""
        if self.table.isVisible():
            for column in (1, 2, 3):
                self.table.resizeColumnToContents(column)

    def _reload(self) -> None:
        self.model.reload()
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText("" if self.session.project is None else counted(self.model.total, "document"))

    def _fill_labels(self) -> None:
        current = self.label.currentText()
        self.label.set_items([ANY, *self.session.labels.names], current if current in self.session.labels else ANY)

    def _activate(self, index: QModelIndex) -> None:
        doc_id = self.model.doc_id(index.row())
        if doc_id is not None and doc_id != self.session.doc_id:
            self.documentActivated.emit(doc_id)

    def _follow_open_document(self) -> None:
        row = self.model.row_of(self.session.doc_id) if self.session.doc_id is not None else None
        if row is None:
            self.table.clearSelection()
        elif [index.row() for index in self.table.selectionModel().selectedRows()] != [row]:
            self.table.selectRow(row)
