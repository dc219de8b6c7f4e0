"""Adding, reading, streaming and deleting documents with their spans.

``add_documents`` is the bulk path used by imports: every span is checked against its text and the
rows are staged outside the write lock (``staging``), so a bad record leaves the project exactly as it
was; they are then moved in by short transactions under the import's record (``imports``), so other
writers never wait long and a failure, a cancel or a kill still leaves nothing behind.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from nerdesk.core.document import STATUSES, Document
from nerdesk.core.errors import ProjectError, SpanError
from nerdesk.core.labels import Label, label_name_problem
from nerdesk.core.spans import GOLD, PRED, Span, sort_spans, validate_span
from nerdesk.core.text_checks import escape_surrogates, first_problem, shown
from nerdesk.storage.connection import refuse_if_read_only, write_transaction
from nerdesk.storage.guard import translating
from nerdesk.storage.imports import (
    finish_import,
    import_alive,
    record_import,
    roll_back_or_leave,
    running_imports,
    tag_labels,
)
from nerdesk.storage.queries import DocumentFilter
from nerdesk.storage.rows import (
    SELECT_DOCUMENT,
    SELECT_SPAN,
    now,
    row_document,
    row_span,
)
from nerdesk.storage.staging import CHUNK_PAUSE_SECONDS, MOVE_CHUNK, ImportStage, stage_documents

STREAM_BATCH = 500


class DocumentsMixin:
    """Needs ``ensure_labels`` from ``LabelsMixin`` (both are parts of ``Project``)."""

    db: Database
    path: Path
    if TYPE_CHECKING:
        def ensure_labels(self, names: Iterable[str]) -> list[Label]: ...

    def add_documents(self, documents: Iterable[Document], *, progress: Callable[[int], None] | None = None,
                      labels: Iterable[str] = ()) -> list[int]:
        """Store documents and their spans, all or nothing; returns the new ids in input order.

        ``labels`` (an import's declared label list) are added to the label set first, in their order;
        labels seen on spans are added too. The documents are checked and staged without holding the
        write lock (``nerdesk.storage.staging``), then moved in ``MOVE_CHUNK`` documents per short
        transaction (all in one when they fit in one, or inside a caller's transaction); readers see
        none of them until the last (``nerdesk.storage.imports``). ``progress(done)`` counts from 0 to
        the number of documents, the first half while checking, the second while storing; the last
        call (all done) comes before the import is complete, and an exception it raises (a cancel)
        removes everything the import added, labels included. Raises ``SpanError`` (and stores
        nothing) if any span does not fit.
        """
        labels = list(labels)
        refuse_if_read_only(self.db)
        halved = (lambda staged: progress(staged // 2)) if progress else None
        stage = stage_documents(self.db, documents, check_document, halved)
        try:
            check_declared_labels(labels)  # after the documents, whose errors name their record
            if stage.count <= MOVE_CHUNK or self.db.conn.in_transaction:
                return self._move_at_once(stage, labels, progress)
            return self._move_in_chunks(stage, labels, progress)
        finally:
            stage.drop()

    def _move_at_once(self, stage: ImportStage, labels: list[str],
                      progress: Callable[[int], None] | None) -> list[int]:
        with write_transaction(self.db):
            import_id = record_import(self.db, "done")
            self.ensure_labels([*labels, *stage.labels])
            ids = stage.move_chunk(0, self._next_document_id(), import_id, size=stage.count)
            if progress:
                progress(stage.count)
            return ids

    def _move_in_chunks(self, stage: ImportStage, labels: list[str],
                        progress: Callable[[int], None] | None) -> list[int]:
        ids: list[int] = []
        with import_alive(self.path):
            with write_transaction(self.db):
                import_id = record_import(self.db, "running")
            try:
                for start in range(0, stage.count, MOVE_CHUNK):
                    with write_transaction(self.db):
                        if start == 0:
                            added = self.ensure_labels([*labels, *stage.labels])
                            tag_labels(self.db, [label.name for label in added], import_id)
                        ids += stage.move_chunk(start, self._next_document_id(), import_id)
                    if progress:
                        progress((stage.count + len(ids)) // 2)
                    if len(ids) < stage.count:
                        time.sleep(CHUNK_PAUSE_SECONDS)  # lets writers kept waiting take their turn
                with write_transaction(self.db):
                    finish_import(self.db, import_id)
            except BaseException:
                roll_back_or_leave(self.db, import_id)
                raise
        return ids

    def document(self, doc_id: int) -> Document:
        """One document with all its spans, gold and predicted."""
        row = self.db.execute(f"{SELECT_DOCUMENT} WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise ProjectError(f"the project has no document with id {doc_id}; it may have been deleted",
                               code="E230")
        return row_document(row, self.spans(doc_id))

    def spans(self, doc_id: int, source: str | None = None) -> list[Span]:
        """Spans of one document in reading order, optionally only ``gold`` or ``pred``."""
        sql = f"{SELECT_SPAN} WHERE doc_id = ?"
        params: list[int | str] = [doc_id]
        if source is not None:
            sql += " AND source = ?"
            params.append(source)
        return sort_spans(row_span(row) for row in self.db.execute(sql, params))

    def all_documents(self, *, status: str | Sequence[str] | None = None,
                      split: str | None = None) -> Iterator[Document]:
        """Stream documents in id order with their spans, a batch at a time (for export and training).

        Every batch is read inside one read transaction (``read_snapshot``), so the stream is one
        consistent state of the project: an edit committed by another connection meanwhile shows up
        in none of its documents or in all of them, never half-applied.
        """
        with self.read_snapshot():
            yield from self._stream_documents(DocumentFilter.build(hidden=running_imports(self.db), status=status,
                                                                   split=split))

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """Read everything inside the block from one state of the file (a WAL read transaction).

        Inside a transaction already (a write, or an outer snapshot) the block simply joins it.
        Writers in other connections are not blocked; they commit a state this block does not see.
        """
        if self.db.conn.in_transaction:
            yield
            return
        with translating(self):
            self.db.execute("BEGIN DEFERRED")
        try:
            with translating(self):
                self.db.execute("SELECT count(*) FROM meta").fetchone()  # pins the snapshot now
            yield
        finally:
            self._end_snapshot()

    def _end_snapshot(self) -> None:
        """Commit (writes made inside joined this transaction); a failing file is rolled back instead."""
        try:
            with translating(self):
                if self.db.conn.in_transaction:
                    self.db.conn.commit()
        except ProjectError:
            self.db.conn.rollback()
            raise

    def _stream_documents(self, where: DocumentFilter) -> Iterator[Document]:
        last_id = 0
        while True:
            rows = self.db.execute(
                f"{SELECT_DOCUMENT} d WHERE d.id > ? AND {where.sql} ORDER BY d.id LIMIT ?",
                [last_id, *where.params, STREAM_BATCH],
            ).fetchall()
            if not rows:
                return
            spans = self._spans_of([row[0] for row in rows])
            for row in rows:
                yield row_document(row, spans.get(row[0], []))
            last_id = rows[-1][0]

    def set_status(self, doc_ids: Iterable[int], status: str) -> None:
        if status not in STATUSES:
            raise ProjectError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}", code="E231")
        self._update_documents(doc_ids, "status", status)

    def set_split(self, doc_ids: Iterable[int], split: str | None) -> None:
        """Assign documents to a split (``train``, ``dev``, ``test``, any name) or to none."""
        self._update_documents(doc_ids, "split", split)

    def delete_documents(self, doc_ids: Iterable[int]) -> None:
        """Delete documents; their spans go with them (ON DELETE CASCADE)."""
        with write_transaction(self.db):
            self.db.conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in doc_ids])

    def _update_documents(self, doc_ids: Iterable[int], column: str, value: str | None) -> None:
        stamp = now()
        with write_transaction(self.db):
            self.db.conn.executemany(
                f"UPDATE documents SET {column} = ?, updated = ? WHERE id = ?",
                [(value, stamp, doc_id) for doc_id in doc_ids],
            )

    def _next_document_id(self) -> int:
        """First free id; only valid inside a write transaction (which holds the write lock)."""
        row = self.db.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'documents'), 0), "
            "coalesce((SELECT max(id) FROM documents), 0))"
        ).fetchone()
        return int(row[0]) + 1

    def _spans_of(self, doc_ids: list[int]) -> dict[int, list[Span]]:
        rows = self.db.execute(
            f"{SELECT_SPAN} WHERE doc_id IN ({', '.join('?' * len(doc_ids))}) ORDER BY doc_id", doc_ids
        )
        return {
            doc_id: sort_spans(row_span(row) for row in group)
            for doc_id, group in groupby(rows, key=lambda row: row[0])
        }


def check_document(document: Document, number: int) -> None:
    """Raise an error naming the record unless the document and all its spans are well formed."""
    name = document.name if isinstance(document.name, str) else None
    where = f"document {number}" + (f" ({escape_surrogates(name)})" if name else "")
    if not isinstance(document.text, str):
        raise ProjectError(f"{where}: text must be a string, got {type(document.text).__name__}; "
                           "nothing was stored", code="E232")
    if document.status not in STATUSES:
        raise ProjectError(f"{where}: unknown status {document.status!r}; use one of {', '.join(STATUSES)}; "
                           "nothing was stored", code="E231")
    problem = first_problem((("text", document.text), ("name", document.name), ("split", document.split),
                             ("meta", document.meta)))
    if problem:
        raise ProjectError(f"{where}: {problem}; fix the source file, nothing was stored", code="E233")
    for span in document.spans:
        try:
            check_span(span, document.text)
        except SpanError as error:
            raise SpanError(f"{where}: {error}; nothing was stored", code=error.code) from error
        problem = _label_name_problem(span.label) if isinstance(span.label, str) else label_name_problem(span.label)
        if problem:
            raise SpanError(f"{where}: span {span.start}..{span.end}: label name {shown(span.label)} {problem}; "
                            "fix the source file, nothing was stored", code="E011")


_label_name_problem = lru_cache(maxsize=4096)(label_name_problem)  # an import repeats a few labels many times


def check_declared_labels(labels: Iterable[str]) -> None:
    """Refuse an import whose file declares a label that cannot be a label name (``label_name_problem``)."""
    for name in labels:
        problem = label_name_problem(name)
        if problem:
            raise ProjectError(f"the file declares the label {shown(name) if isinstance(name, str) else repr(name)}, "
                               f"whose name {problem}; fix the file, nothing was stored", code="E011")


def check_span(span: Span, text: str) -> None:
    """Raise ``SpanError`` unless the span fits ``text`` and every field of it can be stored."""
    problem = first_problem((("label", span.label), ("score", span.score), ("model version", span.model_version)))
    if problem:
        raise SpanError(f"span {span.start}..{span.end}: {problem}", code="E234")
    validate_span(span, text)
    if span.source not in (GOLD, PRED):
        raise SpanError(f"span {span.start}..{span.end} ({span.label}) has source {span.source!r}, not gold or pred",
                        code="E235")
    if span.score is not None and (isinstance(span.score, bool) or not isinstance(span.score, numbers.Real)):
        raise SpanError(f"span {span.start}..{span.end} ({span.label}): score must be a number, "
                        f"got {type(span.score).__name__}", code="E236")
