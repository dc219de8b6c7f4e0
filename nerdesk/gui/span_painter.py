"""Drawing of span highlights, bars and label chips on the annotation view's viewport."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap

from nerdesk.core.spans import PRED, Span

FALLBACK_COLOR = "#888888"


@dataclass(frozen=True, slots=True)
class SpanPiece:
    """The part of one span that lies on one visual line, in viewport coordinates."""

    span: Span
    left: float
    right: float
    text_top: float
    text_bottom: float
    level: int
    starts_here: bool


def readable_text_color(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    luminance = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return QColor("#000000") if luminance > 160 else QColor("#ffffff")


class SpanPainter:
    """Knows the look of spans: translucent fills that darken where spans nest, bars and chips."""

    FILL_ALPHA_GOLD = 55
    FILL_ALPHA_PRED = 30

    def __init__(self, chip_font: QFont) -> None:
        self.chip_font = chip_font
        self._metrics = QFontMetricsF(chip_font)
        self.level_height = self._metrics.height() + 3
        self.bar_gap = 2.0
        self.dark = False  # drawing on a dark page (the dark theme)
        self.device_pixel_ratio = 1.0
        self._chips: dict[tuple, QPixmap] = {}
        self._chip_widths: dict[str, float] = {}

    def room_below_line(self, levels: int) -> float:
        return self.bar_gap + levels * self.level_height

    def band_rect(self, piece: SpanPiece) -> QRectF:
        """The strip below the text where this piece's bar (and chip) is drawn."""
        top = piece.text_bottom + self.bar_gap + piece.level * self.level_height
        return QRectF(piece.left, top, max(piece.right - piece.left, 2.0), self.level_height - 1)

    def chip_width(self, label: str) -> float:
        width = self._chip_widths.get(label)
        if width is None:
            width = self._chip_widths[label] = self._metrics.horizontalAdvance(label) + 6
        return width

    def chip_rect(self, piece: SpanPiece) -> QRectF:
        band = self.band_rect(piece)
        return QRectF(piece.left, band.top(), self.chip_width(piece.span.label), band.height())

    def fill(self, painter: QPainter, piece: SpanPiece, color: QColor) -> None:
        fill = QColor(color)
        fill.setAlpha(self.FILL_ALPHA_PRED if piece.span.source == PRED else self.FILL_ALPHA_GOLD)
        painter.fillRect(QRectF(piece.left, piece.text_top, piece.right - piece.left,
                                piece.text_bottom - piece.text_top), fill)

    def bar(self, painter: QPainter, piece: SpanPiece, color: QColor, *, selected: bool) -> None:
        band = self.band_rect(piece)
        middle = band.center().y()
        pen = QPen(color, 3.0 if selected else 2.0)
        if piece.span.source == PRED:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # a level line needs none, and is faster
        painter.drawLine(QPointF(piece.left + 1, middle), QPointF(piece.right - 1, middle))
        if piece.starts_here:
            rect = self.chip_rect(piece)
            painter.drawPixmap(rect.topLeft(), self._chip(piece.span, color, selected=selected))

    def _chip(self, span: Span, color: QColor, *, selected: bool) -> QPixmap:
        """The label chip, drawn once per look and reused (a paint draws a hundred or more of them)."""
        key = (span.label, color.rgba(), span.source == PRED, selected, self.dark)
        pixmap = self._chips.get(key)
        if pixmap is None:
            pixmap = self._chips[key] = self._draw_chip(span.label, color, is_prediction=span.source == PRED,
                                                        selected=selected)
        return pixmap

    def _draw_chip(self, label: str, color: QColor, *, is_prediction: bool, selected: bool) -> QPixmap:
        ratio = self.device_pixel_ratio
        rect = QRectF(0, 0, self.chip_width(label), self.level_height - 1)
        pixmap = QPixmap(math.ceil(rect.width() * ratio), math.ceil(rect.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#1a1d21" if self.dark else "#ffffff") if is_prediction else color)
        border = QPen(QColor("#ffffff" if self.dark else "#000000") if selected else color, 2.0 if selected else 1.0)
        if is_prediction:
            border.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.setFont(self.chip_font)
        painter.setPen(self._readable(color) if is_prediction else readable_text_color(color))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        return pixmap

    def _readable(self, color: QColor) -> QColor:
        """The label colour, adjusted to read well as text on the page."""
        return color.lighter(150) if self.dark else color.darker(130)

    def outline(self, painter: QPainter, piece: SpanPiece, color: QColor) -> None:
        pen = QPen(color.lighter(150) if self.dark else color.darker(150), 2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(piece.left, piece.text_top, piece.right - piece.left,
                                piece.text_bottom - piece.text_top).adjusted(-1, -1, 1, 1))
