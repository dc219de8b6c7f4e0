"""Project statistics: documents by status and split, spans per label, how deeply gold spans nest."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, groupby
from typing import Any

from sqlite_utils import Database

from nerdesk.core.document import STATUSES
from nerdesk.core.spans import Span, nesting_depth


class StatsMixin:
    """Needs ``label_set`` from ``LabelsMixin`` (both are parts of ``Project``)."""

    db: Database

    def stats(self) -> dict[str, Any]:
        """Counts for the ``stats`` command and the project dashboard (plain JSON-ready dict)."""
        return {
            "documents": self.db.execute("SELECT count(*) FROM documents").fetchone()[0],
            "by_status": self._documents_by("status", dict.fromkeys(STATUSES, 0)),
            "by_split": self._documents_by("coalesce(split, '')", {}),
            "spans": self._spans_by_source(),
            "labels": self._spans_per_label(),
            **self._nesting(),
        }

    def _documents_by(self, column: str, counts: dict[str, int]) -> dict[str, int]:
        for key, count in self.db.execute(f"SELECT {column}, count(*) FROM documents GROUP BY 1 ORDER BY 1"):
            counts[key] = count
        return counts

    def _spans_by_source(self) -> dict[str, int]:
        counts = {"gold": 0, "pred": 0}
        counts.update(self.db.execute("SELECT source, count(*) FROM spans GROUP BY source").fetchall())
        return counts

    def _spans_per_label(self) -> dict[str, dict[str, int]]:
        per_label = {name: {"gold": 0, "pred": 0} for name in self.label_set().names}
        for label, source, count in self.db.execute(
            "SELECT label, source, count(*) FROM spans GROUP BY label, source"
        ):
            per_label.setdefault(label, {"gold": 0, "pred": 0})[source] = count
        return per_label

    def _nesting(self) -> dict[str, int]:
        """Deepest gold nesting, gold spans that overlap another gold span, documents with overlaps."""
        rows = self.db.execute(
            'SELECT doc_id, "start", "end", label FROM spans WHERE source = \'gold\' ORDER BY doc_id'
        )
        depth = overlapping = documents = 0
        for _, group in groupby(rows, key=lambda row: row[0]):
            spans = [Span(start, end, label) for _, start, end, label in group]
            depth = max(depth, nesting_depth(spans))
            count = count_overlapping(spans)
            overlapping += count
            documents += count > 0
        return {"nesting_depth": depth, "overlapping_spans": overlapping, "documents_with_overlaps": documents}


def count_overlapping(spans: Sequence[Span]) -> int:
    """How many spans overlap at least one other span, in O(n log n).

    In start order, a span overlaps an earlier one iff the largest earlier end passes its start, and a
    later one iff the smallest later start comes before its end.
    """
    if not spans:
        return 0
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    earlier_ends = [-1, *accumulate((s.end for s in ordered), max)][:-1]
    later_starts = [*accumulate((s.start for s in reversed(ordered)), min)][::-1][1:] + [float("inf")]
    return sum(
        earlier_end > span.start or later_start < span.end
        for span, earlier_end, later_start in zip(ordered, earlier_ends, later_starts, strict=True)
    )
