"""The tables of a project file, as first created (schema version 1).

Later versions are reached by the steps in ``migrations.py``, for new and old projects alike, so a
freshly created project and an upgraded one always end up with the same tables (version 2 adds the
labels' ``display_name`` and ``description``; version 3 the ``imports`` table and the ``import_id`` of
documents and labels; version 4 the ``rejected_predictions`` table).

Offsets in ``spans`` are code points with exclusive ends, like everywhere inside nerdesk.
"""

from __future__ import annotations

from sqlite_utils import Database

APP_ID = "nerdesk"
BASE_VERSION = 1

BASE_SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE labels (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    color    TEXT NOT NULL,
    key      TEXT UNIQUE,
    position INTEGER NOT NULL
);

-- AUTOINCREMENT: ids of deleted documents are never reused, so an edit kept on an undo stack
-- can never land on a different document.
CREATE TABLE documents (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    text    TEXT NOT NULL,
    name    TEXT,
    meta    TEXT NOT NULL DEFAULT '{}',
    status  TEXT NOT NULL DEFAULT 'new'
            CHECK (status IN ('new', 'predicted', 'in-progress', 'reviewed')),
    split   TEXT,
    length  INTEGER NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX documents_status ON documents (status, id);
CREATE INDEX documents_split ON documents (split, id);

-- Spans are identified by value (edits match them that way), so the unique key is the primary key
-- of a WITHOUT ROWID table: one B-tree instead of a table plus a unique index (bulk inserts ~25%
-- faster), and the spans of one document are stored together.
CREATE TABLE spans (
    doc_id        INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    "start"       INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    label         TEXT NOT NULL REFERENCES labels (name) ON UPDATE CASCADE,
    source        TEXT NOT NULL CHECK (source IN ('gold', 'pred')),
    score         REAL,
    model_version TEXT,
    CHECK ("start" >= 0 AND "start" < "end"),
    PRIMARY KEY (doc_id, "start", "end", label, source)
) WITHOUT ROWID;
CREATE INDEX spans_label ON spans (label, doc_id);

CREATE TABLE models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    bundle_path TEXT NOT NULL,
    metrics     TEXT NOT NULL DEFAULT '{}',
    settings    TEXT NOT NULL DEFAULT '{}',
    trained_on  TEXT NOT NULL DEFAULT '{}',
    created     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active = 1;

CREATE TABLE training_runs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    status   TEXT NOT NULL,
    started  TEXT NOT NULL,
    finished TEXT,
    model_id INTEGER REFERENCES models (id) ON DELETE SET NULL,
    fields   TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def create_base_schema(db: Database) -> None:
    """Create the version-1 tables in an empty database (inside the caller's transaction)."""
    db.executescript(BASE_SCHEMA)
    db.table("meta").insert_all(
        [{"key": "app_id", "value": APP_ID}, {"key": "schema_version", "value": str(BASE_VERSION)}]
    )


def read_meta(db: Database) -> dict[str, str]:
    """The ``meta`` table as a dict; empty when the table does not exist."""
    if "meta" not in db.table_names():
        return {}
    return {row["key"]: row["value"] for row in db.table("meta").rows}


def write_schema_version(db: Database, version: int) -> None:
    db.table("meta").upsert({"key": "schema_version", "value": str(version)}, pk="key")
