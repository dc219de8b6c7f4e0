"""Opening the SQLite file of a project, and the one way to write to it.

Every user action is one ``write_transaction``: it starts with ``BEGIN IMMEDIATE`` so the write lock
is taken before anything is read (ids handed out inside stay unique), and it commits everything or
nothing. The file is in WAL mode, so readers in other connections are never blocked by a writer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from nerdesk.core.errors import ProjectError

BUSY_TIMEOUT_SECONDS = 10.0


class ProjectDatabase(Database):
    """A sqlite-utils database that knows why it is read-only (``None`` when it can be written)."""

    read_only_reason: str | None = None


def connect(path: Path, read_only: str | None = None) -> ProjectDatabase:
    """A connection with foreign keys enforced; journal mode is set by ``use_wal`` once checked.

    ``read_only`` (the reason, for messages) opens the file without ever writing to it: in a folder
    that cannot be written SQLite cannot create the WAL index either, so the file is then opened as
    immutable (nothing else can be writing to it there).
    """
    try:
        if read_only is None:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
        else:
            connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        db = ProjectDatabase(connection, execute_plugins=False)
        db.read_only_reason = read_only
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as error:
        raise ProjectError(f"{path}: cannot open the project file ({error})", code="E200") from error
    return db


def read_only_uri(path: Path) -> str:
    immutable = "&immutable=1" if not os.access(path.parent, os.W_OK) else ""
    return f"file:{quote(str(path.resolve()))}?mode=ro{immutable}"


def use_wal(db: Database) -> None:
    """Switch to WAL; ``synchronous=NORMAL`` is durable across application crashes in WAL mode."""
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")


def refuse_if_read_only(db: Database) -> None:
    """Raise before any change when ``db`` was opened read-only (a plain ``Database`` never is)."""
    reason: str | None = getattr(db, "read_only_reason", None)
    if reason:
        raise ProjectError(f"the project is open read-only ({reason}); nothing was changed", code="E220")


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One atomic write; nested calls join the outer transaction."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    refuse_if_read_only(db)
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        db.commit()
    except sqlite3.Error as error:
        if isinstance(error, sqlite3.OperationalError) and any(word in str(error) for word in ("locked", "busy")):
            raise ProjectError(f"the project is busy: another program is writing to it ({error}); nothing was "
                               "changed, try again in a moment", code="E223") from error
        raise ProjectError(f"the project could not be saved ({error}); nothing was changed",
                           code="E221") from error
    except UnicodeEncodeError as error:
        raise ProjectError(f"the project could not be saved: a value holds a character with no UTF-8 form "
                           f"({error.reason}); nothing was changed", code="E222") from error
