"""Files and folders: brat's byte-order mark, links and digits, stale export folders, file modes, and
input that once escaped detection (a 5,000-digit integer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError
from nerdesk.core.spans import Span
from nerdesk.formats import detect_format, read_file, write_file
from tests.conftest import dataset_file


def test_cmeee_dev_round_trips_through_brat_with_byte_order_marks(tmp_path):
    original = read_file(dataset_file("cmeee_v2", "dev.json")).documents
    assert sum(d.text.startswith("\ufeff") for d in original) >= 1
    write_file(original, tmp_path / "brat", "brat")
    back = read_file(tmp_path / "brat").documents
    assert len(back) == len(original) == 1000
    assert sorted((d.text, sorted(s.key for s in d.spans)) for d in back) == \
        sorted((d.text, sorted(s.key for s in d.spans)) for d in original)


def test_brat_export_warns_about_stale_files(tmp_path):
    folder = tmp_path / "out"
    write_file([Document("a", name="old1"), Document("b", name="old2")], folder, "brat")
    warnings = write_file([Document("c", name="old1")], folder, "brat")
    assert any("2 .txt and .ann files in" in w and "old2" in w for w in warnings)


def test_brat_refuses_links_out_of_the_folder(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    folder = tmp_path / "coll"
    folder.mkdir()
    (folder / "a.txt").write_text("hello", encoding="utf-8")
    (folder / "b.txt").symlink_to(outside)
    with pytest.raises(FormatError) as caught:
        read_file(folder, "brat")
    assert caught.value.code == "E123"
    (folder / "b.txt").unlink()
    (folder / "c.txt").symlink_to(folder / "a.txt")  # a link inside the collection is fine
    assert sorted(d.text for d in read_file(folder, "brat").documents) == ["hello", "hello"]


def test_brat_offsets_are_ascii_digits(tmp_path):
    (tmp_path / "d.txt").write_text("北京欢迎你", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tLOC \u0660 \u0662\t北京\n", encoding="utf-8")
    with pytest.raises(ImportProblems, match="expected 'Label START END'") as caught:
        read_file(tmp_path / "d.ann")
    assert caught.value.code == "E100"


def test_exports_respect_the_umask_and_keep_an_existing_mode(tmp_path):
    old = os.umask(0o022)
    try:
        write_file([Document("x")], tmp_path / "a.jsonl", "jsonl")
        assert (tmp_path / "a.jsonl").stat().st_mode & 0o777 == 0o644
        os.chmod(tmp_path / "a.jsonl", 0o640)
        write_file([Document("y")], tmp_path / "a.jsonl", "jsonl")
        assert (tmp_path / "a.jsonl").stat().st_mode & 0o777 == 0o640
        os.umask(0o077)
        write_file([Document("x")], tmp_path / "b", "brat")
        assert (tmp_path / "b" / "doc00001.txt").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_a_huge_integer_is_a_format_error_not_a_traceback(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"text": "abc", "label": {"X": {"a": [[0, ' + "9" * 5000 + "]]}}}\n", encoding="utf-8")
    with pytest.raises(NerdeskError):
        read_file(path)
    path.write_text("[" + "1" * 5000 + "]", encoding="utf-8")
    with pytest.raises(FormatError):
        detect_format(path)


def test_forcing_the_wrong_format_warns(tmp_path):
    source = dataset_file("cluener", "dev.json")
    result = read_file(source, "genia")
    assert sum(len(d.spans) for d in result.documents) == 0
    assert any("looks like cluener" in w for w in result.warnings)


def test_stats_json_into_a_closed_pipe_has_no_traceback(tmp_path):
    project = tmp_path / "p.nerdesk"
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"doc {i}", "spans": [], "status": "new"}) + "\n"
                              for i in range(3)), encoding="utf-8")
    run = [sys.executable, "-m", "nerdesk"]
    subprocess.run([*run, "import", str(project), str(source)], check=True, capture_output=True)
    shell = f"{' '.join(run)} stats {project} --json | head -c 1"
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout == "{" and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_import_skips_duplicates_and_assigns_splits(tmp_path, capsys):
    from nerdesk.cli import main
    from nerdesk.storage import Project

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"doc {i}", "spans": [], "status": "new"}) + "\n"
                              for i in range(20)), encoding="utf-8")
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), str(source), "--split", "train=0.8,dev=0.1,test=0.1"]) == 0
    assert "splits: train 16, dev 2, test 2" in capsys.readouterr().out
    assert main(["import", str(project), str(source)]) == 0
    captured = capsys.readouterr()
    assert "skipped 20 documents whose text" in captured.err and "imported 0 documents" in captured.out
    assert main(["import", str(project), str(source), "--duplicates", "keep", "--split", "extra"]) == 0
    with Project.open(project) as opened:
        splits = [d.split for d in opened.all_documents()]
    assert len(splits) == 40 and splits.count("extra") == 20 and splits.count("train") == 16


def test_predict_output_suffixes():
    from nerdesk.commands.predict import _output_format
    from nerdesk.formats import resolve_format

    assert _output_format(Path("x.bio"), None, resolve_format) == "conll"
    assert _output_format(Path("x.spacy"), None, resolve_format) == "spacy"
    assert _output_format(Path("x.jsonl"), None, resolve_format) == "jsonl"
    with pytest.raises(FormatError) as caught:
        _output_format(Path("x.out"), None, resolve_format)
    assert caught.value.code == "E102"


def test_spans_survive_the_brat_bom_at_start(tmp_path):
    doc = Document("\ufeff北京欢迎你", [Span(1, 3, "LOC")])
    write_file([doc], tmp_path / "b", "brat")
    assert (tmp_path / "b" / "doc00001.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_file(tmp_path / "b").documents[0].spans[0].mention(doc.text) == "北京"


def test_docbin_without_spacy_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    with pytest.raises(FormatError) as caught:
        write_file([Document("x")], tmp_path / "x.spacy", "spacy")
    assert caught.value.code == "E116"
    assert not (tmp_path / "x.spacy").exists()
