"""A large import commits in chunks and is still all or nothing: a failure at the last chunk, a cancel,
or a kill of the importing process leave no trace; readers never see a half-imported file; a
version-2 project migrates (real SQLite files, several connections, a real child process)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlite_utils import Database

from nerdesk.core import Document, NerdeskError, Span
from nerdesk.core.edits import add_span
from nerdesk.core.errors import ProjectError
from nerdesk.storage import SCHEMA_VERSION, Project, staging
from nerdesk.storage.imports import lock_path
from nerdesk.storage.migrations import add_label_display_names
from nerdesk.storage.schema import create_base_schema, write_schema_version

CHUNK = staging.MOVE_CHUNK
COUNT = 3 * CHUNK + 7  # four chunks, the last one short


def many_documents(count: int = COUNT) -> list[Document]:
    return [Document(f"文档 {index} Acme", [Span(0, 2, "LOC"), Span(0, 1, "NEW"), Span(3, 7, "OLD")],
                     status="reviewed") for index in range(count)]


def content(path) -> tuple[list[tuple], ...]:
    """Every row of the documents, spans, labels and imports tables, read without nerdesk."""
    connection = sqlite3.connect(path)
    try:
        return tuple(connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
                     for table in ("documents", "spans", "labels", "imports"))
    finally:
        connection.close()


def project_with_history(path) -> None:
    with Project.open(path, create=True) as project:
        project.add_label("OLD")
        project.add_documents([Document("kept text", [Span(0, 4, "OLD")], status="reviewed")])
        project.add_documents(many_documents(CHUNK + 1))  # an earlier chunked import, done


def running_imports(path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM imports WHERE status = 'running'").fetchone()[0]
    finally:
        connection.close()


def test_a_failure_at_the_last_chunk_leaves_every_row_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "fail.nerdesk"
    project_with_history(path)
    before = content(path)
    moved = staging.ImportStage.move_chunk

    def fail_at_the_last_chunk(self, start, first_id, import_id, size=CHUNK):
        ids = moved(self, start, first_id, import_id, size)
        if start + size >= self.count:
            raise sqlite3.OperationalError("disk I/O error")
        return ids

    monkeypatch.setattr(staging.ImportStage, "move_chunk", fail_at_the_last_chunk)
    reported = r"\(disk I/O error\); nothing was changed"
    with Project.open(path) as project, pytest.raises(ProjectError, match=reported) as caught:
        project.add_documents(many_documents(), labels=["DECLARED"])
    assert caught.value.code == "E221"
    assert content(path) == before
    assert not lock_path(path).exists()


@pytest.mark.parametrize("cancel_at", [COUNT // 2 + CHUNK, COUNT])
def test_a_cancel_while_storing_leaves_every_row_as_it_was(tmp_path, cancel_at):
    path = tmp_path / "cancel.nerdesk"
    project_with_history(path)
    before = content(path)
    reports = []

    def cancel(done: int) -> None:
        reports.append(done)
        if done >= cancel_at:
            raise NerdeskError("cancelled", code="E500")

    with Project.open(path) as project, pytest.raises(NerdeskError) as caught:
        project.add_documents(many_documents(), progress=cancel, labels=["DECLARED"])
    assert caught.value.code == "E500"
    assert reports[-1] == cancel_at and reports == sorted(reports)
    assert content(path) == before


CHILD = """
import os, signal, sys
from nerdesk.core import Document, Span
from nerdesk.storage import Project, staging

def die_after_the_first_chunk(done):
    if done > {count} // 2:  # the first chunk is committed
        os.kill(os.getpid(), signal.SIGKILL)

documents = [Document(f"killed {{i}}", [Span(0, 6, "GONE"), Span(0, 2, "OLD")]) for i in range({count})]
with Project.open(sys.argv[1]) as project:
    project.add_documents(documents, progress=die_after_the_first_chunk, labels=["ALSO_GONE"])
