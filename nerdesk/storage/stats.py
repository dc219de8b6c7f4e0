"""Project statistics: documents by status and split, spans per label, how deeply gold spans nest.

Documents of an import still running, their spans and the labels it added are not counted
(``nerdesk.storage.imports``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from nerdesk.core.document import STATUSES
from nerdesk.core.labels import LabelSet
from nerdesk.storage.imports import running_imports
from nerdesk.storage.queries import visible_documents, visible_spans

OVERLAPPING_GOLD_PER_DOCUMENT = """
SELECT a.doc_id, count(*) FROM spans a
WHERE a.source = 'gold' AND {visible} AND EXISTS (
    SELECT 1 FROM spans b
    WHERE b.doc_id = a.doc_id AND b.source = 'gold' AND b."start" < a."end" AND a."start" < b."end"
      AND (b."start", b."end", b.label) IS NOT (a."start", a."end", a.label)
)
GROUP BY a.doc_id
"""


# Nesting depth is highest at the start of some span: count the spans covering each span start.
DEEPEST_GOLD_NESTING = """
SELECT max((
    SELECT count(*) FROM spans b
    WHERE b.doc_id = a.doc_id AND b.source = 'gold' AND b."start" <= a."start" AND a."start" < b."end"
)) FROM spans a WHERE a.source = 'gold' AND {visible}
"""


class StatsMixin:
    """Needs ``label_set`` from ``LabelsMixin`` (both are parts of ``Project``)."""

    db: Database
    if TYPE_CHECKING:
        def label_set(self) -> LabelSet: ...
        def read_snapshot(self) -> AbstractContextManager[None]: ...

    def stats(self) -> dict[str, Any]:
        """Counts for the ``stats`` command and the project dashboard (plain JSON-ready dict), all from
        one state of the file."""
        with self.read_snapshot():
            hidden = running_imports(self.db)
            documents = visible_documents(hidden)
            return {
                "documents": self.db.execute(f"SELECT count(*) FROM documents d WHERE {documents}").fetchone()[0],
                "by_status": self._documents_by("status", documents, dict.fromkeys(STATUSES, 0)),
                "by_split": self._documents_by("coalesce(split, '')", documents, {}),
                "spans": self._spans_by_source(visible_spans(hidden)),
                "labels": self._spans_per_label(visible_spans(hidden), self._labels_of(hidden)),
                **self._nesting(visible_spans(hidden, "a.doc_id")),
            }

    def _documents_by(self, column: str, visible: str, counts: dict[str, int]) -> dict[str, int]:
        for key, count in self.db.execute(
                f"SELECT {column}, count(*) FROM documents d WHERE {visible} GROUP BY 1 ORDER BY 1"):
            counts[key] = count
        return counts

    def _spans_by_source(self, visible: str) -> dict[str, int]:
        counts = {"gold": 0, "pred": 0}
        counts.update(self.db.execute(f"SELECT source, count(*) FROM spans WHERE {visible} GROUP BY source"))
        return counts

    def _labels_of(self, hidden: list[int]) -> set[str]:
        """Labels added by the running imports (``hidden``)."""
        if not hidden:
            return set()
        rows = self.db.execute(f"SELECT name FROM labels WHERE import_id IN ({', '.join('?' * len(hidden))})", hidden)
        return {row[0] for row in rows}

    def _spans_per_label(self, visible: str, pending: set[str]) -> dict[str, dict[str, int]]:
        """Counts per label; a label a running import added is left out unless spans use it already."""
        per_label = {name: {"gold": 0, "pred": 0} for name in self.label_set().names if name not in pending}
        for label, source, count in self.db.execute(
            f"SELECT label, source, count(*) FROM spans WHERE {visible} GROUP BY label, source"
        ):
            per_label.setdefault(label, {"gold": 0, "pred": 0})[source] = count
        return per_label

    def _nesting(self, visible: str) -> dict[str, int]:
        """Deepest gold nesting, gold spans that overlap another gold span, documents with overlaps.

        Both are self-joins inside each document's spans, run by SQLite without loading any span.
        """
        overlaps = dict(self.db.execute(OVERLAPPING_GOLD_PER_DOCUMENT.format(visible=visible)).fetchall())
        return {
            "nesting_depth": self.db.execute(DEEPEST_GOLD_NESTING.format(visible=visible)).fetchone()[0] or 0,
            "overlapping_spans": sum(overlaps.values()),
            "documents_with_overlaps": len(overlaps),
        }
