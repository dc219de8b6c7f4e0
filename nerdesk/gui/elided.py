"""Widgets that keep their width whatever the text in them: a long name is cut short with "…" and shown whole
in the tooltip, so a 60-character label cannot widen a dock (or, through the saved layout, the window)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget


class ElidedComboBox(QComboBox):
    """A combo box ``characters`` wide (plus its arrow) whatever its items. The chosen item's text is elided to
    fit and its tooltip says it whole, as each item's does in the list, which is as wide as the longest item."""

    def __init__(self, characters: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(characters)
        self.currentTextChanged.connect(self.setToolTip)

    def set_items(self, texts: list[str], current: str) -> None:
        """Replace the items with ``texts`` (each with its whole text as tooltip) and choose ``current``,
        without signals: nothing was chosen by the user."""
        blocked = self.blockSignals(True)
        self.clear()
        self.addItems(texts)
        for row, text in enumerate(texts):
            self.setItemData(row, text, Qt.ItemDataRole.ToolTipRole)
        self.setCurrentText(current)
        self.blockSignals(blocked)
        self.setToolTip(self.currentText())

    def add_item(self, text: str, data: Any = None) -> None:
        """Append one item carrying ``data``, its whole text as its tooltip in the list."""
        self.addItem(text, data)
        self.setItemData(self.count() - 1, text, Qt.ItemDataRole.ToolTipRole)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        icon_room = option.iconSize.width() + 4 if not option.currentIcon.isNull() else 0
        option.currentText = self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight,
                                                           max(field.width() - icon_room - 2, 0))
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


def shortened(text: str, characters: int) -> str:
    """``text`` cut to ``characters`` (the last one "…") where it is longer, for a window title or a form's
    row label that would otherwise grow with a name; show the whole text in a tooltip beside it."""
    return text if len(text) <= characters else text[:characters - 1] + "…"
