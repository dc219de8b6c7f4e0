"""How a document's text is shown in Qt, and the one border where offsets change units.

``QTextEdit.setPlainText`` turns ``\\r\\n`` into a single paragraph break, and Qt counts UTF-16
units while nerdesk counts code points. ``DisplayText`` builds the text Qt will really hold (each
``\\r\\n`` shown as one break, every other character unchanged, plus a break before each visual line
the view wrapped itself, so that every visual line is its own paragraph) and converts positions both
ways: code points are first shifted past the dropped ``\\r`` characters and the added breaks, then
converted to UTF-16 by ``core.offsets.Utf16Map``. No other module in the GUI converts offsets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from nerdesk.core.offsets import Utf16Map

CRLF = re.compile("\r\n")


class DisplayText:
    """A text as Qt shows it, with exact conversions between Qt positions and code points."""

    def __init__(self, text: str, soft_breaks: Sequence[int] = ()) -> None:
        """``soft_breaks``: code points (sorted, inside the text, never inside a ``\\r\\n``) that start a
        visual line; a break is shown before each of them, which belongs to no code point."""
        self.text = text
        self.soft_breaks = list(soft_breaks)
        pieces = [text[start:end] for start, end in zip([0, *self.soft_breaks], [*self.soft_breaks, len(text)],
                                                         strict=True)]
        self.shown = "\n".join(piece.replace("\r\n", "\n") for piece in pieces)
        # Code point of the "\r" of each "\r\n" (dropped from the shown text), and the index, in the text
        # without them, of the "\n" left over from each pair.
        self._dropped = [match.start() for match in CRLF.finditer(text)]
        self._merged_breaks = [position - before for before, position in enumerate(self._dropped)]
        # Index, in the shown text, of each soft break.
        self._shown_soft = [b - self._dropped_before(b) + k for k, b in enumerate(self.soft_breaks)]
        self._utf16 = Utf16Map(self.shown)

    @property
    def qt_length(self) -> int:
        return self._utf16.utf16_length

    def to_qt(self, index: int) -> int:
        """Qt position of code point ``index`` (a ``\\r\\n`` pair starts and ends where its break does; at a
        soft break, the start of the visual line after it)."""
        shown_index = index - self._dropped_before(index) + bisect.bisect_right(self.soft_breaks, index)
        return self._utf16.to_utf16(shown_index)

    def _dropped_before(self, index: int) -> int:
        """How many "\\r" of "\\r\\n" pairs lie at code points < ``index`` of the original text."""
        return bisect.bisect_left(self._dropped, index)

    def from_qt(self, position: int) -> int:
        """Code point at Qt position ``position``; the break of a ``\\r\\n`` maps to its ``\\r``, a soft break
        to the code point after it."""
        shown_index = self._utf16.from_utf16(position, strict=False)
        merged_index = shown_index - bisect.bisect_left(self._shown_soft, shown_index)
        return merged_index + bisect.bisect_left(self._merged_breaks, merged_index)
