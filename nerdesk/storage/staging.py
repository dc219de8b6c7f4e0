"""Staging an import outside the write lock, then moving it into the project in short transactions.

A large import spends most of its time checking records and building rows. Done inside the write
transaction, that kept every other writer of the project waiting (an edit in another window failed
with "database is locked" after the busy timeout). Here the checked rows first go into TEMP tables,
which belong to this connection alone and lock nothing in the project file: a bad record or a cancel
found then drops them, and the project never saw them. The staged rows are then moved into the real
tables ``MOVE_CHUNK`` documents per transaction (``INSERT ... SELECT``), so no write holds the lock
for more than a moment whatever the size of the import; all or nothing is kept by the import's
record (``nerdesk.storage.imports``). Documents get their ids in each move, so ids stay unique
whatever other connections add meanwhile.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable

from sqlite_utils import Database

from nerdesk.core.document import Document
from nerdesk.core.errors import ProjectError
from nerdesk.core.spans import dedupe
from nerdesk.storage.rows import document_row, now, span_row

STAGE_CHUNK = 2000  # documents per executemany while staging
MOVE_CHUNK = 2000  # documents per transaction moving them in (about 30-100 ms of write lock here)
# Pause between two chunks: a writer kept waiting sleeps in SQLite's busy handler (1, 2, 5, 10, 15, 20,
# 25, 25, 25 ms, then 50 and 100 ms) and would keep finding the lock taken again by the next chunk;
# without a pause an edit waited up to 1.8 s during a 300,000-document import although no chunk held
# the lock 100 ms. A writer that started waiting during a chunk of about 100 ms sleeps at most 25 ms
# at a time by its end, so it gets in during a pause of that length.
CHUNK_PAUSE_SECONDS = 0.025
_names = itertools.count(1)

DOCUMENT_COLUMNS = "text, name, meta, status, split, length, created, updated"
SPAN_COLUMNS = '"start", "end", label, source, score, model_version'


class ImportStage:
    """The checked rows of one import in TEMP tables, numbered from 0 until they get their ids."""

    def __init__(self, db: Database) -> None:
        self.db = db
        number = next(_names)
        self.documents_table = f"temp.staged_documents_{number}"
        self.spans_table = f"temp.staged_spans_{number}"
        self.count = 0
        self.labels: dict[str, None] = {}  # labels seen on spans, in order of first appearance
        self.db.execute(f"CREATE TABLE {self.documents_table} (ordinal INTEGER PRIMARY KEY, text, name, meta, "
                        "status, split, length, created, updated)")
        self.db.execute(f'CREATE TABLE {self.spans_table} (ordinal, "start", "end", label, source, score, '
                        'model_version, PRIMARY KEY (ordinal, "start", "end", label, source)) WITHOUT ROWID')

    def add(self, documents: list[Document]) -> None:
        """Stage checked documents (their spans de-duplicated)."""
        stamp = now()
        first = self.count
        spans = [dedupe(document.spans) for document in documents]
        for doc_spans in spans:
            self.labels.update(dict.fromkeys(span.label for span in doc_spans))
        self.db.conn.executemany(f"INSERT INTO {self.documents_table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            document_row(first + offset, document, stamp) for offset, document in enumerate(documents)))
        self.db.conn.executemany(f"INSERT INTO {self.spans_table} VALUES (?, ?, ?, ?, ?, ?, ?)", (
            span_row(first + offset, span) for offset, doc_spans in enumerate(spans) for span in doc_spans))
        self.count += len(documents)

    def move_chunk(self, start: int, first_id: int, import_id: int, size: int = MOVE_CHUNK) -> list[int]:
        """Insert the staged documents ``start`` to ``start + size - 1`` (and their spans) with ids from
        ``first_id`` on, tagged with ``import_id``; call inside the write transaction."""
        stop = min(start + size, self.count)
        shift = first_id - start
        self.db.execute(f"INSERT INTO documents (id, import_id, {DOCUMENT_COLUMNS}) "
                        f"SELECT ordinal + ?, ?, {DOCUMENT_COLUMNS} FROM {self.documents_table} "
                        "WHERE ordinal >= ? AND ordinal < ? ORDER BY ordinal", [shift, import_id, start, stop])
        self.db.execute(f"INSERT INTO spans (doc_id, {SPAN_COLUMNS}) SELECT ordinal + ?, {SPAN_COLUMNS} "
                        f"FROM {self.spans_table} WHERE ordinal >= ? AND ordinal < ? "
                        'ORDER BY ordinal, "start", "end", label, source', [shift, start, stop])
        return list(range(first_id, first_id + max(stop - start, 0)))

    def drop(self) -> None:
        for table in (self.spans_table, self.documents_table):
            self.db.execute(f"DROP TABLE IF EXISTS {table}")


def stage_documents(db: Database, documents: Iterable[Document], check: Callable[[Document, int], None],
                    progress: Callable[[int], None] | None) -> ImportStage:
    """Check and stage every document, in a transaction of the TEMP tables only (the project file stays
    unlocked). ``progress(staged)`` runs after each chunk; whatever it raises drops the staged rows."""
    joined = db.conn.in_transaction  # inside a caller's transaction: stage in it, commit nothing
    stage = ImportStage(db)
    try:
        if not joined:
            db.execute("BEGIN")
        batch: list[Document] = []
        for number, document in enumerate(documents, start=1):
            check(document, number)
            batch.append(document)
            if len(batch) == STAGE_CHUNK:
                stage.add(batch)
                batch = []
                if progress:
                    progress(stage.count)
        stage.add(batch)
        if progress:
            progress(stage.count)
        if not joined:
            db.conn.commit()
    except BaseException as error:
        if not joined:
            db.conn.rollback()
        stage.drop()
        if isinstance(error, sqlite3.Error):
            raise ProjectError(f"the import could not be prepared ({error}); nothing was changed",
                               code="E224") from error
        raise
    return stage
