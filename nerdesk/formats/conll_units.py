"""The units a document is written in by the CoNLL writer and the other token-level writers (W2NER, DyGIE++,
SpERT, DocBin): its characters, or its tokens (the stored ``meta["tokens"]`` when they match its text, else
whitespace tokens) cut where a span starts or ends inside one; and the level that spoils fewer spans.
"""

from __future__ import annotations

import bisect
import re

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.core.tags import find_token_char_offsets, split_by_token_boundaries
from nerdesk.formats.conll_read import words_to_text


def word_units(doc: Document, level: str, spans: list[Span]) -> tuple[list[tuple[int, int]], bool, int]:
    """Character or token ``(start, end)`` units of a document, whether they are its stored tokens, and
    how many more tokens cutting words at span boundaries made.

    A word a span starts or ends inside is cut there ("York." of a span "New York" becomes "York" and "."),
    so that token level keeps the span instead of forcing character rows on a text with spaces; a word is
    not cut inside another span (that span's mention would change), and the span is dropped as before.
    """
    if level == "char":
        return [(i, i + 1) for i, ch in enumerate(doc.text) if not ch.isspace()], False, 0
    tokens = doc.meta.get("tokens")
    stored = find_token_char_offsets(doc.text, tokens) if isinstance(tokens, list) and not any(
        not isinstance(t, str) or re.search(r"\s", t) for t in tokens) else None
    units = stored or [(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)]
    pieces = cut_at(units, _word_cuts(spans))
    return pieces, bool(stored), len(pieces) - len(units)


def cut_at(units: list[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    """``units`` with each one that a cut falls inside split in two there."""
    ordered = sorted(cuts)
    pieces: list[tuple[int, int]] = []
    for start, end in units:
        inner = ordered[bisect.bisect_right(ordered, start):bisect.bisect_left(ordered, end)]
        bounds = [start, *inner, end]
        pieces.extend(zip(bounds, bounds[1:], strict=False))
    return pieces


def _word_cuts(spans: list[Span]) -> set[int]:
    """The span boundaries a word may be cut at: those strictly inside no span."""
    interiors = _union_of_interiors(spans)
    starts = [start for start, _ in interiors]
    cuts = set()
    for offset in {offset for span in spans for offset in (span.start, span.end)}:
        before = bisect.bisect_left(starts, offset) - 1  # the last interior that starts before the offset
        if before < 0 or interiors[before][1] <= offset:
            cuts.add(offset)
    return cuts


def _union_of_interiors(spans: list[Span]) -> list[tuple[int, int]]:
    """The open intervals ``(start, end)`` of the spans, overlapping ones merged (touching ones kept apart)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((span.start, span.end) for span in spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def choose_level(documents: list[Document], chosen: list[list[Span]]) -> str:
    """``auto``: the level that spoils fewer spans; on a tie, tokens when most documents have spaces or keep
    their words (``meta["tokens"]``: GENIA's, or a word-segmented Chinese corpus's).

    A span is spoilt when it is dropped (not on unit boundaries) or when its mention reads back
    differently: character level drops the spaces inside "New York".
    """
    spoilt = {level: sum(_spoilt_spans(doc, level, spans) for doc, spans in zip(documents, chosen, strict=True))
              for level in ("char", "token")}
    if spoilt["char"] != spoilt["token"]:
        return min(spoilt, key=lambda unit: spoilt[unit])
    worded = sum(" " in doc.text.strip() or _keeps_words(doc) for doc in documents)
    return "token" if documents and worded * 2 > len(documents) else "char"


def _keeps_words(doc: Document) -> bool:
    tokens = doc.meta.get("tokens")
    return isinstance(tokens, list) and bool(tokens) and all(isinstance(token, str) for token in tokens)


def _spoilt_spans(doc: Document, level: str, spans: list[Span]) -> int:
    """How many of ``spans`` the level drops or writes with another mention (whitespace runs aside)."""
    units = word_units(doc, level, spans)[0]
    aligned, unaligned = split_by_token_boundaries(units, spans)
    starts = [start for start, _ in units]
    changed = 0
    for span in aligned:
        first, last = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        pieces = [doc.text[s:e] for s, e in units[first:last]]
        written = "".join(pieces) if level == "char" else words_to_text(pieces)[0]  # as the reader joins them
        changed += written != " ".join(span.mention(doc.text).split())
    return len(unaligned) + changed
