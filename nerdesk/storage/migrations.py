"""Schema versions after the first, and how a project file is brought up to date.

``MIGRATIONS[i]`` turns a version ``i + 1`` project into version ``i + 2``. To change the schema,
append a step; never edit a released one. New projects are created at version 1 and run through
every step too, so there is one definition of each version. Before an existing file is upgraded it is
copied to ``<file>.bak-v<old version>``: a user can always go back to the nerdesk that wrote it.

All steps run in one transaction with foreign keys enforced (``PRAGMA foreign_keys`` cannot change
inside a transaction), so a step that rebuilds a table must keep every reference valid, or set
``PRAGMA defer_foreign_keys = ON`` to have them checked at commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from nerdesk.storage import rejected_predictions
from nerdesk.storage.schema import BASE_VERSION, write_schema_version

Migration = Callable[[Database], None]


def add_label_display_names(db: Database) -> None:
    """Version 2: a label may carry a display name and a description ("sym": "symptom", what it covers).

    Empty by default: an older project's labels keep showing their names.
    """
    db.execute("ALTER TABLE labels ADD COLUMN display_name TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE labels ADD COLUMN description TEXT NOT NULL DEFAULT ''")


def track_imports(db: Database) -> None:
    """Version 3: imports are recorded, and the documents and labels they add carry the import's id.

    A large import commits in chunks so that it never holds the write lock for long; until its
    ``imports`` row says ``done``, readers leave its documents out, and a failure, a cancel or (when
    the project is next opened) a killed process removes them by that id (``nerdesk.storage.staging``).
    A label's ``import_id`` is set only while the import that added it runs. Older documents have none.
    """
    db.execute("CREATE TABLE imports (id INTEGER PRIMARY KEY AUTOINCREMENT, "
               "status TEXT NOT NULL CHECK (status IN ('running', 'done')), started TEXT NOT NULL, finished TEXT)")
    db.execute("ALTER TABLE documents ADD COLUMN import_id INTEGER")
    db.execute("ALTER TABLE labels ADD COLUMN import_id INTEGER")
    db.execute("CREATE INDEX documents_import ON documents (import_id) WHERE import_id IS NOT NULL")


def remember_rejected_predictions(db: Database) -> None:
    """Version 4: predictions the user turned down (rejected, deleted, corrected) are recorded, so that later
    runs leave them out (``nerdesk.storage.rejected_predictions``). An older project starts with none."""
    db.execute(rejected_predictions.CREATE_TABLE)


MIGRATIONS: list[Migration] = [add_label_display_names, track_imports, remember_rejected_predictions]


def latest_version() -> int:
    return BASE_VERSION + len(MIGRATIONS)


SCHEMA_VERSION = latest_version()


def backup_path(path: Path, version: int) -> Path:
    """``<file>.bak-v<version>``, or ``...-2``, ``-3``... if an earlier attempt left one behind."""
    target = path.with_name(f"{path.name}.bak-v{version}")
    attempt = 2
    while target.exists():
        target = path.with_name(f"{path.name}.bak-v{version}-{attempt}")
        attempt += 1
    return target


def backup(db: Database, path: Path, version: int) -> Path:
    """Copy the project (WAL contents included) next to itself before it is changed."""
    target = backup_path(path, version)
    destination = sqlite3.connect(target)
    try:
        db.conn.backup(destination)
    finally:
        destination.close()
    return target


def apply_migrations(db: Database, from_version: int) -> None:
    """Run the steps from ``from_version`` to the latest, inside the caller's transaction."""
    for index in range(from_version - BASE_VERSION, len(MIGRATIONS)):
        MIGRATIONS[index](db)
    write_schema_version(db, latest_version())
