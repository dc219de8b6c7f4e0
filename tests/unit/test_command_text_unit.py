"""``--text-unit`` cuts a text file into documents (the text format's option ``split``) in import and export;
``--split`` stays the data split (``import notes.txt --split paragraph`` put every line in a split "paragraph")."""

from __future__ import annotations

import pytest

from nerdesk.cli import main
from nerdesk.storage import Project


def test_import_reads_a_text_file_by_paragraph_and_export_writes_one(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("one\ntwo\n\nthree\n", encoding="utf-8")
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), str(notes), "--text-unit", "paragraph", "--split", "dev"]) == 0
    with Project.open(project) as opened:
        documents = list(opened.all_documents())
    assert [(doc.text, doc.split) for doc in documents] == [("one\ntwo", "dev"), ("three", "dev")]
    out = tmp_path / "out.txt"
    assert main(["export", str(project), "--format", "text", "--text-unit", "paragraph", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "one\ntwo\n\nthree\n"
    capsys.readouterr()
    assert main(["export", str(project), "--format", "jsonl", "--text-unit", "line", "--out", str(tmp_path / "o.jsonl")]) != 0
    assert "E108: --text-unit is an option of --format text, not jsonl" in capsys.readouterr().err


def test_the_help_tells_the_data_split_from_the_text_unit(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--split SPLIT the data split" in text and "--text-unit {line,paragraph,document}" in text
