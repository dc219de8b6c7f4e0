"""Right-to-left text (Hebrew, Arabic) in the annotation view.

Two things differ from left-to-right text. On a line that mixes directions, a span's characters are not
between the x of its start and the x of its end (the logical start of a Hebrew word is at its right), so
their places come from the glyphs Qt laid out for them. And each visual line is a paragraph of its own
(``view_wrap``): Qt would give a line that happens to begin with a Hebrew word a right-to-left direction
of its own, so every line takes the direction of the paragraph it was cut from (its first strong
character, as in UAX #9).
"""

from __future__ import annotations

import bisect
import unicodedata

import regex
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument, QTextLine
from PySide6.QtWidgets import QTextEdit

from nerdesk.gui.display_text import DisplayText

RIGHT_TO_LEFT = regex.compile(r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}]")
HARD_BREAKS = regex.compile(r"\r\n|[\n\r\u2029]")
GAP = 0.5  # pixels between glyph runs that still make one piece


def has_right_to_left(text: str) -> bool:
    return RIGHT_TO_LEFT.search(text) is not None


def piece_ranges(line: QTextLine, start: int, end: int, *, right_to_left: bool) -> list[tuple[float, float]]:
    """Left and right x of the characters ``[start, end)`` (positions in the line's block) on ``line``, one
    pair per stretch of the screen they cover; at least 4 pixels wide. Between the x of the start and the
    end when the text has no right-to-left character, from the glyphs otherwise."""
    line_end = line.textStart() + line.textLength()  # a soft break's position lies past it
    ranges = x_ranges(line, start, min(end, line_end)) if right_to_left and start < end else []
    if not ranges:
        ranges = [(_x_of(line, start), _x_of(line, min(end, line_end)))]
    return [(left, right if right > left else left + 4) for left, right in ranges]


def _x_of(line: QTextLine, position: int) -> float:
    result = line.cursorToX(position)
    return float(result[0] if isinstance(result, tuple) else result)


def x_ranges(line: QTextLine, start: int, end: int) -> list[tuple[float, float]]:
    """Left and right x of the characters ``[start, end)`` (positions in the line's block) on ``line``,
    one pair per stretch of the screen they cover, left to right."""
    ranges = []
    for run in line.glyphRuns(start, end - start):
        advances = run.rawFont().advancesForGlyphIndexes(run.glyphIndexes())
        edges = [(position.x(), position.x() + advance.x()) for position, advance in zip(run.positions(), advances,
                                                                                         strict=True)]
        if edges:
            ranges.append((min(left for left, _ in edges), max(right for _, right in edges)))
    merged: list[tuple[float, float]] = []
    for left, right in sorted(ranges):
        if merged and left <= merged[-1][1] + GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], right))
        else:
            merged.append((left, right))
    return merged


def paragraph_direction(paragraph: str) -> Qt.LayoutDirection:
    """The direction of the first strongly directional character; left to right when there is none."""
    for character in paragraph:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            break
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def keep_paragraph_directions(document: QTextDocument, text: str, display: DisplayText) -> None:
    """Give each block (a visual line) the direction of the paragraph of ``text`` it was cut from."""
    paragraph_starts = [0, *(match.end() for match in HARD_BREAKS.finditer(text))]
    directions: dict[int, Qt.LayoutDirection] = {}
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    block = document.begin()
    while block.isValid():
        number = bisect.bisect_right(paragraph_starts, display.from_qt(block.position())) - 1
        if number not in directions:
            end = paragraph_starts[number + 1] if number + 1 < len(paragraph_starts) else len(text)
            directions[number] = paragraph_direction(text[paragraph_starts[number]:end])
        block_format = QTextBlockFormat(block.blockFormat())
        block_format.setLayoutDirection(directions[number])
        cursor.setPosition(block.position())
        cursor.setBlockFormat(block_format)
        block = block.next()
    cursor.endEditBlock()


def position_under(view: QTextEdit, point: QPoint, cursor: QTextCursor) -> int | None:
    """The Qt position of the character under viewport ``point``: the one after or before ``cursor`` (the
    gap Qt found nearest to the point) whose glyphs lie under it; None when neither does."""
    block = cursor.block()
    layout = block.layout()
    line = layout.lineForTextPosition(cursor.positionInBlock())
    before = QTextCursor(cursor)
    before.movePosition(QTextCursor.MoveOperation.PreviousCharacter)
    after = QTextCursor(cursor)
    after.movePosition(QTextCursor.MoveOperation.NextCharacter)
    left_edge = view.document().documentLayout().blockBoundingRect(block).left() - view.horizontalScrollBar().value()
    for start, end in ((cursor.position(), after.position()), (before.position(), cursor.position())):
        if start >= end or not block.contains(start):
            continue
        in_block = start - block.position()
        if layout.lineForTextPosition(in_block).lineNumber() != line.lineNumber():
            continue
        if any(left + left_edge <= point.x() < right + left_edge
               for left, right in x_ranges(line, in_block, end - block.position())):
            return start
    return None
