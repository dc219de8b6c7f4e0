"""The document list: filtered ids, counts and one page of summaries, fast on 100k documents.

Filters combine with AND: ``status`` (one or several), ``label`` (has a gold or predicted span with
it), ``search`` (substring of the text or name, ASCII case-insensitive), ``split``. Every query
leaves out the documents of imports still running: an import becomes visible all at once, when it is
complete (``nerdesk.storage.imports``). Which imports are running is read in the same read
transaction as the query (``read_snapshot``), and adds no condition at all when none is (the usual
case), so counts keep using the indexes alone (an always-present ``NOT IN`` cost 1 -> 15 ms for a
count of 100,000 documents).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from nerdesk.core.document import Document
from nerdesk.storage.imports import running_imports
from nerdesk.storage.records import DocumentSummary

TITLE_WIDTH = 60
OPENING_WIDTH = 120  # characters of a text's beginning in a summary (the list's column cuts it)


def visible_documents(hidden: Sequence[int]) -> str:
    """A condition on ``documents d`` leaving out the documents of the ``hidden`` imports."""
    return f"ifnull(d.import_id, 0) NOT IN ({', '.join(str(int(i)) for i in hidden)})" if hidden else "1"


def visible_spans(hidden: Sequence[int], doc_id: str = "doc_id") -> str:
    """A condition on spans leaving out the spans of documents of the ``hidden`` imports."""
    if not hidden:
        return "1"
    ids = ", ".join(str(int(i)) for i in hidden)
    return f"{doc_id} NOT IN (SELECT id FROM documents WHERE import_id IN ({ids}))"

SUMMARY_COLUMNS = """
    d.id, d.name, substr(d.text, 1, 200), d.status, d.length,
    (SELECT count(*) FROM spans s WHERE s.doc_id = d.id AND s.source = 'gold'),
    (SELECT count(*) FROM spans s WHERE s.doc_id = d.id AND s.source = 'pred'
        AND (s.score IS NULL OR s.score >= ?)
        AND NOT EXISTS (SELECT 1 FROM spans g WHERE g.doc_id = d.id AND g."start" = s."start" AND g."end" = s."end"
                        AND g.label = s.label AND g.source = 'gold')),
    d.split
"""  # the one parameter: the minimum score of the predictions counted


@dataclass
class DocumentFilter:
    """A WHERE clause over ``documents d`` with its parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    @classmethod
    def build(cls, *, hidden: Sequence[int] = (), status: str | Sequence[str] | None = None,
              label: str | None = None, search: str | None = None, split: str | None = None) -> DocumentFilter:
        """``hidden``: the running imports (``running_imports``), read in the same transaction as the query."""
        where = cls()
        if hidden:
            where.add(visible_documents(hidden))
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            where.add(f"d.status IN ({', '.join('?' * len(statuses))})", *statuses)
        if label is not None:
            where.add("d.id IN (SELECT doc_id FROM spans WHERE label = ?)", label)
        if search:
            pattern = "%" + escape_like(search) + "%"
            where.add(r"(d.text LIKE ? ESCAPE '\' OR d.name LIKE ? ESCAPE '\')", pattern, pattern)
        if split is not None:
            where.add("d.split = ?", split)
        return where

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class QueriesMixin:
    """Needs ``read_snapshot`` from ``DocumentsMixin`` (both are parts of ``Project``)."""

    db: Database
    if TYPE_CHECKING:
        def read_snapshot(self) -> AbstractContextManager[None]: ...

    def _where(self, **filters: Any) -> DocumentFilter:
        """The filter, leaving out running imports; call inside the read transaction of the query."""
        return DocumentFilter.build(hidden=running_imports(self.db), **filters)

    def document_ids(self, *, status: str | Sequence[str] | None = None, label: str | None = None,
                     search: str | None = None, split: str | None = None, limit: int = -1) -> list[int]:
        """The ids in list order; the first ``limit`` only when it is not negative."""
        with self.read_snapshot():
            where = self._where(status=status, label=label, search=search, split=split)
            rows = self.db.execute(f"SELECT d.id FROM documents d WHERE {where.sql} ORDER BY d.id LIMIT ?",
                                   [*where.params, limit])
            return [row[0] for row in rows]

    def count_documents(self, *, status: str | Sequence[str] | None = None, label: str | None = None,
                        search: str | None = None, split: str | None = None) -> int:
        with self.read_snapshot():
            where = self._where(status=status, label=label, search=search, split=split)
            row = self.db.execute(f"SELECT count(*) FROM documents d WHERE {where.sql}", where.params).fetchone()
            return int(row[0])

    def text_batches(self, *, status: str | Sequence[str] | None = None,
                     size: int = 1000) -> Generator[list[tuple[int, str]], None, None]:
        """(id, text) of the documents in id order, ``size`` at a time, all from one state of the file: the
        texts alone, without spans or metadata (Predict all reads every unreviewed one to judge its script;
        building whole documents took half of the 4 s that reading 50,000 short ones took)."""
        with self.read_snapshot():
            where = self._where(status=status)
            last_id = 0
            while True:
                rows = self.db.execute(f"SELECT d.id, d.text FROM documents d WHERE d.id > ? AND {where.sql} "
                                       "ORDER BY d.id LIMIT ?", [last_id, *where.params, size]).fetchall()
                if not rows:
                    return
                yield rows
                last_id = rows[-1][0]

    def document_summaries(self, *, offset: int = 0, limit: int = 100,
                           status: str | Sequence[str] | None = None, label: str | None = None,
                           search: str | None = None, split: str | None = None,
                           min_score: float = 0.0) -> list[DocumentSummary]:
        """One page of the document list in id order, with span counts but without loading texts.

        The predictions counted are those still pending that score at least ``min_score``: what the
        annotation view shows (a prediction with a gold twin is not pending).
        """
        with self.read_snapshot():
            where = self._where(status=status, label=label, search=search, split=split)
            rows = self.db.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM documents d WHERE {where.sql} ORDER BY d.id LIMIT ? OFFSET ?",
                [min_score, *where.params, limit, offset],
            ).fetchall()
        return [
            DocumentSummary(doc_id, Document(head, name=name).title(TITLE_WIDTH), status, gold, pred, length, split,
                            opening=Document(head).title(OPENING_WIDTH), name=name)
            for doc_id, name, head, status, length, gold, pred, split in rows
        ]
