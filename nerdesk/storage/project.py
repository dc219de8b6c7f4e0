"""A nerdesk project: one SQLite file (suffix ``.nerdesk``) holding texts, spans, labels and models.

``Project`` is assembled from one part per concern (labels, documents, the document list, edits,
models, settings, statistics); this module only creates, opens, upgrades and closes the file.
Use one ``Project`` per thread; a worker thread opens its own (WAL lets readers and a writer coexist).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from nerdesk.core.errors import ProjectError
from nerdesk.storage import migrations
from nerdesk.storage.connection import ProjectDatabase, connect, use_wal, write_transaction
from nerdesk.storage.documents import DocumentsMixin
from nerdesk.storage.edits import EditsMixin
from nerdesk.storage.guard import file_failure, guard_public_methods, missing_tables
from nerdesk.storage.imports import lock_path, recover_interrupted_imports
from nerdesk.storage.labels import LabelsMixin
from nerdesk.storage.models import ModelsMixin
from nerdesk.storage.queries import QueriesMixin
from nerdesk.storage.schema import APP_ID, BASE_VERSION, create_base_schema, read_meta
from nerdesk.storage.settings import SettingsMixin
from nerdesk.storage.stats import StatsMixin

SUFFIX = ".nerdesk"


@guard_public_methods
class Project(LabelsMixin, DocumentsMixin, QueriesMixin, EditsMixin, ModelsMixin, SettingsMixin, StatsMixin):
    db: ProjectDatabase

    def __init__(self, path: Path, db: ProjectDatabase) -> None:
        """Use ``Project.create`` or ``Project.open``."""
        self.path = path
        self.db = db
        self.closed = False
        self._data_version = self._read_data_version()

    @classmethod
    def create(cls, path: str | Path) -> Project:
        """Create a new, empty project file; refuses to overwrite anything."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path} already exists; open it, or choose another file name", code="E215")
        if not path.parent.is_dir():
            what = "is a file, not a folder" if path.parent.exists() else "does not exist"
            raise ProjectError(f"cannot create {path}: {path.parent} {what}", code="E216")
        db = connect(path)
        try:
            use_wal(db)
            with write_transaction(db):
                create_base_schema(db)
                migrations.apply_migrations(db, BASE_VERSION)
        except sqlite3.Error as error:
            db.close()
            raise ProjectError(f"cannot create the project {path}: {error}", code="E217") from error
        return cls(path, db)

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, read_only: bool | None = None) -> Project:
        """Open an existing project (upgrading an older schema after a backup), or create it if asked.

        A file or folder that cannot be written opens read-only (``read_only`` says why): reading,
        statistics and export work, every change is refused. ``read_only=True`` asks for that anyway.
        """
        path = Path(path)
        if not path.exists():
            if create:
                return cls.create(path)
            raise ProjectError(f"{path} does not exist; check the path, or create the project first "
                               f"(nerdesk import PROJECT FILE..., or File > New project in the window)", code="E201")
        if not path.is_file():
            raise ProjectError(f"{path} is not a file; a project is one {SUFFIX} file", code="E202")
        reason = "opened read-only on request" if read_only else None if read_only is False else unwritable(path)
        db = connect(path, reason)
        try:
            version = check_project(db, path)
            if reason is None:
                use_wal(db)
            if version < migrations.latest_version():
                upgrade(db, path, version)
            if reason is None:
                recover_interrupted_imports(db, path)
        except sqlite3.DatabaseError as error:
            db.close()
            raise file_failure(path, error, reason, damaged="is damaged or not a nerdesk project") from error
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    @property
    def read_only(self) -> str | None:
        """Why the project cannot be changed (for the title bar or a status line), or None."""
        return self.db.read_only_reason

    @property
    def schema_version(self) -> int:
        return int(read_meta(self.db)["schema_version"])

    def changed_elsewhere(self) -> bool:
        """Whether another connection (another window, ``nerdesk import``, a retraining) committed to the file
        since the last call, or since it was opened. This connection's own commits do not count."""
        if self.closed:
            return False
        seen, self._data_version = self._data_version, self._read_data_version()
        return self._data_version != seen

    def _read_data_version(self) -> int:
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()
        self.closed = True

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r})"


def remove_project_file(path: str | Path) -> None:
    """Delete a project file with its WAL, shared-memory and import-lock files (after a failed first import)."""
    path = Path(path)
    for leftover in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm"), lock_path(path)):
        leftover.unlink(missing_ok=True)


def unwritable(path: Path) -> str | None:
    """Why the project at ``path`` cannot be written, or None: SQLite needs the file and its folder."""
    if not os.access(path, os.W_OK):
        return "the file cannot be written"
    if not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} cannot be written"
    return None


def check_project(db: ProjectDatabase, path: Path) -> int:
    """The schema version of a nerdesk project file; ProjectError for anything else or a newer schema."""
    if path.stat().st_size == 0:
        raise ProjectError(f"{path} is an empty file, not a nerdesk project; open a {SUFFIX} file",
                           code="E203")
    meta = read_meta(db)
    if meta.get("app_id") != APP_ID:
        raise ProjectError(f"{path} is an SQLite file but not a nerdesk project; open a {SUFFIX} file",
                           code="E204")
    try:
        version = int(meta["schema_version"])
    except (KeyError, ValueError) as error:
        raise ProjectError(f"{path}: the project has no valid schema version; restore it from a backup",
                           code="E206") from error
    latest = migrations.latest_version()
    if version < BASE_VERSION:
        raise ProjectError(f"{path} is damaged (schema version {version}; versions start at "
                           f"{BASE_VERSION}); restore it from a backup", code="E207")
    if version > latest:
        raise ProjectError(
            f"{path} was written by a newer nerdesk (schema version {version}; this version reads up to "
            f"{latest}); upgrade nerdesk to open it",
            code="E208",
        )
    missing = missing_tables(db.table_names())
    if missing:
        raise ProjectError(f"{path} is damaged (table {', '.join(missing)} missing); restore it from a backup",
                           code="E209")
    return version


def upgrade(db: ProjectDatabase, path: Path, version: int) -> None:
    """Back the file up as ``<file>.bak-v<version>``, then migrate it to the latest schema in one transaction.

    The backup is removed again if the migration fails: the file is unchanged then, and repeated
    attempts must not pile up copies.
    """
    if db.read_only_reason:
        raise ProjectError(f"{path} needs an upgrade (schema version {version}) but is read-only "
                           f"({db.read_only_reason}); copy it to a folder you can write and open the copy",
                           code="E210")
    backup = migrations.backup(db, path, version)
    try:
        with write_transaction(db):
            migrations.apply_migrations(db, version)
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
