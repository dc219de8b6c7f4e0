"""What the empty annotation view tells the user to do next ("Open a project", "Pick a document").

A mixin of ``AnnotationView``: the hint is painted over the viewport while the view has no text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette

_HINT_FLAGS = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)


class EmptyViewHint:
    _hint = ""

    def set_hint(self, hint: str) -> None:
        """What to do next, shown while there is no text."""
        self._hint = hint
        self.viewport().update()

    @property
    def hint(self) -> str:
        return self._hint

    def _paint_hint(self) -> None:
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24), _HINT_FLAGS, self._hint)
        painter.end()
