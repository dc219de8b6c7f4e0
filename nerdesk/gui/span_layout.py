"""Where each span's bar goes: drawing levels and a fast lookup of spans by text range (no Qt).

Levels are assigned by first fit over the whole document, shortest spans first, so inner spans sit
nearest the text and a span that wraps over several visual lines keeps one level on all of them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence

from nerdesk.core.spans import GOLD, PRED, Span


def shown_spans(spans: Iterable[Span], min_score: float) -> list[Span]:
    """The spans worth drawing: predictions below ``min_score`` are hidden, and so is a prediction
    equal to a gold span (same range and label), which would only draw the gold span a second time."""
    spans = list(spans)
    gold_keys = {s.key for s in spans if s.source == GOLD}
    return [s for s in spans if s.source != PRED
            or ((s.score is None or s.score >= min_score) and s.key not in gold_keys)]


def assign_levels(spans: Iterable[Span], reach: Callable[[Span], int] | None = None) -> dict[Span, int]:
    """Level of each span: 0 right under the text, higher levels further down.

    Two spans on the same level never overlap. ``reach(span)`` may extend the room a span takes on
    its level beyond its end (its label chip can be wider than a short span). Each level keeps its
    occupied ranges sorted by start, so placing n spans costs O(n * levels * log n).
    """
    levels: dict[Span, int] = {}
    occupied: list[list[tuple[int, int]]] = []  # per level: sorted, disjoint (start, end)
    for span in sorted(spans, key=lambda s: (len(s), s.start, s.label, s.source)):
        room = (span.start, max(span.end, reach(span)) if reach else span.end)
        level = next((i for i, ranges in enumerate(occupied) if _is_free(ranges, room)), len(occupied))
        if level == len(occupied):
            occupied.append([])
        bisect.insort(occupied[level], room)
        levels[span] = level
    return levels


def _is_free(ranges: list[tuple[int, int]], room: tuple[int, int]) -> bool:
    start, end = room
    index = bisect.bisect_left(ranges, room)
    if index < len(ranges) and ranges[index][0] < end:
        return False
    return not (index > 0 and ranges[index - 1][1] > start)


class SpanIndex:
    """Spans bucketed by fixed-size chunks of the text, to find those crossing a range quickly."""

    CHUNK = 128

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self._chunks: dict[int, list[int]] = {}
        for number, span in enumerate(self.spans):
            for chunk in range(span.start // self.CHUNK, (span.end - 1) // self.CHUNK + 1):
                self._chunks.setdefault(chunk, []).append(number)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans sharing at least one code point with ``[start, end)``, in input order."""
        if end <= start:
            return []
        numbers: set[int] = set()
        for chunk in range(start // self.CHUNK, (end - 1) // self.CHUNK + 1):
            numbers.update(self._chunks.get(chunk, ()))
        return [self.spans[n] for n in sorted(numbers) if self.spans[n].start < end and start < self.spans[n].end]
