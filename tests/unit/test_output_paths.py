"""Output files never replace a project, its journal files, another SQLite database, a device, a FIFO or a
folder (``nerdesk.core.output_paths``), whichever writer, workflow or window asks; links are followed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.output_paths import check_output_file, is_sqlite_database
from nerdesk.core.spans import Span
from nerdesk.formats import write_file
from nerdesk.formats.atomic_write import atomic_write_bytes
from nerdesk.storage import Project
from nerdesk.workflows.transfer import export_documents


def make_project(path: Path) -> Path:
    with Project.create(path) as project:
        project.add_documents([Document("John lives in Paris.", [Span(14, 19, "LOC")], status="reviewed"),
                               Document("Mary.")])
    return path


def refused(call) -> FormatError:
    with pytest.raises(FormatError) as caught:
        call()
    assert caught.value.code == "E126" and "nothing was written" in str(caught.value)
    return caught.value


def test_a_project_and_any_sqlite_file_are_databases_and_a_jsonl_file_is_not(tmp_path):
    assert is_sqlite_database(make_project(tmp_path / "p.nerdesk"))
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    assert not is_sqlite_database(tmp_path / "a.jsonl")
    assert not is_sqlite_database(tmp_path / "absent.jsonl") and not is_sqlite_database(tmp_path)


def test_writing_over_another_project_is_refused_and_it_stays_byte_for_byte(tmp_path):
    other = make_project(tmp_path / "other.db")  # any name: the header tells
    before = other.read_bytes()
    error = refused(lambda: write_file([Document("x")], other, "jsonl"))
    assert "SQLite database" in str(error) and other.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["other.db"]  # no temporary file left


@pytest.mark.parametrize("side", ["-wal", "-shm", "-journal"])
def test_a_journal_file_of_a_database_is_refused_existing_or_not(tmp_path, side):
    make_project(tmp_path / "p.nerdesk")
    journal = tmp_path / f"p.nerdesk{side}"
    refused(lambda: atomic_write_bytes(journal, b"{}\n"))
    assert not journal.exists()
    journal.write_bytes(b"journal bytes")
    refused(lambda: atomic_write_bytes(journal, b"{}\n"))
    assert journal.read_bytes() == b"journal bytes"


def test_a_file_named_like_a_journal_next_to_no_database_is_written(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    atomic_write_bytes(tmp_path / "notes.txt-wal", b"ok")
    assert (tmp_path / "notes.txt-wal").read_bytes() == b"ok"


def test_the_exported_project_is_refused_by_any_spelling_before_it_is_read(tmp_path):
    path = make_project(tmp_path / "p.nerdesk")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(path)
    with Project.open(path) as project:
        for out in (path, tmp_path / "sub" / ".." / "p.nerdesk", tmp_path / "link.jsonl",
                    tmp_path / "p.nerdesk-wal", tmp_path / "p.nerdesk-shm"):
            error = refused(lambda out=out: export_documents(project, out, "jsonl"))
            assert "project itself" in str(error)
        assert [d.text for d in project.all_documents()] == ["John lives in Paris.", "Mary."]
    assert is_sqlite_database(path) and (tmp_path / "link.jsonl").is_symlink()


def test_a_fifo_is_refused_and_left_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    error = refused(lambda: write_file([Document("x")], fifo, "jsonl"))
    assert "FIFO" in str(error) and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_character_device_is_refused_and_left_a_device(tmp_path):
    device = tmp_path / "full"  # a copy of /dev/full's node, so a failure cannot damage /dev
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here: {error}")
    error = refused(lambda: write_file([Document("x")], device, "jsonl"))
    assert "character device" in str(error) and stat.S_ISCHR(os.stat(device).st_mode)


def test_a_folder_is_refused_for_a_one_file_format_but_brat_writes_into_one(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    error = refused(lambda: write_file([Document("x")], folder, "jsonl"))
    assert "folder" in str(error) and list(folder.iterdir()) == []
    with Project.open(make_project(tmp_path / "p.nerdesk")) as project:
        refused(lambda: export_documents(project, folder, "jsonl"))
        assert export_documents(project, folder, "brat").documents == 2
    assert (folder / "doc00001.ann").read_text(encoding="utf-8") == "T1\tLOC 14 19\tParis\n"


def test_a_link_is_followed_the_file_it_names_replaced_and_the_link_kept(tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n", encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to(target.name)
    write_file([Document("new")], tmp_path / "link.jsonl", "jsonl")
    assert (tmp_path / "link.jsonl").is_symlink()
    assert '"text": "new"' in target.read_text(encoding="utf-8")


def test_a_new_path_and_an_ordinary_file_pass(tmp_path):
    check_output_file(tmp_path / "new.jsonl")
    (tmp_path / "old.jsonl").write_text("x\n", encoding="utf-8")
    check_output_file(tmp_path / "old.jsonl", project=make_project(tmp_path / "p.nerdesk"))
    check_output_file(tmp_path, folder_ok=True)
