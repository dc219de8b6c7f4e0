"""Tag schemes and token <-> character conversions (``core.tags``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nerdesk.core.errors import SpanError
from nerdesk.core.offsets import tokens_to_text
from nerdesk.core.spans import Span
from nerdesk.core.tags import (
    SCHEMES,
    TokenSpan,
    char_spans_to_tags,
    char_spans_to_token_spans,
    find_token_char_offsets,
    parse_tag,
    split_by_token_boundaries,
    tags_to_char_spans,
    tags_to_token_spans,
    token_spans_to_tags,
)

TEXT, OFFSETS = tokens_to_text(["IL-2", "gene", "expression", "in", "T", "cells"])


def parsed(*tags: str) -> list:
    return [parse_tag(tag) for tag in tags]


def test_each_scheme_writes_its_prefixes():
    spans = [TokenSpan(0, 3, "ORG"), TokenSpan(4, 5, "X")]
    assert token_spans_to_tags(5, spans, "bio") == ["B-ORG", "I-ORG", "I-ORG", "O", "B-X"]
    assert token_spans_to_tags(5, spans, "iob2") == ["B-ORG", "I-ORG", "I-ORG", "O", "B-X"]
    assert token_spans_to_tags(5, spans, "bioes") == ["B-ORG", "I-ORG", "E-ORG", "O", "S-X"]
    assert token_spans_to_tags(5, spans, "bmes") == ["B-ORG", "M-ORG", "E-ORG", "O", "S-X"]


def test_parse_tag_accepts_every_prefix_and_rejects_the_rest():
    assert parse_tag("O") == ("O", None)
    assert parse_tag("B-LOC") == ("B", "LOC") and parse_tag("L_gene") == ("L", "gene")
    assert parse_tag("X-LOC") is None and parse_tag("B-") is None and parse_tag("北京") is None


def test_iob1_and_broken_sequences_are_read_leniently_and_counted():
    spans, irregular = tags_to_token_spans(parsed("I-PER", "I-PER", "O", "B-LOC", "E-LOC", "E-ORG", "M-X"))
    assert spans == [TokenSpan(0, 2, "PER"), TokenSpan(3, 5, "LOC"), TokenSpan(5, 6, "ORG"), TokenSpan(6, 7, "X")]
    assert irregular == 3  # I-PER and M-X without B, E-ORG alone


def test_char_spans_become_token_spans_never_spans_of_tokens():
    gene = Span(0, len("IL-2 gene"), "DNA")
    inside = Span(0, 2, "X")  # ends inside "IL-2"
    aligned, unaligned = split_by_token_boundaries(OFFSETS, [gene, inside])
    assert (aligned, unaligned) == ([gene], [inside])
    assert char_spans_to_token_spans(OFFSETS, aligned) == [TokenSpan(0, 2, "DNA")]
    with pytest.raises(SpanError) as caught:
        char_spans_to_token_spans(OFFSETS, [inside])
    assert caught.value.code == "E021"


def test_find_token_char_offsets_needs_the_tokens_in_order_with_only_whitespace_between():
    assert find_token_char_offsets(" a  bc\n", ["a", "bc"]) == [(1, 2), (4, 6)]
    assert find_token_char_offsets("a x bc", ["a", "bc"]) is None
    assert find_token_char_offsets("a bc", ["bc", "a"]) is None
    assert find_token_char_offsets("a bc", "a bc") is None


@st.composite
def flat_token_spans(draw) -> tuple[int, list[TokenSpan]]:
    count = draw(st.integers(0, 12))
    cuts = sorted(draw(st.sets(st.integers(0, count), max_size=8)))
    spans = [TokenSpan(first, end, draw(st.sampled_from(["A", "B"])))
             for first, end in zip(cuts, cuts[1:], strict=False) if draw(st.booleans())]
    return count, spans


@settings(max_examples=150, deadline=None)
@given(flat_token_spans(), st.sampled_from(SCHEMES), st.sampled_from(["", " ", "  "]))
def test_char_spans_round_trip_through_every_scheme(drawn, scheme, separator):
    count, token_spans = drawn
    text, offsets = tokens_to_text([f"t{i}" for i in range(count)], separator)
    spans = [Span(offsets[first][0], offsets[end - 1][1], label) for first, end, label in token_spans]
    tags = char_spans_to_tags(offsets, spans, scheme)
    assert len(tags) == count
    again, irregular = tags_to_char_spans(offsets, [parse_tag(tag) for tag in tags])
    assert irregular == 0
    assert again == spans  # every span opens with B or S, so touching neighbours stay apart
    assert all(text[s.start:s.end].startswith("t") for s in again)
