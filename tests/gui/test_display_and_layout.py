"""Qt-free parts of the view: the code point <-> Qt position border and the drawing levels."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from nerdesk.core.offsets import graphemes_boundaries
from nerdesk.core.spans import Span
from nerdesk.gui.display_text import DisplayText
from nerdesk.gui.span_layout import LevelCache, SpanIndex, assign_levels

PIECES = st.lists(st.sampled_from(["a", "é", "\r\n", "\n", "\r", "王", "😀", "👩‍🔬", " ", "\u2028"]), max_size=30)


@given(PIECES)
def test_positions_round_trip_at_every_grapheme_boundary(pieces):
    text = "".join(pieces)
    display = DisplayText(text)
    assert display.shown == text.replace("\r\n", "\n")
    assert display.qt_length == len(display.shown.encode("utf-16-le")) // 2
    for index in graphemes_boundaries(text):
        assert display.from_qt(display.to_qt(index)) == index


@given(PIECES, st.sets(st.integers(1, 40), max_size=5))
def test_soft_breaks_add_positions_but_never_code_points(pieces, wanted):
    """Breaks the view inserts to wrap lines itself: every code point still maps there and back."""
    text = "".join(pieces)
    boundaries = graphemes_boundaries(text)
    breaks = sorted(b for b in wanted if b in boundaries and 0 < b < len(text) and text[b - 1:b + 1] != "\r\n")
    display = DisplayText(text, breaks)
    assert display.shown.count("\n") == text.replace("\r\n", "\n").count("\n") + len(breaks)
    assert display.qt_length == len(display.shown.encode("utf-16-le")) // 2
    for index in boundaries:
        assert display.from_qt(display.to_qt(index)) == index
    for position in breaks:  # the break itself maps to the code point after it
        assert display.from_qt(display.to_qt(position) - 1) == position


def test_crlf_and_emoji_map_to_the_right_qt_positions():
    display = DisplayText("a\r\nb😀\r\nc")
    assert [display.to_qt(i) for i in (0, 1, 3, 4, 5, 7)] == [0, 1, 2, 3, 5, 6]
    assert display.from_qt(2) == 3 and display.from_qt(6) == 7



# Jamo of a Hangul syllable (NFD), a Devanagari conjunct, Thai with SARA AM, a ZWJ family, flags, a combining
# accent, a skin tone, a keycap: one cluster each, where a span edge or a nudge must never fall.
CLUSTERS = ["\u1112\u1161\u11ab\u1100\u116e\u11a8", "नमस्ते", "กำ", "क्ष", "👨\u200d👩\u200d👧", "🇫🇷🇩🇪",
            "e\u0301", "a\r\nb", "👍🏽", "1\ufe0f\u20e3"]


def test_grapheme_boundaries_are_where_qt_puts_them():
    from PySide6.QtCore import QTextBoundaryFinder

    for text in CLUSTERS:
        display = DisplayText(text)
        finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, display.shown)
        qt_boundaries, position = [], 0
        while position != -1:
            qt_boundaries.append(position)
            position = finder.toNextBoundary()
        assert [display.to_qt(index) for index in graphemes_boundaries(text)] == qt_boundaries, text

SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15), st.sampled_from("ABC")), max_size=40)


@settings(max_examples=60)
@given(SPANS)
def test_levels_never_overlap_and_inner_spans_sit_lower(raw):
    spans = list({Span(start, start + length, label) for start, length, label in raw})
    levels = assign_levels(spans)
    for first in spans:
        for second in spans:
            if first is not second and first.overlaps(second):
                assert levels[first] != levels[second]
            if first.covers_range(second) and len(second) < len(first):
                assert levels[second] < levels[first]  # every level below the inner one is blocked for the outer
    index = SpanIndex(spans)
    for start in range(0, 80, 7):
        expected = {s for s in spans if s.start < start + 9 and start < s.end}
        assert set(index.overlapping(start, start + 9)) == expected


@settings(max_examples=60)
@given(SPANS, st.lists(st.tuples(st.booleans(), st.integers(0, 60), st.integers(1, 15), st.sampled_from("ABC")),
                       max_size=12))
def test_levels_reused_across_edits_equal_levels_placed_afresh(raw, edits):
    """The cache places only the groups an edit touched; the result is always what a full placement gives."""
    spans = {Span(start, start + length, label) for start, length, label in raw}
    cache = LevelCache()

    def reach(span: Span) -> int:
        return span.start + 3  # a chip three characters wide
    assert cache.levels(spans, reach) == assign_levels(spans, reach)
    for add, start, length, label in edits:
        span = Span(start, start + length, label)
        spans = spans | {span} if add else spans - {span} - {next(iter(spans), span)}
        levels = cache.levels(spans, reach)
        assert levels == assign_levels(spans, reach)
        for start, end, depth, _members in cache.stacks():  # each group's bars need exactly its deepest level
            assert depth == 1 + max(level for span, level in levels.items() if start <= span.start < end)


def test_placing_everything_again_keeps_the_depth_of_a_group_that_did_not_change():
    # Accept all on a long document changed more than FULL_PLACEMENT_ABOVE spans: the untouched gold span's group,
    # placed again as the same tuple, lost its depth and every later edit raised KeyError in stacks().
    def reach(span: Span) -> int:
        return span.end
    kept = Span(0, 4, "PER")
    predictions = {Span(10 * n, 10 * n + 4, "ORG", "pred") for n in range(1, LevelCache.FULL_PLACEMENT_ABOVE + 2)}
    cache = LevelCache()
    cache.levels({kept} | predictions, reach)
    accepted = {Span(s.start, s.end, s.label) for s in predictions}
    cache.levels({kept} | accepted, reach)
    assert [depth for _start, _end, depth, _members in cache.stacks()] == [1] * (len(accepted) + 1)


def test_nested_spans_stack_outward():
    outer, middle, inner = Span(0, 10, "A"), Span(0, 6, "B"), Span(2, 4, "C")
    assert assign_levels([outer, middle, inner]) == {inner: 0, middle: 1, outer: 2}


def test_void_qt_calls_keep_none_reference_count():
    """PySide6 6.12.0 released a reference to None on every void call (fatal on Python 3.11); it is excluded."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(10_000):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) >= before - 100 or sys.version_info >= (3, 12)


def test_every_label_colour_reads_as_prediction_chip_text_on_either_page(qapp):
    # The 7th colour's chip text was #b9af33 on white (2.3:1), the 12th 2.7:1: unreadable dashed chips.
    from PySide6.QtGui import QColor, QFont

    from nerdesk.core.labels import label_color
    from nerdesk.gui.span_painter import TEXT_CONTRAST, SpanPainter, contrast_ratio

    painter = SpanPainter(QFont())
    for dark, page in ((False, "#ffffff"), (True, "#1a1d21")):
        painter.dark = dark
        for colour in map(label_color, range(60)):  # the palette's 14 and the generated ones after them
            assert contrast_ratio(painter._readable(QColor(colour)), QColor(page)) >= TEXT_CONTRAST, (colour, dark)
