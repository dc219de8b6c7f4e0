"""A path the file system refuses (a name too long, a file where a folder is needed) is one coded line, with
nothing changed, whichever command first touches it."""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main

LONG = "x" * 300  # longer than any file system's 255-byte name


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Ada met Bob.", "spans": []}) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [
    ["stats", "{dir}/{long}.nerdesk"],
    ["import", "{dir}/{long}.nerdesk", "{data}"],
    ["import", "{dir}/p.nerdesk", "{dir}/{long}.jsonl"],
    ["eval", "--model", "en-general-conll", "{dir}/{long}.jsonl"],
    ["predict", "--model", "{dir}/{long}", "{data}", "--out", "{dir}/out.jsonl"],
])
def test_a_name_too_long_is_one_coded_line(tmp_path, capsys, data, command):
    argv = [part.format(dir=tmp_path, long=LONG, data=data) for part in command]
    assert main(argv) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("nerdesk: error E128: ") and "File name too long" in error[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.jsonl"]


def test_a_project_inside_a_file_is_named_as_such(tmp_path, capsys, data):
    assert main(["import", str(data / "p.nerdesk"), str(data)]) == 1
    assert capsys.readouterr().err.strip() == f"nerdesk: error E216: cannot create {data / 'p.nerdesk'}: {data} is a " \
                                              "file, not a folder"
