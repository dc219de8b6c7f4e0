"""A large import stages its rows outside the write lock: other connections keep editing meanwhile,
and the import is still all or nothing (real SQLite files, two connections)."""

from __future__ import annotations

import threading
import time

import pytest

from nerdesk.core import Document, NerdeskError, Span
from nerdesk.core.errors import SpanError
from nerdesk.storage import Project, staging


def many_documents(count: int) -> list[Document]:
    return [Document(f"文档 {index} with Acme", [Span(0, 2, "LOC"), Span(0, 1, "X")]) for index in range(count)]


def state(project: Project):
    documents = [(d.id, d.text, sorted((s.key, s.source) for s in d.spans)) for d in project.all_documents()]
    return documents, project.label_set().names


def temp_tables(project: Project) -> list[str]:
    return [row[0] for row in project.db.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")]


def test_edits_from_another_connection_go_on_during_a_100k_document_import(tmp_path):
    path = tmp_path / "busy.nerdesk"
    with Project.open(path, create=True) as project:
        (edited,) = project.add_documents([Document("edited meanwhile")])
    documents = many_documents(100_000)
    importing, waits = threading.Event(), []

    def edit() -> None:
        with Project.open(path) as editor:
            while importing.is_set():
                started = time.perf_counter()
                editor.set_status([edited], "reviewed" if len(waits) % 2 else "in-progress")
                waits.append(time.perf_counter() - started)
                time.sleep(0.01)

    with Project.open(path) as project:
        importing.set()
        editor = threading.Thread(target=edit)
        editor.start()
        started = time.perf_counter()
        ids = project.add_documents(documents)
        seconds = time.perf_counter() - started
        edits_during_import = len(waits)
        importing.clear()
        editor.join()
        assert len(ids) == 100_000 and project.document(ids[-1]).text == documents[-1].text
    # Before staging, every edit waited for the whole import (about 8.5 s of 8.8 s here).
    assert edits_during_import >= 10
    assert max(waits) < 0.5 * seconds


def test_a_failure_midway_leaves_nothing_and_no_staged_rows(tmp_path):
    with Project.open(tmp_path / "fail.nerdesk", create=True) as project:
        project.add_documents([Document("kept", [Span(0, 4, "OLD")])])
        before = state(project)
        documents = many_documents(5000)
        documents[4321] = Document("short", [Span(2, 99, "BAD")])
        with pytest.raises(SpanError, match="document 4322") as caught:
            project.add_documents(documents, labels=["NEW"])
        assert caught.value.code == "E003"
        assert state(project) == before
        assert temp_tables(project) == []


def test_a_cancel_while_staging_leaves_nothing(tmp_path):
    def cancel(done: int) -> None:
        if done >= 4000:
            raise NerdeskError("cancelled")

    with Project.open(tmp_path / "cancel.nerdesk", create=True) as project:
        before = state(project)
        with pytest.raises(NerdeskError, match="cancelled"):
            project.add_documents(many_documents(9000), progress=cancel, labels=["NEW"])
        assert state(project) == before
        assert temp_tables(project) == []


def test_a_failure_while_moving_in_the_last_chunk_rolls_the_whole_import_back(tmp_path, monkeypatch):
    moved = staging.ImportStage.move_chunk

    def move_then_fail_at_the_end(self, start, first_id, import_id, size=staging.MOVE_CHUNK):
        ids = moved(self, start, first_id, import_id, size)
        if start + size >= self.count:
            raise OSError("disk full")
        return ids

    with Project.open(tmp_path / "move.nerdesk", create=True) as project:
        project.add_documents([Document("kept", [Span(0, 4, "OLD")])])
        before = state(project)
        monkeypatch.setattr(staging.ImportStage, "move_chunk", move_then_fail_at_the_end)
        with pytest.raises(OSError):
            project.add_documents(many_documents(3 * staging.MOVE_CHUNK + 5), labels=["NEW"])
        assert state(project) == before
        assert temp_tables(project) == []
        assert project.db.execute("SELECT count(*) FROM imports WHERE status = 'running'").fetchone()[0] == 0


def test_ids_stay_unique_when_another_connection_adds_documents_during_staging(tmp_path):
    path = tmp_path / "ids.nerdesk"
    Project.open(path, create=True).close()
    other_ids = []

    def add_elsewhere(done: int) -> None:
        with Project.open(path) as other:
            other_ids.extend(other.add_documents([Document(f"added elsewhere after {done}")]))

    with Project.open(path) as project:
        ids = project.add_documents(many_documents(4500), progress=add_elsewhere)
        # three reports while checking, three after the chunks moved in (2,000 + 2,000 + 500)
        assert not set(ids) & set(other_ids) and len(other_ids) == 6
        assert [project.document(doc_id).text for doc_id in ids] == [f"文档 {i} with Acme" for i in range(4500)]
        assert len(list(project.all_documents())) == 4506


def test_a_project_another_program_holds_locked_says_busy_and_changes_nothing(tmp_path, monkeypatch):
    import sqlite3

    from nerdesk.storage import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "held.nerdesk"
    with Project.open(path, create=True) as project:
        project.add_documents([Document("already there")])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of a write
    try:
        with Project.open(path) as project, pytest.raises(NerdeskError) as caught:
            project.add_documents([Document("new")])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caught.value.code == "E223" and "busy" in str(caught.value)
    with Project.open(path) as project:
        assert [d.text for d in project.all_documents()] == ["already there"]
