"""Options of "Accept all predictions": minimum score, one label or all, this document or every one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QWidget,
)

from nerdesk.gui.elided import ElidedComboBox

ANY_LABEL = "any label"
LABEL_CHARACTERS = 24  # the label list's width: a longer name is elided, whole in its tooltip and in the list


class AcceptAllDialog(QDialog):
    def __init__(self, label_names: list[str], min_score: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accept all predictions")
        self.min_score = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2, value=min_score)
        self.label = ElidedComboBox(LABEL_CHARACTERS)
        self.label.set_items([ANY_LABEL, *label_names], ANY_LABEL)
        self.all_documents = QCheckBox("in every document, not only the open one")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Score at least", self.min_score)
        form.addRow("Label", self.label)
        form.addRow("", self.all_documents)
        form.addRow(buttons)

    def options(self) -> dict:
        label = self.label.currentText()
        return {"min_score": self.min_score.value(), "label": None if label == ANY_LABEL else label,
                "all_documents": self.all_documents.isChecked()}
