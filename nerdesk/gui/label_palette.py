"""The label palette: every label with its colour, shortcut and span counts, and label management.

Rows show the display name beside the name ("sym — symptom"), the tooltip the description.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.labels import Label
from nerdesk.core.spans import GOLD
from nerdesk.gui.session import ProjectSession
from nerdesk.gui.span_layout import shown_spans
from nerdesk.gui.theme import one_line_rows
from nerdesk.runtime.decode import DECISION_SCORE

BUTTON_PADDING = 22  # pixels around a button's text at its narrowest (14 clipped it in the Fusion style)


@lru_cache(maxsize=256)
def color_icon(color: str, size: int = 14) -> QIcon:
    """A square of ``color`` (cached: a label's icon is drawn once, not once per span)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def label_tooltip(label: Label) -> str:
    """The label's names, what it covers and how to apply it."""
    key = f", or press {label.key}" if label.key else ""
    lines = [f"{label.title} ({label.color})", label.description,
             f"Double-click or Apply to label the selection{key}"]
    return "\n".join(line for line in lines if line)


class LabelPalette(QWidget):
    """Labels with their keys and counts. Clicking a row only chooses it (for Edit, Merge, Delete);
    a double-click or *Apply* labels the selected text (or relabels the selected span)."""

    applyRequested = Signal(str)
    addRequested = Signal()
    editRequested = Signal(str)
    mergeRequested = Signal(str)
    deleteRequested = Signal(str)

    COLUMNS = ("Label", "Key", "Gold", "Pred")

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.min_score = DECISION_SCORE  # predictions below it are hidden in the view and not counted here
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        one_line_rows(self.table)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda row, _column: self._emit_for_row(self.applyRequested, row))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # reached with F6: Enter applies the chosen label
            QShortcut(QKeySequence(key), self.table, context=Qt.ShortcutContext.WidgetShortcut,
                      activated=lambda: self._emit_for_row(self.applyRequested, self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for text, signal in (("Apply", self.applyRequested), ("Add…", None), ("Edit…", self.editRequested),
                             ("Merge…", self.mergeRequested), ("Delete", self.deleteRequested)):
            button = self.buttons[text] = QPushButton(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            # Styles ask 80 px of every button: five of them would make the dock clip the table and themselves.
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(text) + BUTTON_PADDING)
            if signal is None:
                button.clicked.connect(self.addRequested)
            else:
                button.clicked.connect(lambda _checked=False, s=signal: self._emit_for_row(s, self.table.currentRow()))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        session.labelsChanged.connect(self.refresh)
        session.projectChanged.connect(self.refresh)
        session.documentChanged.connect(self.refresh_counts)
        session.spansChanged.connect(lambda _doc_id: self.refresh_counts())

    def _emit_for_row(self, signal, row: int) -> None:
        item = self.table.item(row, 0) if row >= 0 else None
        if item is not None:
            signal.emit(item.data(Qt.ItemDataRole.UserRole))

    def set_min_score(self, value: float) -> None:
        """Count the predictions the view shows at the Model panel's minimum score."""
        self.min_score = value
        self.refresh()

    def _counts(self) -> tuple[Counter, Counter]:
        """Gold and predicted spans per label in the open document, of the spans the view shows."""
        document = self.session.document
        spans = [] if document is None else shown_spans(document.spans, self.min_score)
        return Counter(s.label for s in spans if s.source == GOLD), Counter(s.label for s in spans if s.source != GOLD)

    def refresh_counts(self) -> None:
        """After an edit only the counts change: set their texts (building every row again took a tenth of a
        second an edit with 28 labels)."""
        names = [self.table.item(row, 0) for row in range(self.table.rowCount())]
        if [item.data(Qt.ItemDataRole.UserRole) if item else None for item in names] != self.session.labels.names:
            self.refresh()
            return
        gold, predicted = self._counts()
        for row, name in enumerate(self.session.labels.names):
            for column, count in ((2, gold[name]), (3, predicted[name])):
                item = self.table.item(row, column)
                if item is not None and item.text() != str(count):
                    item.setText(str(count))

    def refresh(self) -> None:
        """Counts are for the open document, of the spans the view shows."""
        gold, predicted = self._counts()
        current = self.current_label()
        self.table.setRowCount(len(self.session.labels))
        for row, label in enumerate(self.session.labels):
            name_item = QTableWidgetItem(color_icon(label.color), label.title)
            name_item.setData(Qt.ItemDataRole.UserRole, label.name)
            name_item.setToolTip(label_tooltip(label))
            cells = (name_item, QTableWidgetItem(label.key or ""),
                     QTableWidgetItem(str(gold[label.name])), QTableWidgetItem(str(predicted[label.name])))
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
            if label.name == current:
                self.table.selectRow(row)
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        """Add needs a project; the others need a label."""
        has_labels = len(self.session.labels) > 0
        for text, button in self.buttons.items():
            button.setEnabled(self.session.project is not None if text == "Add…" else has_labels)

    def current_label(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
