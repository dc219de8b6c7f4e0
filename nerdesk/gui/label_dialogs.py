"""Dialogs to add or edit a label and to choose a merge target.

A label's name is what spans, exports and models use (often a corpus code such as ``sym``); its
display name ("symptom") and description are what people read in the palette and in tooltips.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from nerdesk.core.errors import NerdeskError
from nerdesk.core.labels import Label, LabelSet
from nerdesk.gui.elided import ElidedComboBox, shortened
from nerdesk.gui.shortcuts import check_label_key
from nerdesk.gui.wording import capitalized
from nerdesk.storage.labels import DISPLAY_NAME_LIMIT, label_text_problem


class LabelDialog(QDialog):
    """Name, display name, description, colour and shortcut of a label, all checked before the dialog
    closes (the shortcut against labels and editing keys)."""

    def __init__(self, labels: LabelSet, label: Label | None = None, parent: QWidget | None = None,
                 app_shortcuts: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit label" if label else "Add label")
        self.labels = labels
        self.original = label
        self.app_shortcuts = app_shortcuts
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.setMinimumWidth(380)
        self.name = QLineEdit(label.name if label else "")
        self.display_name = QLineEdit(label.display_name if label else "")
        self.display_name.setPlaceholderText("optional, e.g. symptom for sym")
        self.display_name.setMaxLength(DISPLAY_NAME_LIMIT)
        self.description = QPlainTextEdit(label.description if label else "")
        self.description.setPlaceholderText("optional: what this label covers, shown in tooltips")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.description.fontMetrics().lineSpacing() * 4 + 12)
        self.color = label.color if label else labels.next_color()
        self.color_button = QPushButton()
        self.color_button.clicked.connect(self._pick_color)
        self.key = QLineEdit(label.key or "" if label else "")
        self.key.setMaxLength(1)
        self.key.setPlaceholderText("none")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Display name", self.display_name)
        form.addRow("Description", self.description)
        form.addRow("Colour", self.color_button)
        form.addRow("Shortcut key", self.key)
        form.addRow(self.error)
        form.addRow(buttons)
        self._show_color()

    def accept(self) -> None:
        """Close only with a usable label; otherwise say why and keep what was typed."""
        try:
            self.result_label()
        except NerdeskError as error:
            self.error.setText(f"{capitalized(str(error))}.")
            self.error.show()
            self.adjustSize()
            return
        super().accept()

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self, "Label colour")
        if chosen.isValid():
            self.color = chosen.name()
            self._show_color()

    def _show_color(self) -> None:
        self.color_button.setText(self.color)
        self.color_button.setStyleSheet(f"background-color: {self.color};")

    def result_label(self) -> Label:
        """The label as entered; raises ``NerdeskError`` if the name, texts or key cannot be used."""
        name = self.name.text().strip()
        if not name:
            raise NerdeskError("a label needs a name", code="E011")
        if name in self.labels and (self.original is None or name != self.original.name):
            raise NerdeskError(f"a label named {name!r} already exists; choose another name or merge the labels",
                               code="E014")
        display_name, description = self.display_name.text().strip(), self.description.toPlainText().strip()
        problem = label_text_problem(display_name, description)
        if problem:
            raise NerdeskError(problem, code="E237")
        key = self.key.text().strip() or None
        check_label_key(key, self.labels, label_name=self.original.name if self.original else None,
                        app_shortcuts=self.app_shortcuts)
        return Label(name, self.color, key, display_name, description)


LABEL_CHARACTERS = 24  # how much of a label name the merge dialog shows; the whole name is in a tooltip


class MergeDialog(QDialog):
    """Which label every span of ``source`` gets; a long name is elided, so the dialog keeps its width."""

    def __init__(self, labels: LabelSet, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Merge {shortened(source, LABEL_CHARACTERS)} into…")
        self.target = ElidedComboBox(LABEL_CHARACTERS)
        targets = [name for name in labels.names if name != source]
        self.target.set_items(targets, targets[0] if targets else "")
        question = QLabel(f"Relabel every {shortened(source, LABEL_CHARACTERS)} span as")
        question.setToolTip(source)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(question, self.target)
        form.addRow(buttons)
