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


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    def luminance(color: QColor) -> float:
        channels = [c / 255 for c in (color.red(), color.green(), color.blue())]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


TEXT_CONTRAST = 4.5  # WCAG AA for text: a prediction chip's label in its own colour on the page


class SpanPainter:
    """Knows the look of spans: fills, outlines where spans overlap, bars and chips.

    Fills are opaque mixes of the label colour and the page, painted outermost first, so an inner span
    covers the outer one's fill instead of stacking translucent layers (which turn brown and match no
    label); an outer span stays visible as the outline of its text. A chip never reaches past its span:
    a short span gets a chip as wide as the span, its label elided.
    """

    FILL_ALPHA_GOLD = 0.24
    FILL_ALPHA_PRED = 0.12
    PAGE_LIGHT, PAGE_DARK = QColor("#ffffff"), QColor("#1a1d21")

    def __init__(self, chip_font: QFont) -> None:
        self.chip_font = chip_font
        self._metrics = QFontMetricsF(chip_font)
        self.level_height = self._metrics.height() + 3
        self.bar_gap = 2.0
        self.dark = False  # drawing on a dark page (the dark theme)
        self.show_scores = False  # prediction chips carry their score
        self.device_pixel_ratio = 1.0
        self._chips: dict[tuple, QPixmap] = {}
        self._text_widths: dict[str, float] = {}
        self._fills: dict[tuple, QColor] = {}

    def room_below_line(self, levels: int) -> float:
        return self.bar_gap + levels * self.level_height

    def band_rect(self, piece: SpanPiece) -> QRectF:
        """The strip below the text where this piece's bar (and chip) is drawn."""
        top = piece.text_bottom + self.bar_gap + piece.level * self.level_height
        return QRectF(piece.left, top, max(piece.right - piece.left, 2.0), self.level_height - 1)

    def chip_text(self, span: Span) -> str:
        if self.show_scores and span.source == PRED and span.score is not None:
            return f"{span.label} {span.score:.2f}"
        return span.label

    def chip_width(self, text: str) -> float:
        """Width of a chip showing all of ``text``."""
        width = self._text_widths.get(text)
        if width is None:
            width = self._text_widths[text] = self._metrics.horizontalAdvance(text) + 6
        return width

    def chip_rect(self, piece: SpanPiece) -> QRectF:
        """The chip at the start of a piece: its label's width, but never wider than the piece."""
        band = self.band_rect(piece)
        room = max(piece.right - piece.left - 1, 3.0)
        return QRectF(piece.left, band.top(), min(self.chip_width(self.chip_text(piece.span)), room), band.height())

    def fill_color(self, color: QColor, *, is_prediction: bool) -> QColor:
        """The label colour mixed into the page: what a translucent fill would look like, but opaque."""
        key = (color.rgba(), is_prediction, self.dark)
        mixed = self._fills.get(key)
        if mixed is None:
            mixed = self._fills[key] = self._mix(color, is_prediction=is_prediction)
        return mixed

    def _mix(self, color: QColor, *, is_prediction: bool) -> QColor:
        alpha = self.FILL_ALPHA_PRED if is_prediction else self.FILL_ALPHA_GOLD
        page = self.PAGE_DARK if self.dark else self.PAGE_LIGHT
        mixed = (round(alpha * c + (1 - alpha) * p) for c, p in
                 zip(color.getRgb()[:3], page.getRgb()[:3], strict=True))
        return QColor(*mixed)

    def fill(self, painter: QPainter, piece: SpanPiece, color: QColor) -> None:
        painter.fillRect(_text_rect(piece), self.fill_color(color, is_prediction=piece.span.source == PRED))

    def edge(self, painter: QPainter, piece: SpanPiece, color: QColor) -> None:
        """A thin outline around the text of a span that other spans overlap, so it stays visible
        (a prediction's is lighter; dashes would cost more than all fills together)."""
        if piece.span.source == PRED:
            color = self.fill_color(color, is_prediction=False).darker(115)
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(_text_rect(piece).adjusted(0.5, 0.5, -0.5, -0.5))

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
            painter.drawPixmap(rect.topLeft(), self._chip(piece.span, color, rect.width(), selected=selected))

    def _chip(self, span: Span, color: QColor, width: float, *, selected: bool) -> QPixmap:
        """The label chip, drawn once per look and reused (a paint draws a hundred or more of them)."""
        text = self.chip_text(span)
        key = (text, round(width), color.rgba(), span.source == PRED, selected, self.dark)
        pixmap = self._chips.get(key)
        if pixmap is None:
            pixmap = self._chips[key] = self._draw_chip(text, color, round(width), is_prediction=span.source == PRED,
                                                        selected=selected)
        return pixmap

    def _draw_chip(self, text: str, color: QColor, width: int, *, is_prediction: bool, selected: bool) -> QPixmap:
        ratio = self.device_pixel_ratio
        rect = QRectF(0, 0, width, self.level_height - 1)
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
        shown = self._fitting_text(text, width - 3)
        if shown:
            painter.setFont(self.chip_font)
            painter.setPen(self._readable(color) if is_prediction else readable_text_color(color))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)
        painter.end()
        return pixmap

    def _fitting_text(self, text: str, width: float) -> str:
        """``text`` elided to ``width``; where not even "x…" fits, its first letter alone (or nothing)."""
        elided = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0))
        if elided and elided != "…":
            return elided
        return text[:1] if self._metrics.horizontalAdvance(text[:1]) <= width + 1 else ""

    def _readable(self, color: QColor) -> QColor:
        """The label colour, darkened (lightened on a dark page) until it reads as text on the page: a
        yellow label's chip text was #b9af33 on white, 2.3:1."""
        page = QColor("#1a1d21" if self.dark else "#ffffff")
        shown = color.lighter(150) if self.dark else color.darker(130)
        for _ in range(12):
            if contrast_ratio(shown, page) >= TEXT_CONTRAST:
                break
            shown = shown.lighter(120) if self.dark else shown.darker(120)
        return shown

    def outline(self, painter: QPainter, piece: SpanPiece, color: QColor) -> None:
        pen = QPen(color.lighter(150) if self.dark else color.darker(150), 2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(_text_rect(piece).adjusted(-1, -1, 1, 1))


def _text_rect(piece: SpanPiece) -> QRectF:
    return QRectF(piece.left, piece.text_top, piece.right - piece.left, piece.text_bottom - piece.text_top)


def overlapped_pieces(pieces: list[SpanPiece]) -> list[SpanPiece]:
    """Pieces that another span's piece overlaps on the same line: they get an outline."""
    by_line: dict[float, list[SpanPiece]] = {}
    for piece in pieces:
        by_line.setdefault(piece.text_top, []).append(piece)
    return [piece for line in by_line.values() for piece in line
            if any(other.span != piece.span and other.left < piece.right and piece.left < other.right
                   for other in line)]


def fill_order(pieces: list[SpanPiece]) -> list[SpanPiece]:
    """Outer (longer) spans first, so inner spans are painted over them."""
    return sorted(pieces, key=lambda p: -len(p.span))
