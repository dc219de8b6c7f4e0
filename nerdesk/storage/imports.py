"""The record of each import, and how an import that did not finish is taken out again.

A large import commits its documents in chunks (``nerdesk.storage.staging``), so that no write holds
the project's write lock for more than a moment. All or nothing is kept by the ``imports`` table:
the import's row says ``running`` until the short transaction that marks it ``done``, and every
document it adds carries its ``import_id``. Until then readers leave those documents out (the
document list, statistics, exports and training read ``running_imports`` first, in the same read
transaction), so nobody sees a half-imported file. Opening one document by its id is not filtered:
ids come from the document list. A failure or a cancel deletes the import's documents (their spans
go with them) a chunk per transaction, then the labels the import added unless spans use them by
now, then the record itself.

A process killed during an import cannot clean up. While it imports, it holds a shared ``flock`` on
``<project>-imports`` next to the project file, which the system releases when the process dies.
Opening the project takes that lock exclusively, without waiting: when it gets it, no import is
alive anywhere, so every import still ``running`` was interrupted and is rolled back before the
project is read. When it does not, some import is alive; interrupted ones stay hidden until a later
open. A label added by a running import is in the label set at once (statistics leave it out until
spans use it): a label carries no text, its spans stay hidden with their documents, the import's own
later chunks need it, and one that someone uses meanwhile stays after a rollback.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlite_utils import Database

from nerdesk.core.errors import ProjectError
from nerdesk.storage.connection import write_transaction
from nerdesk.storage.rows import now

ROLLBACK_CHUNK = 2000  # documents deleted per transaction when an import is taken out
RUNNING_IMPORTS = "SELECT id FROM imports WHERE status = 'running'"


def running_imports(db: Database) -> list[int]:
    """Ids of the imports not complete yet (read inside the transaction of the query they filter)."""
    return [row[0] for row in db.execute(RUNNING_IMPORTS).fetchall()]


def record_import(db: Database, status: str) -> int:
    """Insert the record of a new import (inside the caller's write transaction); returns its id."""
    cursor = db.execute("INSERT INTO imports (status, started, finished) VALUES (?, ?, ?)",
                        [status, now(), now() if status == "done" else None])
    return int(cursor.lastrowid or 0)


def tag_labels(db: Database, names: Iterable[str], import_id: int) -> None:
    """Mark labels as added by a running import (they go again if it is rolled back)."""
    db.conn.executemany("UPDATE labels SET import_id = ? WHERE name = ?", [(import_id, name) for name in names])


def finish_import(db: Database, import_id: int) -> None:
    """Make the import's documents visible (inside the caller's write transaction)."""
    db.execute("UPDATE imports SET status = 'done', finished = ? WHERE id = ?", [now(), import_id])
    db.execute("UPDATE labels SET import_id = NULL WHERE import_id = ?", [import_id])


def roll_back_import(db: Database, import_id: int) -> None:
    """Delete what the import added, in short transactions; the record goes last, so an interrupted
    rollback is finished by the next one."""
    while True:
        with write_transaction(db):
            deleted = db.execute("DELETE FROM documents WHERE id IN (SELECT id FROM documents WHERE import_id = ? "
                                 "LIMIT ?)", [import_id, ROLLBACK_CHUNK]).rowcount
        if not deleted:
            break
    with write_transaction(db):
        db.execute("DELETE FROM labels WHERE import_id = ? AND NOT EXISTS "
                   "(SELECT 1 FROM spans WHERE spans.label = labels.name)", [import_id])
        db.execute("UPDATE labels SET import_id = NULL WHERE import_id = ?", [import_id])
        db.execute("DELETE FROM imports WHERE id = ?", [import_id])


def roll_back_or_leave(db: Database, import_id: int) -> None:
    """Roll an import back after a failure; if that fails too (the file itself failing), the import
    stays ``running``: hidden from readers, and rolled back when the project is next opened."""
    with suppress(ProjectError, sqlite3.Error):
        roll_back_import(db, import_id)


def lock_path(path: Path) -> Path:
    return path.with_name(f"{path.name}-imports")


@contextmanager
def import_alive(path: Path) -> Iterator[None]:
    """Held for the whole of a chunked import: tells other processes opening the project it is alive."""
    try:
        descriptor = _locked(path, fcntl.LOCK_SH)
    except OSError as error:
        raise ProjectError(f"cannot create {lock_path(path)}, which marks a running import ({error}); "
                           "nothing was changed", code="E225") from error
    assert descriptor is not None  # a blocking lock is always granted
    try:
        yield
    finally:
        os.close(descriptor)
        with suppress(OSError):
            _remove_lock_file_if_unused(path)


def recover_interrupted_imports(db: Database, path: Path) -> int:
    """Roll back every import a dead process left ``running``; returns how many. Does nothing while
    an import is alive anywhere, or when the rollback fails (the imports stay hidden meanwhile)."""
    if db.execute(RUNNING_IMPORTS).fetchone() is None:
        return 0
    try:
        descriptor = _locked(path, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0
    if descriptor is None:
        return 0
    try:
        interrupted = running_imports(db)
        for import_id in interrupted:
            roll_back_import(db, import_id)
        lock_path(path).unlink(missing_ok=True)
    except (ProjectError, sqlite3.Error):
        return 0
    finally:
        os.close(descriptor)
    return len(interrupted)


def _locked(path: Path, operation: int) -> int | None:
    """A descriptor of the lock file holding ``operation``; None when a non-blocking lock is refused.

    The file may be removed by whoever held it last; a lock taken on a removed file is retried.
    """
    target = lock_path(path)
    while True:
        descriptor = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, operation)
        except BlockingIOError:
            os.close(descriptor)
            return None
        try:
            if os.fstat(descriptor).st_ino == os.stat(target).st_ino:
                return descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)


def _remove_lock_file_if_unused(path: Path) -> None:
    descriptor = _locked(path, fcntl.LOCK_EX | fcntl.LOCK_NB)
    if descriptor is not None:
        try:
            lock_path(path).unlink(missing_ok=True)
        finally:
            os.close(descriptor)
