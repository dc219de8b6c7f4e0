"""Creating, opening, refusing and upgrading project files on disk."""

from __future__ import annotations

import sqlite3

import pytest

from nerdesk.core import Document, ProjectError, Span
from nerdesk.storage import SCHEMA_VERSION, Project, migrations
from nerdesk.storage.schema import read_meta


@pytest.fixture
def project_path(tmp_path):
    return tmp_path / "corpus.nerdesk"


def test_create_then_reopen_keeps_everything(project_path):
    with Project.create(project_path) as project:
        [doc_id] = project.add_documents([Document("北京欢迎你", [Span(0, 2, "LOC")], name="d1", meta={"k": 1})])
        project.set_setting("threshold", 0.25)
    with Project.open(project_path) as project:
        document = project.document(doc_id)
        assert document.text == "北京欢迎你"
        assert document.spans == [Span(0, 2, "LOC")]
        assert (document.name, document.meta) == ("d1", {"k": 1})
        assert project.label_set().names == ["LOC"]
        assert project.get_setting("threshold") == 0.25
        assert project.schema_version == SCHEMA_VERSION


def test_project_file_is_plain_sqlite_in_wal_mode(project_path):
    Project.create(project_path).close()
    connection = sqlite3.connect(project_path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "labels", "documents", "spans", "models", "training_runs", "settings"} <= tables
    connection.close()


def test_create_refuses_an_existing_file(project_path):
    project_path.write_text("keep me")
    with pytest.raises(ProjectError) as caught:
        Project.create(project_path)
    assert caught.value.code == "E215"
    assert project_path.read_text() == "keep me"


def test_open_missing_file_fails_unless_create(project_path):
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert caught.value.code == "E201"
    assert not project_path.exists()
    with Project.open(project_path, create=True) as project:
        assert project.count_documents() == 0
    assert project_path.exists()


def test_text_file_is_not_a_project(project_path):
    project_path.write_text("text\tlabel\n" * 50)
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert caught.value.code == "E205"
    assert project_path.read_text() == "text\tlabel\n" * 50


def test_a_data_file_opened_as_a_project_points_to_import(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("text\tlabel\n" * 50)
    with pytest.raises(ProjectError) as caught:
        Project.open(notes)
    assert caught.value.code == "E205" and "restore it from a backup" not in str(caught.value)
    assert "nerdesk import PROJECT notes.txt" in str(caught.value)


def test_empty_file_is_not_a_project(project_path):
    project_path.write_bytes(b"")
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert caught.value.code == "E203"
    assert project_path.read_bytes() == b""


def test_other_sqlite_database_is_not_a_project(project_path):
    connection = sqlite3.connect(project_path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert caught.value.code == "E204"
    connection = sqlite3.connect(project_path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete", "a foreign file was modified"
    connection.close()


def test_newer_schema_is_refused(project_path):
    Project.create(project_path).close()
    _set_schema_version(project_path, SCHEMA_VERSION + 5)
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert caught.value.code == "E208"


def test_truncated_file_is_reported_as_damaged(project_path):
    with Project.create(project_path) as project:
        project.add_documents(Document(f"text {i} " * 40) for i in range(300))
    data = project_path.read_bytes()
    project_path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ProjectError), Project.open(project_path) as project:
        list(project.all_documents())


def _set_schema_version(path, version):
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    connection.commit()
    connection.close()


def _add_review_notes(db):
    """A schema step as a later version might add: a column with a default."""
    db.execute("ALTER TABLE documents ADD COLUMN review_note TEXT NOT NULL DEFAULT ''")


def test_older_schema_is_backed_up_then_migrated(project_path, monkeypatch):
    with Project.create(project_path) as project:
        project.add_documents([Document("a b", [Span(0, 1, "X")])])
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, _add_review_notes])

    with Project.open(project_path) as project:
        assert project.schema_version == SCHEMA_VERSION + 1
        columns = project.db.table("documents").columns_dict
        assert "review_note" in columns
        assert project.document(1).spans == [Span(0, 1, "X")]

    backup = project_path.with_name(f"corpus.nerdesk.bak-v{SCHEMA_VERSION}")
    assert backup.is_file()
    connection = sqlite3.connect(backup)
    assert read_meta_raw(connection)["schema_version"] == str(SCHEMA_VERSION)
    assert connection.execute("SELECT text FROM documents").fetchall() == [("a b",)]
    connection.close()
    # Opening again does not migrate (or back up) twice.
    Project.open(project_path).close()
    assert sorted(p.name for p in project_path.parent.iterdir() if ".bak" in p.name) == \
        [f"corpus.nerdesk.bak-v{SCHEMA_VERSION}"]


def test_new_projects_run_every_migration(project_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, _add_review_notes])
    with Project.create(project_path) as project:
        assert project.schema_version == SCHEMA_VERSION + 1
        assert "review_note" in project.db.table("documents").columns_dict
    assert not any(".bak" in p.name for p in project_path.parent.iterdir())


def test_failed_migration_leaves_the_file_at_the_old_version(project_path, monkeypatch):
    Project.create(project_path).close()
    released = list(migrations.MIGRATIONS)

    def broken(db):
        db.execute("ALTER TABLE documents ADD COLUMN extra TEXT")
        raise sqlite3.OperationalError("simulated failure half-way")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*released, broken])
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert caught.value.code == "E221"
    monkeypatch.setattr(migrations, "MIGRATIONS", released)
    with Project.open(project_path) as project:
        assert project.schema_version == SCHEMA_VERSION
        assert "extra" not in project.db.table("documents").columns_dict


def test_schema_version_constant_matches_migrations():
    assert SCHEMA_VERSION == migrations.latest_version() == 1 + len(migrations.MIGRATIONS)


def read_meta_raw(connection):
    return dict(connection.execute("SELECT key, value FROM meta").fetchall())


def test_read_meta_of_project(project_path):
    with Project.create(project_path) as project:
        assert read_meta(project.db) == {"app_id": "nerdesk", "schema_version": str(SCHEMA_VERSION)}


def test_a_missing_project_says_how_to_make_one_in_the_users_words(tmp_path, capsys):
    from nerdesk.cli import main

    assert main(["stats", str(tmp_path / "absent.nerdesk")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"nerdesk: error E201: {tmp_path / 'absent.nerdesk'} does not exist")
    assert "nerdesk import" in error and "create=True" not in error
    assert not (tmp_path / "absent.nerdesk").exists()
