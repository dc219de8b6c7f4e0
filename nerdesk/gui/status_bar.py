"""The window's status bar: a message too long for the room beside the permanent marks ends with "…", and is
whole in the bar's tooltip.

QStatusBar cuts a message at the first permanent widget, mid-word: at 1280 pixels the script notice read
"... trained on Chinese (CJK) text: e", and with the scripts mark shown "Document 1 marked reviewed; accepted 7
pending predictions, rejected 4 predic".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStatusBar, QWidget

MESSAGE_MARGINS = 16  # pixels Qt keeps around the message


class ElidingStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole = ""  # the message last asked for
        self._shown = ""  # what the bar shows of it
        self.messageChanged.connect(self._forget_tooltip)

    def _forget_tooltip(self, message: str) -> None:
        """Another message (a menu's status tip, the end of a timeout) takes the place of the elided one."""
        if message != self._shown:
            self.setToolTip("")

    def showMessage(self, message: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        self._whole = message
        self._shown = self.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight, self.message_room())
        self.setToolTip(message if self._shown != message else "")
        super().showMessage(self._shown, timeout)

    def currentMessage(self) -> str:  # noqa: N802 (Qt's name)
        """The whole message shown now (Qt's own messages, such as a menu's status tip, as they are)."""
        shown = super().currentMessage()
        return self._whole if shown and shown == self._shown else shown

    def shown_message(self) -> str:
        """What the bar shows of the current message."""
        return super().currentMessage()

    def message_room(self) -> int:
        """Pixels for a message: the bar's width less its visible permanent widgets (and the size grip)."""
        taken = sum(child.width() + max(self.layout().spacing(), 0) for child in self.children()
                    if isinstance(child, QWidget) and child.isVisible() and not child.isWindow())
        return max(self.width() - taken - MESSAGE_MARGINS, 0)