"""


def test_an_import_killed_midway_is_rolled_back_when_the_project_is_next_opened(tmp_path):
    path = tmp_path / "killed.nerdesk"
    project_with_history(path)
    before = content(path)
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD.format(count=COUNT)), str(path)],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr
    after_kill = content(path)
    assert running_imports(path) == 1 and len(after_kill[0]) == len(before[0]) + CHUNK  # one chunk committed
    assert "GONE" in {row[1] for row in after_kill[2]}
    with Project.open(path) as project:
        assert project.count_documents() == len(before[0])
    assert content(path) == before
    assert not lock_path(path).exists()


def test_readers_see_none_of_a_running_import_and_do_not_roll_it_back(tmp_path):
    path = tmp_path / "read.nerdesk"
    project_with_history(path)
    observed = []

    def look(project: Project) -> tuple:
        return (project.count_documents(), project.document_ids(), project.document_ids(label="LOC"),
                project.document_summaries(limit=10_000), project.stats(),
                [(d.id, d.text, d.spans) for d in project.all_documents(status="reviewed")])

    with Project.open(path) as reader:
        seen_before = look(reader)

    def read_meanwhile(done: int) -> None:
        if done > COUNT // 2:  # chunks are committed now
            with Project.open(path) as reader:  # opening does not take a live import for a dead one
                observed.append(look(reader))
            assert running_imports(path) == 1

    with Project.open(path) as project:
        ids = project.add_documents(many_documents(), progress=read_meanwhile, labels=["FRESH"])
        assert len(observed) == 4 and all(seen == seen_before for seen in observed)  # stats: no FRESH yet
    with Project.open(path) as reader:
        assert reader.count_documents() == seen_before[0] + COUNT
        assert reader.stats()["spans"]["gold"] == seen_before[4]["spans"]["gold"] + 3 * COUNT
        assert reader.document(ids[-1]).text == f"文档 {COUNT - 1} Acme"
        assert reader.stats()["labels"]["FRESH"] == {"gold": 0, "pred": 0}
    assert running_imports(path) == 0 and not lock_path(path).exists()


def test_a_label_the_import_added_stays_after_a_cancel_when_someone_used_it_meanwhile(tmp_path):
    path = tmp_path / "labels.nerdesk"
    project_with_history(path)

    def use_a_new_label_then_cancel(done: int) -> None:
        if done > COUNT // 2:
            with Project.open(path) as editor:
                editor.apply_edit(add_span(1, Span(0, 4, "DECLARED")))
            raise NerdeskError("cancelled", code="E500")

    with Project.open(path) as project:
        with pytest.raises(NerdeskError):
            project.add_documents(many_documents(), progress=use_a_new_label_then_cancel,
                                  labels=["DECLARED", "UNUSED"])
        names = project.label_set().names
        assert "DECLARED" in names and "UNUSED" not in names
        assert Span(0, 4, "DECLARED") in project.document(1).gold
    assert content(path)[2][-1][-1] is None  # the kept label no longer belongs to an import


def version_two_project(path) -> None:
    """A project file as nerdesk wrote it before imports were recorded (schema version 2)."""
    db = Database(sqlite3.connect(path))
    with db.conn:
        create_base_schema(db)
        add_label_display_names(db)
        write_schema_version(db, 2)
        db.table("labels").insert({"name": "sym", "color": "#0072b2", "key": "1", "position": 0,
                                   "display_name": "symptom", "description": ""})
        db.table("documents").insert({"text": "头痛三天。", "status": "reviewed", "length": 5, "meta": "{}",
                                      "created": "2026-01-01T00:00:00", "updated": "2026-01-01T00:00:00"})
        db.table("spans").insert({"doc_id": 1, "start": 0, "end": 2, "label": "sym", "source": "gold"})
    db.conn.close()


def test_a_version_two_project_migrates_with_a_backup_and_imports_in_chunks(tmp_path):
    path = tmp_path / "v2.nerdesk"
    version_two_project(path)
    with Project.open(path) as project:
        assert project.schema_version == SCHEMA_VERSION and "imports" in project.db.table_names()
        assert project.document_ids() == [1] and project.document(1).spans == [Span(0, 2, "sym")]
        assert project.label_set().get("sym").title == "sym — symptom"
        ids = project.add_documents(many_documents())
        assert project.count_documents() == 1 + COUNT and ids[0] == 2
    assert path.with_name("v2.nerdesk.bak-v2").is_file()
    backup = sqlite3.connect(path.with_name("v2.nerdesk.bak-v2"))
    assert backup.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    backup.close()
    rows = content(path)
    assert rows[0][0][-1] is None and {row[-1] for row in rows[0][1:]} == {1}
    assert rows[3][0][1] == "done"
