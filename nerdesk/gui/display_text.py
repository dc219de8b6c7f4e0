"""How a document's text is shown in Qt, and the one border where offsets change units.

``QTextEdit.setPlainText`` turns ``\\r\\n`` into a single paragraph break, and Qt counts UTF-16
units while nerdesk counts code points. ``DisplayText`` builds the text Qt will really hold (each
``\\r\\n`` shown as one break, every other character unchanged) and converts positions both ways:
code points are first shifted past the dropped ``\\r`` characters, then converted to UTF-16 by
``core.offsets.Utf16Map``. No other module in the GUI converts offsets.
"""

from __future__ import annotations

import bisect

from nerdesk.core.offsets import Utf16Map


class DisplayText:
    """A text as Qt shows it, with exact conversions between Qt positions and code points."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.shown = text.replace("\r\n", "\n")
        # Code-point index, in the shown text, of the "\n" left over from each "\r\n".
        self._merged_breaks = self._merged_break_positions(text)
        self._utf16 = Utf16Map(self.shown)

    @staticmethod
    def _merged_break_positions(text: str) -> list[int]:
        positions = []
        search_from = 0
        while (found := text.find("\r\n", search_from)) >= 0:
            positions.append(found - len(positions))
            search_from = found + 2
        return positions

    @property
    def qt_length(self) -> int:
        return self._utf16.utf16_length

    def to_qt(self, index: int) -> int:
        """Qt position of code point ``index`` (a ``\\r\\n`` pair starts and ends where its break does)."""
        shown_index = index - self._dropped_before(index)
        return self._utf16.to_utf16(shown_index)

    def _dropped_before(self, index: int) -> int:
        """How many "\\r" of "\\r\\n" pairs lie at code points < ``index`` of the original text."""
        # The k-th dropped "\r" sits at original index merged_breaks[k] + k.
        low, high = 0, len(self._merged_breaks)
        while low < high:
            middle = (low + high) // 2
            if self._merged_breaks[middle] + middle < index:
                low = middle + 1
            else:
                high = middle
        return low

    def from_qt(self, position: int) -> int:
        """Code point at Qt position ``position``; the break of a ``\\r\\n`` maps to its ``\\r``."""
        shown_index = self._utf16.from_utf16(position, strict=False)
        return shown_index + bisect.bisect_left(self._merged_breaks, shown_index)
