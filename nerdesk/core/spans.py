"""Spans: half-open code-point ranges of a text with a label.

Gold spans are what a person annotated; predicted spans (``source="pred"``) come from a model and
carry its score and version. The two are never mixed: accepting a prediction creates a new gold span.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from nerdesk.core.errors import SpanError

Source = Literal["gold", "pred"]
GOLD: Source = "gold"
PRED: Source = "pred"


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` labelled ``label``. Offsets are Python code points, end exclusive."""

    start: int
    end: int
    label: str
    source: Source = GOLD
    score: float | None = None
    model_version: str | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        """Identity used by metrics and de-duplication: position and label, not provenance."""
        return (self.start, self.end, self.label)

    def __len__(self) -> int:
        return self.end - self.start

    def mention(self, text: str) -> str:
        return text[self.start:self.end]

    def encloses(self, other: Span) -> bool:
        """``other`` lies within this span's range and is a different span (same range, other label counts)."""
        return self.covers_range(other) and self != other

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def crosses(self, other: Span) -> bool:
        """Overlap without nesting (neither contains the other)."""
        return self.overlaps(other) and not (self.covers_range(other) or other.covers_range(self))

    def covers_range(self, other: Span) -> bool:
        """``other``'s offsets lie within this span's (equal ranges included; labels and sources ignored)."""
        return self.start <= other.start and other.end <= self.end

    def as_gold(self) -> Span:
        return replace(self, source=GOLD, score=None, model_version=None)

    def moved(self, start: int, end: int) -> Span:
        return replace(self, start=start, end=end)

    def relabelled(self, label: str) -> Span:
        return replace(self, label=label)


def validate_span(span: Span, text: str, *, mention: str | None = None) -> None:
    """Raise ``SpanError`` unless the span lies inside ``text`` (and matches ``mention`` if given)."""
    if not isinstance(span.start, int) or not isinstance(span.end, int):
        raise SpanError(f"span offsets must be integers, got {span.start!r}..{span.end!r}", code="E001")
    if not span.label:
        raise SpanError(f"span {span.start}..{span.end} has an empty label", code="E002")
    if span.start < 0 or span.end > len(text):
        raise SpanError(f"span {span.start}..{span.end} ({span.label}) is outside the text of length {len(text)}", code="E003")
    if span.start >= span.end:
        raise SpanError(f"span {span.start}..{span.end} ({span.label}) is empty or reversed", code="E004")
    if isinstance(span.score, numbers.Real) and not isinstance(span.score, bool) and not 0.0 <= span.score <= 1.0:
        raise SpanError(f"span {span.start}..{span.end} ({span.label}) has score {span.score!r}; a score is a "
                        "probability between 0 and 1", code="E234")
    if mention is not None and text[span.start:span.end] != mention:
        raise SpanError(
            f"span {span.start}..{span.end} ({span.label}) covers {text[span.start:span.end]!r} "
            f"but the file says {mention!r}",
            code="E005",
        )


def sort_spans(spans: Iterable[Span]) -> list[Span]:
    """Reading order: by start, longer (outer) spans first, then label."""
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.source))


def dedupe(spans: Iterable[Span]) -> list[Span]:
    """Drop spans with the same (start, end, label, source), keeping the first."""
    seen: set[tuple[int, int, str, str]] = set()
    kept = []
    for span in spans:
        ident = (*span.key, span.source)
        if ident not in seen:
            seen.add(ident)
            kept.append(span)
    return kept


def spans_at(spans: Iterable[Span], position: int) -> list[Span]:
    """Spans covering code point ``position``, innermost (shortest) first."""
    hits = [s for s in spans if s.start <= position < s.end]
    return sorted(hits, key=lambda s: (len(s), s.start, s.label))


def nesting_depth(spans: Sequence[Span]) -> int:
    """Largest number of spans covering one code point (1 for flat, 0 for none)."""
    events = sorted([(s.start, 1) for s in spans] + [(s.end, -1) for s in spans])
    depth = best = 0
    for _, step in events:
        depth += step
        best = max(best, depth)
    return best


def is_flat(spans: Sequence[Span]) -> bool:
    return nesting_depth(spans) <= 1


def flat_levels(spans: Sequence[Span]) -> list[list[Span]]:
    """Split spans into levels with no overlap inside a level (outer spans in level 0).

    This is how nested data becomes several flat tag columns (CoNLL) and how it is drawn.
    """
    levels: list[list[Span]] = []
    level_ends: list[int] = []
    for span in sort_spans(spans):
        for index, end in enumerate(level_ends):
            if end <= span.start:
                levels[index].append(span)
                level_ends[index] = span.end
                break
        else:
            levels.append([span])
            level_ends.append(span.end)
    return levels


def best_non_overlapping(spans: Sequence[Span]) -> list[Span]:
    """Greedy flat decoding: keep the highest-scoring spans that do not overlap a kept one.

    Spans are taken by score (none counts as 1.0), then start, then longer first, ties in input order;
    each is kept unless it overlaps a span kept before it (``Span.overlaps``). O(n log n): the kept
    spans are disjoint, so only the kept span starting last before a span's end can overlap it. Empty
    spans (never valid, but the rule applies to them too) overlap only spans strictly around them, and
    are looked up in a second tree.
    """
    ranked = sorted(spans, key=lambda s: (-(s.score if s.score is not None else 1.0), s.start, -len(s)))
    starts = _PrefixMax(s.start for s in ranked)
    end_at: dict[float, int] = {}
    empty = _PrefixMax(s.start for s in ranked if s.start == s.end)
    kept: list[Span] = []
    for span in ranked:
        before = starts.below(span.end)  # the kept span starting last before this one ends
        if before != _NONE and end_at[before] > span.start:
            continue
        if empty and empty.below(span.end) > span.start:  # a kept empty span strictly inside this one
            continue
        kept.append(span)
        if span.start != span.end:
            starts.put(span.start, span.start)
            end_at[span.start] = span.end
        else:
            empty.put(span.start, span.start)
    return sort_spans(kept)


_NONE = -math.inf


class _PrefixMax:
    """Values put at integer keys known in advance; ``below(bound)`` is the largest value put at a key
    below ``bound`` (``_NONE`` if none). A Fenwick tree of prefix maxima: both take O(log n)."""

    def __init__(self, keys: Iterable[int]) -> None:
        self._keys = sorted(set(keys))
        self._tree: list[float] = [_NONE] * (len(self._keys) + 1)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def put(self, key: int, value: float) -> None:
        tree = self._tree
        index = bisect_left(self._keys, key) + 1
        while index < len(tree):
            if tree[index] < value:
                tree[index] = value
            index += index & -index

    def below(self, bound: int) -> float:
        tree = self._tree
        index = bisect_left(self._keys, bound)
        best = _NONE
        while index:
            if tree[index] > best:
                best = tree[index]
            index -= index & -index
        return best
