"""Damaged and unwritable project files: one clear line each, no traceback, nothing written to them."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from pathlib import Path

import pytest

from nerdesk.cli import main
from nerdesk.core import Document, NerdeskError, ProjectError, Span
from nerdesk.storage import Project
from nerdesk.workflows import transfer

PAGE = 4096


def build(path: Path) -> Path:
    with Project.create(path) as project:
        rng = random.Random(7)
        project.add_documents([
            Document("".join(rng.choice("北京上海广州深圳") for _ in range(300)), [Span(0, 2, "LOC")],
                     name=f"d{i}", meta={"i": i})
            for i in range(120)
        ])
    return path


def sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def garbage_page(path: Path, page: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(page * PAGE)
        handle.write(random.Random(page).randbytes(PAGE))


def last_page(path: Path) -> int:
    return path.stat().st_size // PAGE - 1


DAMAGES = {
    "dropped spans table": lambda p: sql(p, "DROP TABLE spans"),
    "dropped documents table": lambda p: sql(p, "DROP TABLE documents"),
    "schema version 0": lambda p: sql(p, "UPDATE meta SET value = '0' WHERE key = 'schema_version'"),
    "schema version -3": lambda p: sql(p, "UPDATE meta SET value = '-3' WHERE key = 'schema_version'"),
    "schema version text": lambda p: sql(p, "UPDATE meta SET value = 'x' WHERE key = 'schema_version'"),
    "text not utf-8": lambda p: sql(p, "UPDATE documents SET text = CAST(x'80ff41' AS TEXT) WHERE id = 60"),
    "meta not json": lambda p: sql(p, "UPDATE documents SET meta = '{broken' WHERE id = 60"),
    "garbage second page": lambda p: garbage_page(p, 1),
    "garbage middle page": lambda p: garbage_page(p, last_page(p) // 2),
    "garbage last page": lambda p: garbage_page(p, last_page(p)),
    "truncated": lambda p: os.truncate(p, p.stat().st_size // 2),
}

OPERATIONS = {
    "stats": lambda project, tmp: project.stats(),
    "document list": lambda project, tmp: project.document_summaries(limit=200),
    "every document": lambda project, tmp: list(project.all_documents()),
    "one document": lambda project, tmp: project.document(60),
    "labels": lambda project, tmp: project.label_set(),
    "export": lambda project, tmp: transfer.export_documents(project, tmp / "out.json", "nerdesk-json"),
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_about(error: BaseException, path: Path) -> None:
    message = str(error)
    assert isinstance(error, ProjectError), f"{type(error).__name__}: {message}"
    assert "\n" not in message and str(path) in message and "Traceback" not in message


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_project_fails_with_one_line_and_is_left_as_it_was(tmp_path, damage):
    path = build(tmp_path / "damaged.nerdesk")
    DAMAGES[damage](path)
    before = digest(path)
    failures = []
    for attempt in range(2):
        try:
            project = Project.open(path)
        except NerdeskError as error:
            one_line_about(error, path)
            failures.append(("open", str(error)))
            continue
        with project:
            for name, operation in OPERATIONS.items():
                try:
                    operation(project, tmp_path)
                except NerdeskError as error:
                    one_line_about(error, path)
                    failures.append((name, str(error)))
        assert attempt == 0 or digest(path) == before
    assert failures, "the damage went unnoticed"
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == []


def test_cli_stats_of_a_damaged_project_prints_one_line(tmp_path, capsys):
    path = build(tmp_path / "damaged.nerdesk")
    sql(path, "DROP TABLE labels")
    assert main(["stats", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "table labels missing" in err and "restore it from a backup" in err


def test_schema_version_zero_names_the_problem_and_writes_no_backup(tmp_path):
    path = build(tmp_path / "zero.nerdesk")
    sql(path, "UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    for _ in range(3):
        with pytest.raises(ProjectError, match="schema version 0; versions start at 1") as caught:
            Project.open(path)
        assert caught.value.code == "E207"
    assert [p.name for p in tmp_path.iterdir()] == ["zero.nerdesk"]


def check_reads_work_and_writes_are_refused(path: Path, tmp_path: Path, reason: str) -> None:
    before = digest(path)
    with Project.open(path) if reason != "on request" else Project.open(path, read_only=True) as project:
        assert project.read_only and reason in project.read_only
        assert project.stats()["documents"] == 120
        assert transfer.export_documents(project, tmp_path / "out.json", "nerdesk-json").documents == 120
        with pytest.raises(ProjectError) as caught:
            project.add_documents([Document("new")])
        assert caught.value.code == "E220"
        with pytest.raises(ProjectError) as caught:
            project.set_status([1], "reviewed")
        assert caught.value.code == "E220"
    assert digest(path) == before


def test_a_project_opened_read_only_on_request_reads_and_exports_but_refuses_changes(tmp_path):
    path = build(tmp_path / "p.nerdesk")
    check_reads_work_and_writes_are_refused(path, tmp_path, "on request")


def test_an_unwritable_folder_opens_read_only_and_says_why(tmp_path, monkeypatch):
    """As root every folder is writable, so the permission check is made to answer as for a user."""
    folder = tmp_path / "shared"
    folder.mkdir()
    path = build(folder / "p.nerdesk")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder and mode == os.W_OK
                        else real_access(p, mode))
    check_reads_work_and_writes_are_refused(path, tmp_path, f"its folder {folder} cannot be written")
    assert sorted(p.name for p in folder.iterdir()) == ["p.nerdesk"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_and_folder_open_read_only(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    path = build(folder / "p.nerdesk")
    path.chmod(0o444)
    check_reads_work_and_writes_are_refused(path, tmp_path, "the file cannot be written")
    folder.chmod(0o555)
    try:
        check_reads_work_and_writes_are_refused(path, tmp_path, "the file cannot be written")
    finally:
        folder.chmod(0o755)
