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


class LevelCache:
    """``assign_levels`` kept up to date across edits by placing again only the spans an edit touched.

    Spans whose rooms chain together by overlapping form a group; first fit never lets one group
    affect another, so levels placed group by group equal ``assign_levels`` over the whole
    document. After an edit only the groups that the removed and added spans overlap are placed
    again: an accept or delete in a document with thousands of spans places a handful of spans.
    """

    FULL_PLACEMENT_ABOVE = 200  # changed spans; beyond this, placing everything again is as cheap

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._spans: set[Span] = set()
        # (start, end, spans, depth): sorted, disjoint. The depth is kept beside its group, not in a dict keyed
        # by the group: hashing every group's spans on each edit cost a tenth of a second with 10,000 spans.
        self._groups: list[tuple[int, int, tuple[Span, ...], int]] = []
        self._levels: dict[Span, int] = {}

    def levels(self, spans: Iterable[Span], reach: Callable[[Span], int]) -> dict[Span, int]:
        new = set(spans)
        removed, added = self._spans - new, new - self._spans
        if len(removed) + len(added) > self.FULL_PLACEMENT_ABOVE or not self._spans:
            self._place(new, range(len(self._groups)), reach)
        elif removed or added:
            touched = self._touched_groups([*removed, *added], reach)
            members = {span for number in touched for span in self._groups[number][2]} - removed
            self._place(members | added, touched, reach)
        self._spans = new
        return dict(self._levels)

    def _touched_groups(self, changed: list[Span], reach: Callable[[Span], int]) -> list[int]:
        """Numbers of the groups whose extent overlaps the room of a changed span."""
        ends = [group[1] for group in self._groups]
        touched = set()
        for span in changed:
            room_start, room_end = span.start, max(span.end, reach(span))
            number = bisect.bisect_right(ends, room_start)
            while number < len(self._groups) and self._groups[number][0] < room_end:
                touched.add(number)
                number += 1
        return sorted(touched)

    def _place(self, members: set[Span], replaced: Iterable[int], reach: Callable[[Span], int]) -> None:
        """Place ``members`` afresh, in place of the groups numbered ``replaced``."""
        replaced = set(replaced)
        for number in replaced:  # forgotten first: a span placed again gets its level anew
            for span in self._groups[number][2]:
                self._levels.pop(span, None)
        kept = [group for number, group in enumerate(self._groups) if number not in replaced]
        fresh = []
        for group in _overlap_groups(members, reach):
            placed = assign_levels(group, reach)
            self._levels.update(placed)
            fresh.append((group[0].start, max(max(s.end, reach(s)) for s in group), group, max(placed.values()) + 1))
        self._groups = sorted(kept + fresh, key=lambda group: group[0])

    def stacks(self) -> list[tuple[int, int, int, tuple[Span, ...]]]:
        """(start, end, levels, spans) of each group: the text it covers (chips included), its bars' depth."""
        return [(start, end, depth, members) for start, end, members, depth in self._groups]


def _overlap_groups(spans: Iterable[Span], reach: Callable[[Span], int]) -> list[tuple[Span, ...]]:
    """Spans split into runs whose rooms (start to end or chip reach) chain by overlapping."""
    rooms = sorted(((s.start, max(s.end, reach(s)), s) for s in spans),
                   key=lambda room: (room[0], room[1], room[2].label, room[2].source))
    groups: list[tuple[Span, ...]] = []
    current: list[Span] = []
    current_end = -1
    for start, end, span in rooms:
        if current and start >= current_end:
            groups.append(tuple(current))
            current = []
        current.append(span)
        current_end = max(current_end, end) if len(current) > 1 else end
    if current:
        groups.append(tuple(current))
    return groups


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
