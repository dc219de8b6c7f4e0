"""A live chart of the training loss and the dev F1, painted with QPainter (no QtCharts needed).

The x axis is the training step. The loss (left scale, from 0 to its largest value so far) is a
line through every step; the dev F1 (right scale, 0 to 1) is a dot per epoch joined by a line.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

LOSS_COLOR = QColor("#4363d8")
F1_COLOR = QColor("#e6194b")
MARGIN = 36


class LearningCurve(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.losses: list[tuple[int, float]] = []  # (step, loss)
        self.scores: list[tuple[int, float]] = []  # (step, dev F1)
        self.total_steps = 1
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip("Blue: training loss (left scale). Red: dev F1 after each epoch (right scale, 0–1).")

    def sizeHint(self) -> QSize:
        return QSize(260, 150)

    def clear(self) -> None:
        self.losses, self.scores, self.total_steps = [], [], 1
        self.update()

    def add_loss(self, step: int, total: int, loss: float) -> None:
        self.total_steps = max(total, step, 1)
        self.losses.append((step, loss))
        self.update()

    def add_score(self, f1: float) -> None:
        step = self.losses[-1][0] if self.losses else 0
        self.scores.append((step, f1))
        self.update()

    @property
    def best_f1(self) -> float | None:
        return max((f1 for _, f1 in self.scores), default=None)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = QRectF(self.rect()).adjusted(MARGIN, 8, -MARGIN, -18)
        self._draw_frame(painter, plot)
        top_loss = max((loss for _, loss in self.losses), default=1.0) or 1.0
        self._draw_series(painter, plot, self.losses, top_loss, LOSS_COLOR, dots=False)
        self._draw_series(painter, plot, self.scores, 1.0, F1_COLOR, dots=True)
        self._draw_labels(painter, plot, top_loss)
        painter.end()

    def _point(self, plot: QRectF, step: int, value: float, top: float) -> QPointF:
        x = plot.left() + plot.width() * step / self.total_steps
        y = plot.bottom() - plot.height() * min(max(value / top, 0.0), 1.0)
        return QPointF(x, y)

    def _draw_frame(self, painter: QPainter, plot: QRectF) -> None:
        painter.fillRect(self.rect(), self.palette().base())
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(plot)

    def _draw_series(self, painter: QPainter, plot: QRectF, points: list[tuple[int, float]], top: float,
                     color: QColor, *, dots: bool) -> None:
        if not points:
            return
        path = QPainterPath(self._point(plot, *points[0], top))
        for step, value in points[1:]:
            path.lineTo(self._point(plot, step, value, top))
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if dots:
            painter.setBrush(color)
            for step, value in points:
                painter.drawEllipse(self._point(plot, step, value, top), 3, 3)

    def _draw_labels(self, painter: QPainter, plot: QRectF, top_loss: float) -> None:
        painter.setPen(LOSS_COLOR)
        painter.drawText(QRectF(0, plot.top() - 4, MARGIN - 2, 14), Qt.AlignmentFlag.AlignRight,
                         f"{top_loss:.3g}")
        painter.setPen(F1_COLOR)
        painter.drawText(QRectF(plot.right() + 2, plot.top() - 4, MARGIN, 14), Qt.AlignmentFlag.AlignLeft, "1.0")
        painter.setPen(self.palette().text().color())
        caption = f"step {self.losses[-1][0]}/{self.total_steps}" if self.losses else "no training yet"
        if self.best_f1 is not None:
            caption += f"   best dev F1 {self.best_f1:.3f}"
        painter.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 16),
                         Qt.AlignmentFlag.AlignCenter, caption)
