"""The annotation view: a read-only text with spans painted over it, driven by mouse and keyboard.

The view never changes data. It shows a text and its spans and emits what the user asks for
(label this range, delete that span, ...); the session turns requests into undoable edits and
hands the new spans back through ``set_spans``. Offsets in signals are code points; Qt positions
are converted only through ``DisplayText``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QTextCursor,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from nerdesk.core.labels import LabelSet
from nerdesk.core.spans import Span, sort_spans, spans_at
from nerdesk.gui.display_text import DisplayText
from nerdesk.gui.span_layout import LevelCache, SpanIndex, shown_spans
from nerdesk.gui.span_painter import FALLBACK_COLOR, SpanPainter, SpanPiece, fill_order, overlapped_pieces
from nerdesk.gui.theme import is_dark
from nerdesk.gui.view_bidi import has_right_to_left, keep_paragraph_directions, piece_ranges, position_under
from nerdesk.gui.view_hint import EmptyViewHint
from nerdesk.gui.view_keys import EditingKeys
from nerdesk.gui.view_menus import SpanMenus
from nerdesk.gui.view_selection import TextSelection
from nerdesk.gui.view_wrap import SelfWrapping


class AnnotationView(EditingKeys, TextSelection, SpanMenus, SelfWrapping, EmptyViewHint, QTextEdit):
    """Shows one document; select text and press a label key to annotate it."""

    labelRequested = Signal(int, int, str)  # start, end (code points), label name
    relabelRequested = Signal(object, str)  # span, new label name
    deleteRequested = Signal(list)  # spans
    acceptRequested = Signal(list)  # predicted spans
    rejectRequested = Signal(list)  # predicted spans
    resizeRequested = Signal(object, int, int)  # span, new start, new end
    spanSelected = Signal(object)  # Span or None
    noticeRequested = Signal(str)  # why a key did nothing, for the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationView")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setMouseTracking(True)
        self._display = DisplayText("")
        self._right_to_left = False  # whether the text has Hebrew, Arabic...: spans are placed by their glyphs
        self._labels = LabelSet()
        self._colors: dict[str, str] = {}
        self._all_spans: list[Span] = []
        self._last_change: tuple[set[Span], set[Span]] = (set(), set())  # spans the last set_spans added, removed
        self._min_score = 0.0
        self._spans: list[Span] = []
        self._index = SpanIndex([])
        self._levels: dict[Span, int] = {}
        self._level_cache = LevelCache()
        self._block_starts: list[int] = [0]
        self._reserved: dict[int, int] | None = None  # levels under the lines given more than the least room
        self._selected: Span | None = None
        self._announced: Span | None = None  # the selection last sent with spanSelected
        self._hit_boxes: list[tuple[QRectF, Span]] = []
        self._press_position: QPoint | None = None
        self._init_selection()
        self.show_scores = False  # prediction chips show their score (a preference)
        self._init_wrapping()
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0) + 1)
        self.setFont(font)

    # ----------------------------------------------------------------- content
    @property
    def text(self) -> str:
        return self._display.text

    @property
    def spans(self) -> list[Span]:
        """The spans currently shown (predictions below the score threshold are hidden)."""
        return list(self._spans)

    def setFont(self, font: QFont) -> None:  # noqa: N802 (Qt's name)
        """Change the text font; chips, bar spacing and levels follow it."""
        super().setFont(font)
        chip_font = QFont(font)
        chip_font.setPointSizeF(font.pointSizeF() * 0.68)
        self._painter = SpanPainter(chip_font)
        self._reserved = None  # a new font makes every level a new height
        self._painter.show_scores = self.show_scores
        self._level_cache.clear()
        self._refresh_shown_spans()
        self._wrapped_at = None  # lines are as wide as the new font makes them
        self._rewrap()

    def level_of(self, span: Span) -> int | None:
        """Drawing level of a shown span (0 is right under the text)."""
        return self._levels.get(span)

    def set_labels(self, labels: LabelSet) -> None:
        self._labels = labels
        self._colors = {label.name: label.color for label in labels}
        self.viewport().update()

    def set_document(self, text: str, spans: Sequence[Span]) -> None:
        """Show a new text (scrolling to the top) and its spans."""
        self._selected = None
        self._level_cache.clear()
        self._show_text(self._wrapped(text), reserve=False)
        self.set_spans(spans)
        self._last_change = (set(), set())  # a new text: nothing was added to or removed from it

    def _show_text(self, display: DisplayText, *, reserve: bool = True) -> None:
        """Give Qt the shown text (one paragraph per visual line) and reserve room under each line."""
        self._display = display
        self.setPlainText(display.shown)
        self._right_to_left = has_right_to_left(display.text)
        if self._right_to_left:
            keep_paragraph_directions(self.document(), display.text, display)
            self.document().setTextWidth(self.wrap_width())  # a line width for right-to-left lines to align to
        self._reserved = None  # a new text: no line has its room yet
        self._block_starts = self._paragraph_starts()
        if reserve:
            self._reserve_room_below_lines()

    def set_spans(self, spans: Sequence[Span]) -> None:
        """Replace the spans of the current text, keeping the selected span if it still exists."""
        previous, self._all_spans = set(self._all_spans), list(spans)
        now = set(self._all_spans)  # once: hashing 10,000 spans is 20 ms
        self._last_change = (now - previous, previous - now)  # added, removed
        self._refresh_shown_spans()

    def set_show_scores(self, show: bool) -> None:
        """Write each prediction's score on its chip (``sym 0.87``)."""
        self.show_scores = self._painter.show_scores = show
        self.viewport().update()

    def set_min_score(self, min_score: float) -> None:
        """Hide predictions scoring below ``min_score``."""
        self._min_score = min_score
        self._refresh_shown_spans()

    def _refresh_shown_spans(self) -> None:
        self._spans = shown_spans(self._all_spans, self._min_score)
        self._levels = self._level_cache.levels(self._spans, _span_end)
        self._index = SpanIndex(self._spans)
        if self._selected is not None and self._selected not in self._levels:
            self._selected = None
        self._announce_selection()
        self._reserve_room_below_lines()
        self.viewport().update()

    # --------------------------------------------------------------- selection
    def selected_span(self) -> Span | None:
        return self._selected

    def select_span(self, span: Span | None) -> None:
        """Select ``span`` (None: no span). A text selection left over is dropped, so that a label key
        relabels the span the status bar names instead of labelling that text, and the caret goes to the
        span's start, so that arrows and Shift+arrows go on from the span the user sees selected."""
        if span is not None and span not in self._levels:
            span = None
        if span is not None and self.textCursor().hasSelection():
            self.clear_text_selection()
        self._selected = span
        self._announce_selection()
        if span is not None:
            self.set_text_selection(span.start, span.start)
            self.ensure_visible(span.start)
        self.viewport().update()

    def _announce_selection(self) -> None:
        """Emit ``spanSelected`` when the selection differs from the one last announced (an edit that
        replaces the selected span, such as a relabel, announces the new span)."""
        if self._selected != self._announced:
            self._announced = self._selected
            self.spanSelected.emit(self._selected)

    def select_neighbour(self, step: int) -> None:
        """Select the next (``step=1``) or previous span in reading order, wrapping around; without a selected
        span, the first one starting at the caret or after it (the last one before it)."""
        ordered = sort_spans(self._spans)
        if not ordered:
            return
        if self._selected in ordered:
            position = ordered.index(self._selected) + step
        else:
            position = bisect.bisect_left([span.start for span in ordered], self.text_selection()[1])
            position -= step < 0
        self.select_span(ordered[position % len(ordered)])

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 (Qt's parameter name)
        """Tab and Shift+Tab move between spans instead of leaving the view."""
        return False

    def ensure_visible(self, index: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._display.to_qt(index))
        rect = self.cursorRect(cursor)
        if not self.viewport().rect().adjusted(0, 0, 0, -40).contains(rect):
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    # ---------------------------------------------------------------- geometry
    def index_at(self, point: QPoint) -> int | None:
        """Code point under viewport ``point`` (the character, not the gap nearest to it)."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        under = position_under(self, point, cursor) if self._right_to_left else None
        if under is not None:
            position = under
        elif position > 0 and self.cursorRect(cursor).x() > point.x():
            position -= 1
        index = self._display.from_qt(position)
        return index if index < len(self.text) else None

    def point_of(self, index: int) -> QPoint:
        """Viewport point in the middle of the character at code point ``index``."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._display.to_qt(index))
        left = self.cursorRect(cursor)
        cursor.setPosition(self._display.to_qt(min(index + 1, len(self.text))))
        right = self.cursorRect(cursor)
        x = (left.x() + right.x()) // 2 if right.y() == left.y() and right.x() > left.x() else left.x() + 3
        return QPoint(x, left.center().y())

    def caret_point(self, index: int) -> QPoint:
        """Viewport point just right of the caret position before code point ``index``."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._display.to_qt(index))
        rect = self.cursorRect(cursor)
        return QPoint(rect.x() + 1, rect.center().y())

    def _visible_lines(self) -> Iterator[tuple[int, int, float, float, object, float]]:
        """(start, end, top, bottom, line, x offset) in code points and viewport pixels per visible line."""
        document = self.document()
        layout = document.documentLayout()
        scroll_x = self.horizontalScrollBar().value()
        scroll_y = self.verticalScrollBar().value()
        height = self.viewport().height()
        block = self.cursorForPosition(QPoint(0, 0)).block()
        block = block.previous() if block.previous().isValid() else block
        while block.isValid():
            origin = layout.blockBoundingRect(block).topLeft()
            if origin.y() - scroll_y > height:
                break
            text_layout = block.layout()
            for number in range(text_layout.lineCount()):
                line = text_layout.lineAt(number)
                top = origin.y() + line.y() - scroll_y
                if top > height or top + line.height() + self._painter.room_below_line(8) < 0:
                    continue
                start = self._display.from_qt(block.position() + line.textStart())
                end = self._display.from_qt(block.position() + line.textStart() + line.textLength())
                bottom = top + line.ascent() + line.descent()
                yield start, end, top, bottom, (line, block.position()), origin.x() - scroll_x
            block = block.next()

    def _pieces(self) -> Iterator[SpanPiece]:
        for start, end, top, bottom, (line, block_position), x_offset in self._visible_lines():
            for span in self._index.overlapping(start, max(end, start + 1)):
                piece_start, piece_end = max(span.start, start), min(span.end, max(end, start + 1))
                ranges = piece_ranges(line, self._display.to_qt(piece_start) - block_position,
                                      self._display.to_qt(piece_end) - block_position,
                                      right_to_left=self._right_to_left)
                for number, (left, right) in enumerate(ranges):
                    yield SpanPiece(span, left + x_offset, right + x_offset, top, bottom, self._levels[span],
                                    span.start >= start and number == 0)

    # ---------------------------------------------------------------- painting
    def paintEvent(self, event) -> None:
        pieces = list(self._pieces())
        self._painter.dark = is_dark()
        self._painter.device_pixel_ratio = self.devicePixelRatioF()
        painter = QPainter(self.viewport())
        painter.setClipRect(event.rect())
        for piece in fill_order(pieces):
            self._painter.fill(painter, piece, self._color(piece.span))
        for piece in overlapped_pieces(pieces):
            self._painter.edge(painter, piece, self._color(piece.span))
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        self._hit_boxes = []
        for piece in sorted(pieces, key=lambda p: p.span == self._selected):
            selected = piece.span == self._selected
            self._painter.bar(painter, piece, self._color(piece.span), selected=selected)
            if selected:
                self._painter.outline(painter, piece, self._color(piece.span))
            self._hit_boxes.append((self._painter.band_rect(piece), piece.span))
            if piece.starts_here:
                self._hit_boxes.append((self._painter.chip_rect(piece), piece.span))
        painter.end()
        if self._hint and not self.text:
            self._paint_hint()

    def _color(self, span: Span) -> QColor:
        return QColor(self._colors.get(span.label, FALLBACK_COLOR))

    # ------------------------------------------------------------------- mouse
    def span_at_bar(self, point: QPoint) -> Span | None:
        """The span whose bar or chip is under ``point`` (the last one drawn wins)."""
        for rect, span in reversed(self._hit_boxes):
            if rect.contains(point.toPointF()):
                return span
        return None

    def spans_at_point(self, point: QPoint) -> list[Span]:
        index = self.index_at(point)
        return [] if index is None else spans_at(self._spans, index)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        on_bar = self.span_at_bar(event.position().toPoint())
        if on_bar is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clear_text_selection()
            self.select_span(on_bar)
            self._press_position = None
            return
        self._press_position = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._press_position = self._press_position, None
        if pressed is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if self.textCursor().hasSelection():
            self._exact_selection = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._show_snapped_selection()
            self.select_span(None)
            return
        self._cycle_selection(self.spans_at_point(event.position().toPoint()))

    def _cycle_selection(self, candidates: list[Span]) -> None:
        """Select the innermost span under the click; clicking again selects the next one outward."""
        if not candidates:
            self.select_span(None)
        elif self._selected in candidates:
            self.select_span(candidates[(candidates.index(self._selected) + 1) % len(candidates)])
        else:
            self.select_span(candidates[0])


def _span_end(span: Span) -> int:
    """The room a span takes on its level: its own text (its chip never reaches past it)."""
    return span.end

