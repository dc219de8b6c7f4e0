"""Tag schemes (BIO/IOB2, IOB1, BIOES, BMES, BILOU) and the token <-> character conversions they need.

Modelled on spaCy's ``iob_utils`` (``offsets_to_biluo_tags`` / ``biluo_tags_to_offsets``), with the unit in
every name: ``char`` offsets are code points with exclusive ends (what a ``Span`` holds); ``token``
indexes count the tokens of one sentence, also with exclusive ends. A ``Span`` only ever holds
characters: token ranges are ``TokenSpan`` values.

``token_char_offsets`` is the ``(start_char, end_char)`` of each token in the text, in order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from nerdesk.core.errors import SpanError
from nerdesk.core.spans import Span

# scheme -> prefixes of (a one-token span, the inside of a longer one, its last token); every span opens with B
_PREFIXES = {"bio": ("B", "I", "I"), "iob2": ("B", "I", "I"), "bioes": ("S", "I", "E"), "bmes": ("S", "M", "E")}
SCHEMES = tuple(_PREFIXES)
TAG_PATTERN = re.compile(r"^([BIMESLU])[-_](\S+)$")

ParsedTag = tuple[str, str | None]
"""``(prefix, label)``: ``("O", None)`` outside, else a prefix among B I M E S L U and its label."""


class TokenSpan(NamedTuple):
    """Tokens ``first_token`` up to ``end_token`` (exclusive) of one sentence, labelled ``label``."""

    first_token: int
    end_token: int
    label: str


@functools.lru_cache(maxsize=4096)
def parse_tag(tag: str) -> ParsedTag | None:
    """``"B-LOC"`` -> ``("B", "LOC")``, ``"O"`` -> ``("O", None)``; ``None`` when ``tag`` is not a tag.

    A lower-case ``o`` is outside too: MSRA's character files as many copies have them (``当 o``, ``中 B_ns``).
    """
    if tag in ("O", "o"):
        return "O", None
    match = TAG_PATTERN.match(tag)
    if match is None:
        return None
    return match.group(1), match.group(2)


class _Decoder:
    """Lenient reading of any scheme: an I/M without its B opens a span, an E/L without one stands alone."""

    def __init__(self) -> None:
        self.spans: list[TokenSpan] = []
        self.irregular = 0
        self.open: tuple[int, str] | None = None

    def close(self, end_token: int) -> None:
        if self.open is not None:
            self.spans.append(TokenSpan(self.open[0], end_token, self.open[1]))
            self.open = None

    def step(self, index: int, prefix: str, label: str) -> None:
        continues = self.open is not None and self.open[1] == label
        if prefix == "B":
            self.close(index)
            self.open = (index, label)
        elif prefix in ("S", "U"):
            self.close(index)
            self.spans.append(TokenSpan(index, index + 1, label))
        elif prefix in ("I", "M") and not continues:
            self.close(index)
            self.open = (index, label)
            self.irregular += 1
        elif prefix in ("E", "L") and continues:
            self.close(index + 1)
        elif prefix in ("E", "L"):
            self.close(index)
            self.irregular += 1
            self.spans.append(TokenSpan(index, index + 1, label))


def tags_to_token_spans(tags: Sequence[ParsedTag]) -> tuple[list[TokenSpan], int]:
    """The token spans a tag sequence encodes, and how many did not open regularly (IOB1 or broken tags)."""
    decoder = _Decoder()
    for index, (prefix, label) in enumerate(tags):
        if prefix == "O" or label is None:
            decoder.close(index)
        else:
            decoder.step(index, prefix, label)
    decoder.close(len(tags))
    return decoder.spans, decoder.irregular


def token_spans_to_tags(token_count: int, token_spans: Iterable[TokenSpan], scheme: str) -> list[str]:
    """One tag per token for non-overlapping token spans in ``scheme`` (one of ``SCHEMES``)."""
    if scheme not in SCHEMES:
        raise SpanError(f"unknown tag scheme {scheme!r}; use one of {', '.join(SCHEMES)}", code="E020")
    single, inside, last = _PREFIXES[scheme]
    tags = ["O"] * token_count
    for first, end, label in token_spans:
        if end - first == 1:
            tags[first] = f"{single}-{label}"
            continue
        tags[first] = f"B-{label}"
        for index in range(first + 1, end - 1):
            tags[index] = f"{inside}-{label}"
        tags[end - 1] = f"{last}-{label}"
    return tags


def split_by_token_boundaries(token_char_offsets: Sequence[tuple[int, int]],
                              spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """``(spans that start and end on token boundaries, spans that do not)``, each in the given order."""
    starts = {start for start, _ in token_char_offsets}
    ends = {end for _, end in token_char_offsets}
    aligned: list[Span] = []
    unaligned: list[Span] = []
    for span in spans:
        (aligned if span.start in starts and span.end in ends and span.start < span.end else unaligned).append(span)
    return aligned, unaligned


def char_spans_to_token_spans(token_char_offsets: Sequence[tuple[int, int]],
                              spans: Iterable[Span]) -> list[TokenSpan]:
    """Token spans of character spans that lie on token boundaries (``SpanError`` for one that does not)."""
    first_token = {start: index for index, (start, _) in enumerate(token_char_offsets)}
    last_token = {end: index for index, (_, end) in enumerate(token_char_offsets)}
    token_spans = []
    for span in spans:
        if span.start not in first_token or span.end not in last_token:
            raise SpanError(f"span {span.start}..{span.end} ({span.label}) does not start and end on token "
                            "boundaries; split the spans with split_by_token_boundaries first", code="E021")
        token_spans.append(TokenSpan(first_token[span.start], last_token[span.end] + 1, span.label))
    return token_spans


def token_spans_to_char_spans(token_char_offsets: Sequence[tuple[int, int]],
                              token_spans: Iterable[TokenSpan]) -> list[Span]:
    """Gold character spans from token spans: start of the first token to end of the last."""
    return [Span(token_char_offsets[first][0], token_char_offsets[end - 1][1], label)
            for first, end, label in token_spans]


def char_spans_to_tags(token_char_offsets: Sequence[tuple[int, int]], spans: Iterable[Span],
                       scheme: str) -> list[str]:
    """One tag per token for non-overlapping character spans on token boundaries (``offsets_to_biluo_tags``)."""
    return token_spans_to_tags(len(token_char_offsets), char_spans_to_token_spans(token_char_offsets, spans),
                               scheme)


def tags_to_char_spans(token_char_offsets: Sequence[tuple[int, int]],
                       tags: Sequence[ParsedTag]) -> tuple[list[Span], int]:
    """Character spans of a tag sequence (``biluo_tags_to_offsets``) and how many were read leniently."""
    token_spans, irregular = tags_to_token_spans(tags)
    return token_spans_to_char_spans(token_char_offsets, token_spans), irregular


def find_token_char_offsets(text: str, tokens: object) -> list[tuple[int, int]] | None:
    """Offsets of ``tokens`` found in order in ``text`` with only whitespace between; ``None`` if not."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
        return None
    offsets, position = [], 0
    for token in tokens:
        index = text.find(token, position)
        if index < 0 or text[position:index].strip():
            return None
        offsets.append((index, index + len(token)))
        position = index + len(token)
    return offsets if not text[position:].strip() else None
