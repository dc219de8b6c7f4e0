"""The offset border: code points <-> UTF-16, inclusive <-> exclusive, tokens <-> chars, graphemes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nerdesk.core.errors import SpanError
from nerdesk.core.offsets import (
    Utf16Map,
    char_to_token_span,
    exclusive_to_inclusive,
    graphemes_boundaries,
    inclusive_to_exclusive,
    snap_to_graphemes,
    token_to_char_span,
    tokens_to_text,
    utf16_len,
)

FAMILY = "\U0001F469\u200D\U0001F469\u200D\U0001F467"  # woman, ZWJ, woman, ZWJ, girl: 5 code points, 8 UTF-16 units
TEXT = f"北京大学{FAMILY}位于\r\n海淀区 😀 ok"

text_strategy = st.text(
    alphabet=st.sampled_from(list("ab 北京上海\r\n") + ["😀", "\u200D", "\U0001F469", "\uFE0F", "\u0301"]),
    max_size=40,
)


def test_utf16_offsets_count_surrogate_pairs():
    mapping = Utf16Map(TEXT)
    family_start = TEXT.index(FAMILY)
    assert mapping.to_utf16(family_start) == family_start
    assert mapping.to_utf16(family_start + len(FAMILY)) == family_start + 8
    assert mapping.utf16_length == utf16_len(TEXT) == len(TEXT) + 4
    emoji = TEXT.index("😀")
    assert mapping.from_utf16(mapping.to_utf16(emoji) + 2) == emoji + 1


def test_offset_inside_surrogate_pair_is_an_error_unless_lenient():
    mapping = Utf16Map("a😀b")
    with pytest.raises(SpanError) as caught:
        mapping.from_utf16(2)
    assert caught.value.code == "E007"
    assert mapping.from_utf16(2, strict=False) == 1


def test_out_of_range_offsets_raise_span_error():
    mapping = Utf16Map("abc")
    with pytest.raises(SpanError):
        mapping.to_utf16(4)
    with pytest.raises(SpanError):
        mapping.from_utf16(-1)


@given(text_strategy)
def test_utf16_round_trip_for_every_code_point(text):
    mapping = Utf16Map(text)
    for index in range(len(text) + 1):
        unit = mapping.to_utf16(index)
        assert mapping.from_utf16(unit) == index
        assert unit == len(text[:index].encode("utf-16-le")) // 2


def test_inclusive_exclusive_are_inverse():
    assert inclusive_to_exclusive(3, 5) == (3, 6)
    assert exclusive_to_inclusive(*inclusive_to_exclusive(3, 5)) == (3, 5)


def test_token_char_mapping_skips_special_tokens_and_rejects_misaligned_spans():
    text, offsets = tokens_to_text(["IL-2", "gene", "expression"])
    assert text == "IL-2 gene expression"
    with_specials = [(0, 0), *offsets, (0, 0)]
    assert char_to_token_span(with_specials, 0, 9) == (1, 2)
    assert token_to_char_span(with_specials, 1, 2) == (0, 9)
    assert char_to_token_span(with_specials, 0, 3) is None  # ends inside "IL-2"


def test_grapheme_boundaries_keep_zwj_sequences_emoji_and_crlf_whole():
    boundaries = graphemes_boundaries(TEXT)
    family_start = TEXT.index(FAMILY)
    assert family_start in boundaries and family_start + len(FAMILY) in boundaries
    assert all(b not in boundaries for b in range(family_start + 1, family_start + len(FAMILY)))
    crlf = TEXT.index("\r\n")
    assert crlf + 1 not in boundaries
    assert snap_to_graphemes(TEXT, family_start + 2, family_start + 3) == (family_start, family_start + len(FAMILY))
    assert snap_to_graphemes("e\u0301x", 1, 2) == (0, 2)


@given(text_strategy, st.integers(0, 40), st.integers(0, 40))
def test_snapping_only_widens_to_boundaries(text, a, b):
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    snapped = snap_to_graphemes(text, start, end)
    boundaries = set(graphemes_boundaries(text))
    assert snapped[0] <= start and snapped[1] >= end
    assert snapped[0] in boundaries and snapped[1] in boundaries


def test_a_long_text_without_characters_outside_the_bmp_keeps_no_table_of_offsets():
    """The table of UTF-16 starts took 40 MB and half a second for a 1,000,000-character text, which the
    annotation window built for every document it opened, though the offsets are equal."""
    import tracemalloc

    text = "病人咳嗽三天。\n" * 125_000
    tracemalloc.start()
    mapping = Utf16Map(text)
    kept, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert kept < 1_000_000
    assert (mapping.utf16_length, mapping.to_utf16(999_999), mapping.from_utf16(999_999)) == (10**6, 999_999, 999_999)
    astral = Utf16Map(text[:10] + "😀" + text[10:20])
    assert (astral.utf16_length, astral.to_utf16(11), astral.from_utf16(12)) == (22, 12, 11)
