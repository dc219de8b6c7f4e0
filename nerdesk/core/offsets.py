"""The one place where offsets change units.

Inside nerdesk an offset is a Python code-point index and ends are exclusive. Borders convert once:
Qt and doccano count UTF-16 code units (an emoji outside the BMP is two), CLUENER and CMeEE use
inclusive ends, CoNLL-style files and tokenizers count tokens.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

import regex

from nerdesk.core.errors import SpanError

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # characters that take two UTF-16 units


class Utf16Map:
    """Converts between code-point and UTF-16 offsets of one text in O(log n).

    Only the characters outside the BMP (two UTF-16 units each: emoji, rare ideographs) are recorded, found
    by a regular expression: a table of every character's offset, built by a Python loop, took seconds for
    a text of megabytes, and some 70 MB of memory for a 2 MB one.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]  # code points of two units
        self._astral_units = [index + before for before, index in enumerate(self._astral)]  # their UTF-16 offsets
        self._utf16_length = len(text) + len(self._astral)
        self.ascii_like = not self._astral  # no character outside the BMP: the offsets agree

    @property
    def utf16_length(self) -> int:
        return self._utf16_length

    def to_utf16(self, index: int) -> int:
        if not 0 <= index <= len(self.text):
            raise SpanError(f"code-point offset {index} is outside the text of length {len(self.text)}", code="E006")
        return index if self.ascii_like else index + bisect.bisect_left(self._astral, index)

    def from_utf16(self, unit: int, *, strict: bool = True) -> int:
        """Code point at UTF-16 offset ``unit``. Inside a surrogate pair: error if strict, else round down."""
        if not 0 <= unit <= self.utf16_length:
            raise SpanError(f"UTF-16 offset {unit} is outside the text of {self.utf16_length} units", code="E006")
        if self.ascii_like:
            return unit
        started = bisect.bisect_right(self._astral_units, unit - 1)  # two-unit characters starting before ``unit``
        if strict and started and self._astral_units[started - 1] == unit - 1:
            raise SpanError(f"UTF-16 offset {unit} falls inside a surrogate pair", code="E007")
        return unit - started  # inside a pair: the code point of the pair


class GraphemeMap:
    """Converts between code-point offsets and grapheme-cluster offsets (a user-perceived character counts
    one: an emoji ZWJ sequence, a letter with its combining marks, ``\r\n``), as doccano counts in a project
    set to "Count grapheme clusters as one character"."""

    def __init__(self, text: str, boundaries: Callable[[str], list[int]] | None = None) -> None:
        """``boundaries`` finds the clusters (default: ``graphemes_boundaries``, today's Unicode rules)."""
        self.text = text
        simple = text.isascii() and "\r\n" not in text  # every character is a cluster of its own
        self._starts = list(range(len(text) + 1)) if simple else (boundaries or graphemes_boundaries)(text)

    @property
    def length(self) -> int:
        return len(self._starts) - 1

    def is_boundary(self, index: int) -> bool:
        position = bisect.bisect_left(self._starts, index)
        return position < len(self._starts) and self._starts[position] == index

    def widen(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` widened to whole clusters."""
        return (self._starts[bisect.bisect_right(self._starts, start) - 1],
                self._starts[min(bisect.bisect_left(self._starts, end), self.length)])

    def to_graphemes(self, index: int) -> int:
        """The grapheme offset of code point ``index``, which must not be inside a cluster."""
        if not 0 <= index <= len(self.text):
            raise SpanError(f"code-point offset {index} is outside the text of length {len(self.text)}", code="E006")
        position = bisect.bisect_left(self._starts, index)
        if self._starts[position] != index:
            raise SpanError(f"code-point offset {index} falls inside a grapheme cluster", code="E007")
        return position

    def from_graphemes(self, unit: int) -> int:
        if not 0 <= unit <= self.length:
            raise SpanError(f"grapheme offset {unit} is outside the text of {self.length} grapheme clusters",
                            code="E006")
        return self._starts[unit]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_utf16(text: str, index: int) -> int:
    return Utf16Map(text).to_utf16(index)


def from_utf16(text: str, unit: int) -> int:
    return Utf16Map(text).from_utf16(unit)


def inclusive_to_exclusive(start: int, end_inclusive: int) -> tuple[int, int]:
    return start, end_inclusive + 1


def exclusive_to_inclusive(start: int, end: int) -> tuple[int, int]:
    return start, end - 1


def char_to_token_span(
    token_offsets: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int] | None:
    """Map a character span to an inclusive ``(first_token, last_token)`` pair.

    ``token_offsets`` are ``(char_start, char_end)`` per token, with ``(0, 0)`` for special tokens.
    Returns ``None`` when the span's boundaries do not coincide with token boundaries.
    """
    first = last = None
    for index, (tok_start, tok_end) in enumerate(token_offsets):
        if tok_start == tok_end:
            continue
        if tok_start == start and first is None:
            first = index
        if tok_end == end:
            last = index
    if first is None or last is None or last < first:
        return None
    return first, last


def token_to_char_span(
    token_offsets: Sequence[tuple[int, int]], first_token: int, last_token: int
) -> tuple[int, int]:
    """Inclusive token range -> exclusive character range."""
    return token_offsets[first_token][0], token_offsets[last_token][1]


def tokens_to_text(tokens: Sequence[str], separator: str = " ") -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into a text and return each token's ``(start, end)`` code-point offsets."""
    offsets = []
    position = 0
    for index, token in enumerate(tokens):
        if index:
            position += len(separator)
        offsets.append((position, position + len(token)))
        position += len(token)
    return separator.join(tokens), offsets


GRAPHEME = regex.compile(r"\X")


def graphemes_boundaries(text: str) -> list[int]:
    """Code-point offsets where a user-perceived character starts or ends: the extended grapheme clusters
    of Unicode's UAX #29, as the ``regex`` module finds them (``\\X``). Combining marks, ZWJ sequences,
    flags, ``\\r\\n``, Hangul syllables written as jamo and Indic conjuncts each stay in one piece, where
    Qt's cursor keeps them too."""
    return [0, *(match.end() for match in GRAPHEME.finditer(text))]


def _never_joins(character: str) -> bool:
    """Printable ASCII and CJK ideographs: no grapheme rule joins two of them (neither is Extend, ZWJ,
    SpacingMark, Prepend, Hangul, a regional indicator or pictographic)."""
    return "\x20" <= character <= "\x7e" or "\u4e00" <= character <= "\u9fff"


def _surely_a_boundary(text: str, position: int) -> bool:
    """Whether a grapheme cluster surely ends at ``position``, without segmenting what comes before: the
    text's ends, after a line feed (UAX #29 GB4), between two characters that never join."""
    return (position in (0, len(text)) or text[position - 1] == "\n"
            or (_never_joins(text[position - 1]) and _never_joins(text[position])))


def snap_to_graphemes(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it neither starts nor ends inside a grapheme cluster.

    Only the stretch between the nearest sure boundaries around the range is segmented: segmenting a 2 MB
    text took seconds for every selection."""
    first = max(min(start, len(text)), 0)
    while not _surely_a_boundary(text, first):
        first -= 1
    last = min(max(end, first), len(text))
    while not _surely_a_boundary(text, last):
        last += 1
    boundaries = [first + boundary for boundary in graphemes_boundaries(text[first:last])]
    start_index = bisect.bisect_right(boundaries, start) - 1
    end_index = bisect.bisect_left(boundaries, end)
    return boundaries[max(start_index, 0)], boundaries[min(end_index, len(boundaries) - 1)]
