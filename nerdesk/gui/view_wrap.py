"""The annotation view wraps its text itself, so that every visual line is a paragraph of its own.

Qt reserves extra room below lines per paragraph (the block format's line height); the view needs
room for the stack of span bars under each *visual* line, which differs from line to line. So the
view asks Qt's own line breaker (``QTextLayout``, the one ``QTextEdit`` would use) where each line
of a paragraph starts, and shows a break there (``DisplayText``'s soft breaks). Those breaks belong
to no code point: positions, selections and copied text are still the document's own.
A mixin of ``AnnotationView``; the text is wrapped again when the view's width or font changes.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtCore import QMimeData, QPoint, QTimer
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCursor, QTextLayout, QTextOption
from PySide6.QtWidgets import QTextEdit

from nerdesk.core.offsets import Utf16Map
from nerdesk.gui.display_text import DisplayText

MIN_RESERVED_LEVELS = 1
NO_BREAK_AFTER = "\u2028"  # Qt breaks the line there itself, inside its paragraph
PARAGRAPH = re.compile(r"([^\n]*?)(?:\r\n|\n|\Z)")


def visual_line_starts(text: str, font: QFont, width: float) -> list[int]:
    """Code points where a wrapped line starts (after the first line of each paragraph) at ``width``."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    starts: list[int] = []
    paragraph_start = 0
    for match in PARAGRAPH.finditer(text):  # the paragraphs Qt shows: "\r\n" and "\n" end one
        paragraph = match.group(1)
        if paragraph:
            units = None if paragraph.isascii() else Utf16Map(paragraph)  # Qt's positions are UTF-16 units
            layout = QTextLayout(paragraph, font)
            layout.setTextOption(option)
            layout.beginLayout()
            while (line := layout.createLine()).isValid():
                line.setLineWidth(width)
                if (unit := line.textStart()) > 0:
                    starts.append(paragraph_start + (unit if units is None else units.from_utf16(unit, strict=False)))
            layout.endLayout()
        paragraph_start = match.end()
    return [start for start in starts if text[start - 1] != NO_BREAK_AFTER]


class RecentWraps:
    """``visual_line_starts`` of the last few texts wrapped: Qt lays out about a megabyte of text a second, and
    going back to a long document (to the next one and back) wraps it again at the same width and font."""

    KEPT = 4

    def __init__(self) -> None:
        self._starts: dict[tuple[str, str, float], list[int]] = {}  # oldest first

    def starts(self, text: str, font: QFont, width: float) -> list[int]:
        key = (text, font.key(), width)
        starts = self._starts.pop(key, None)
        if starts is None:
            starts = visual_line_starts(text, font, width)
        self._starts[key] = starts
        while len(self._starts) > self.KEPT:
            del self._starts[next(iter(self._starts))]
        return starts


_recent_wraps = RecentWraps()


class SelfWrapping:
    """Wrapping by the view (``QTextEdit`` itself does not wrap: ``NoWrap``)."""

    WRAP_SLACK = 6  # pixels kept free at the right, so a wrapped line never needs a horizontal scroll
    REWRAP_DELAY_MS = 80

    def _init_wrapping(self) -> None:
        self.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        self._wrapped_at: int | None = None
        self._rewrap_timer = QTimer(self, singleShot=True, interval=self.REWRAP_DELAY_MS, timeout=self._rewrap)

    def wrap_width(self) -> int:
        """Room for text on a line: the widget's width less frame, scroll bar and margins (whether
        the scroll bar shows or not, so showing it never makes the text wrap again)."""
        margins = 2 * self.frameWidth() + 2 * self.document().documentMargin()
        return int(self.width() - margins - self.verticalScrollBar().sizeHint().width() - self.WRAP_SLACK)

    def _wrapped(self, text: str) -> DisplayText:
        self._wrapped_at = self.wrap_width()
        if self._wrapped_at < 40 or not text:
            return DisplayText(text)
        return DisplayText(text, _recent_wraps.starts(text, self.font(), self._wrapped_at))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.wrap_width() != self._wrapped_at:
            self._rewrap_timer.start()

    def _rewrap(self) -> None:
        """Wrap at the current width, keeping the first visible character at the top, the caret and the selection
        (its direction too: Shift+arrows go on from the caret)."""
        if self.wrap_width() == self._wrapped_at or not self.text:
            return
        top = self.index_at(QPoint(4, 4))
        anchor, position = self.text_selection()
        self._show_text(self._wrapped(self.text))
        self.set_text_selection(anchor, position)
        if top is not None:
            anchor = QTextCursor(self.document())
            anchor.setPosition(self._display.to_qt(top))
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self.cursorRect(anchor).top() - 4)
        self.viewport().update()

    def _paragraph_starts(self) -> list[int]:
        """Code point where each paragraph (text block) starts, to find a span's blocks without Qt."""
        starts = []
        block = self.document().begin()
        while block.isValid():
            starts.append(self._display.from_qt(block.position()))
            block = block.next()
        return starts

    def _reserve_room_below_lines(self) -> None:
        """Give each visual line (a paragraph of the shown text) room for the deepest stack of bars under it.

        Only the lines that need more than the least room are worked out and compared with the last time:
        going over every line after each edit took a tenth of a second in a text of 143,000 lines."""
        document = self.document()
        starts = self._block_starts
        deeper: dict[int, int] = {}  # line number -> levels, for the lines that need more than the least
        for start, end, depth, members in self._level_cache.stacks():
            if depth <= MIN_RESERVED_LEVELS:
                continue
            first = bisect.bisect_right(starts, start) - 1
            if bisect.bisect_right(starts, end - 1) - 1 == first:  # the whole group lies on one line
                deeper[first] = max(deeper.get(first, MIN_RESERVED_LEVELS), depth)
                continue
            for span in members:  # a group over several lines: each line gets the levels crossing it
                for number in range(bisect.bisect_right(starts, span.start) - 1,
                                    bisect.bisect_right(starts, span.end - 1)):
                    deeper[number] = max(deeper.get(number, MIN_RESERVED_LEVELS), self._levels[span] + 1)
        reserved = self._reserved
        changed = sorted(deeper) if reserved is None else sorted(
            number for number in deeper.keys() | reserved.keys()
            if deeper.get(number, MIN_RESERVED_LEVELS) != reserved.get(number, MIN_RESERVED_LEVELS))
        self._reserved = deeper
        if not changed and reserved is not None:
            return
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        if reserved is None:  # a new text: every line gets the least room at once (a line at a time: seconds)
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.mergeBlockFormat(self._room_below(MIN_RESERVED_LEVELS))
        for number in changed:  # only the lines whose stack changed: an edit touches one or two
            cursor.setPosition(document.findBlockByNumber(number).position())
            cursor.mergeBlockFormat(self._room_below(deeper.get(number, MIN_RESERVED_LEVELS)))
        cursor.endEditBlock()

    def _room_below(self, levels: int) -> QTextBlockFormat:
        """A block format that only sets the room under a line for ``levels`` levels of bars (merged into the
        line's own format, which keeps its direction)."""
        room = QTextBlockFormat()
        room.setLineHeight(self._painter.room_below_line(levels), QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value)
        return room

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt's name)
        """Copy the document's own characters: no soft breaks, ``\\r\\n`` kept."""
        cursor = self.textCursor()
        data = QMimeData()
        data.setText(self.text[self._display.from_qt(cursor.selectionStart()):
                               self._display.from_qt(cursor.selectionEnd())])
        return data
