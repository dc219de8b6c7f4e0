"""A live chart of the training loss and the F1 on the evaluation set, painted with QPainter (no QtCharts).

The x axis is the training step. The loss (left scale, from 0 to its largest value so far) is a
line through every step; the F1 (right scale, 0 to 100 %) is a dot per epoch joined by a line. Each
axis has its title, in the colour of its line.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

LOSS_COLOR = QColor("#4363d8")
F1_COLOR = QColor("#d55e00")
MARGIN = 44  # room for a scale's numbers and its title beside the plot


MINIMUM_HEIGHT = 90  # pixels: a 640-pixel-high window keeps room for four labels in the Labels panel

class LearningCurve(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.losses: list[tuple[int, float]] = []  # (step, loss)
        self.scores: list[tuple[int, float]] = []  # (step, dev F1)
        self.total_steps = 1
        self.planned_steps = 1  # what the training process planned; total_steps is the axis's end
        self.ended = False  # the loop ended: the x axis ends at its last step
        self.final_f1: float | None = None  # the new version's F1 on the evaluation set, once it is scored
        self.setMinimumHeight(MINIMUM_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip("Blue: training loss (left scale). Orange: F1 on the evaluation set after each evaluation "
                        "(right scale, 0–100 %).")

    def sizeHint(self) -> QSize:
        return QSize(280, 170)

    def clear(self) -> None:
        self.losses, self.scores, self.total_steps, self.planned_steps = [], [], 1, 1
        self.ended, self.final_f1 = False, None
        self.update()

    def add_loss(self, step: int, total: int, loss: float) -> None:
        self.total_steps = max(total, step, 1) if not self.ended else max(step, 1)
        self.planned_steps = max(total, 1)
        self.losses.append((step, loss))
        self.update()

    def finish(self) -> None:
        """Training stopped, often long before its planned steps (early stopping, a time budget): the x axis
        now ends at the last step done, so the curve fills the chart."""
        self.ended = True
        if self.losses:
            self.total_steps = max(self.losses[-1][0], 1)
        self.update()

    def set_final_f1(self, f1: float) -> None:
        """The F1 the new version scored on the evaluation set with the decision threshold chosen after
        training, which the outcome reports; the dots are the scores while training."""
        self.final_f1 = f1
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
        plot = QRectF(self.rect()).adjusted(MARGIN, 8, -MARGIN, -34)
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
        painter.drawText(QRectF(0, plot.top() - 4, MARGIN - 4, 14), Qt.AlignmentFlag.AlignRight, f"{top_loss:.3g}")
        painter.drawText(QRectF(0, plot.bottom() - 10, MARGIN - 4, 14), Qt.AlignmentFlag.AlignRight, "0")
        self._vertical_title(painter, "loss", QPointF(12, plot.center().y()), -90)
        painter.setPen(F1_COLOR)
        painter.drawText(QRectF(plot.right() + 4, plot.top() - 4, MARGIN, 14), Qt.AlignmentFlag.AlignLeft, "100")
        painter.drawText(QRectF(plot.right() + 4, plot.bottom() - 10, MARGIN, 14), Qt.AlignmentFlag.AlignLeft, "0")
        self._vertical_title(painter, "F1 %", QPointF(self.width() - 12, plot.center().y()), 90)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(plot.left(), plot.bottom() + 1, plot.width(), 16), Qt.AlignmentFlag.AlignCenter,
                         self.steps_title())
        painter.drawText(QRectF(plot.left(), plot.bottom() + 16, plot.width(), 16),
                         Qt.AlignmentFlag.AlignCenter, self.caption())

    @staticmethod
    def _vertical_title(painter: QPainter, text: str, centre: QPointF, angle: float) -> None:
        painter.save()
        painter.translate(centre)
        painter.rotate(angle)
        painter.drawText(QRectF(-50, -8, 100, 16), Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def steps_title(self) -> str:
        """The x axis's title: the step reached of those planned, and once training ended, whether it ran them
        all or stopped before (early stopping, its time limit)."""
        if not self.losses:
            return "training step"
        last = self.losses[-1][0]
        if not self.ended:
            return f"training step ({last} of {self.total_steps})"
        if last >= self.planned_steps:
            return f"training step (all {last} done)"
        return f"training step (stopped at {last} of {self.planned_steps})"

    def caption(self) -> str:
        """What the chart writes under its x axis (for tests and accessibility)."""
        if self.final_f1 is not None:
            during = f" (while training {100 * self.best_f1:.1f})" if self.best_f1 is not None else ""
            return f"F1 on the evaluation set {100 * self.final_f1:.1f}{during}"
        if self.best_f1 is not None:
            return f"best F1 on the evaluation set {100 * self.best_f1:.1f}"
        return "no training yet" if not self.losses else ""
