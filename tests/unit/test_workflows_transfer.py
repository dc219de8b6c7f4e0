"""The shared import/export path: one transaction with its labels, cancel before the commit, no leftovers."""

from __future__ import annotations

import json
import math
import sqlite3

import pytest

from nerdesk.cli import main
from nerdesk.core import Document, NerdeskError, Span
from nerdesk.core.errors import ImportProblems
from nerdesk.formats import read_files
from nerdesk.storage import Project
from nerdesk.workflows import transfer


@pytest.fixture
def cluener_file(tmp_path):
    path = tmp_path / "small.json"
    lines = [{"text": "张伟在北京。", "label": {"PER": {"张伟": [[0, 1]]}, "LOC": {"北京": [[3, 4]]}}},
             {"text": "李娜去了上海。", "label": {"LOC": {"上海": [[4, 5]]}}}]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def surrogate_file(tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "bad \\ud800 text"}\n', encoding="utf-8")
    return path


def test_import_stores_documents_and_labels_with_progress_before_the_commit(tmp_path, cluener_file):
    path = tmp_path / "p.nerdesk"
    seen = []

    def progress(done, total):
        with Project.open(path) as other:  # another connection: nothing committed yet
            seen.append((done, total, other.count_documents()))

    with Project.create(path) as project:
        report = transfer.store_import(project, transfer.read_import([cluener_file], "cluener"), progress=progress)
        assert sorted(project.label_set().names) == ["LOC", "PER"]
    assert seen == [(1, 2, 0), (2, 2, 0)]  # half once checked, all once stored (but not yet committed)
    assert (len(report.ids), report.gold, report.pred, report.format) == (2, 3, 0, "cluener")


def test_cancel_at_the_last_report_adds_no_document_and_no_label(tmp_path, cluener_file):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_label("KEPT")
        with pytest.raises(transfer.ImportCancelled, match="nothing was added") as caught:
            transfer.store_import(project, transfer.read_import([cluener_file], "cluener"), cancelled=lambda: True)
        assert caught.value.code == "E500"
        assert project.count_documents() == 0 and project.label_set().names == ["KEPT"]


def test_a_failed_import_into_a_new_project_leaves_no_file(tmp_path, surrogate_file, capsys):
    path = tmp_path / "new.nerdesk"
    with pytest.raises(ImportProblems, match="record 2: text has a lone surrogate") as caught:
        transfer.store_into_file(path, read_files([surrogate_file], "jsonl"))
    assert [problem.code for problem in caught.value.problems] == ["E233"]
    assert list(tmp_path.glob("new.nerdesk*")) == []
    assert main(["import", str(path), str(surrogate_file), "--format", "jsonl"]) != 0
    assert "lone surrogate" in capsys.readouterr().err
    assert list(tmp_path.glob("new.nerdesk*")) == []


def test_a_failed_import_into_an_existing_project_keeps_it_unchanged(tmp_path, surrogate_file):
    path = tmp_path / "old.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("kept")])
    with pytest.raises(NerdeskError):
        transfer.store_into_file(path, read_files([surrogate_file], "jsonl"))
    with Project.open(path) as project:
        assert [d.text for d in project.all_documents()] == ["kept"]


def holding_non_finite_values(path):
    """A project written by a version that let NaN and Infinity in (set behind the store's back)."""
    with Project.create(path) as project:
        project.add_documents([Document("北京", [Span(0, 2, "LOC", "pred", 0.5, "m")], name="first"),
                               Document("上海", name="second", meta={"a": [1.0, 2.0]})])
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE spans SET score = ?", [math.inf])
        connection.execute("UPDATE documents SET meta = '{\"a\": [NaN, 2.0]}' WHERE name = 'second'")
    connection.close()


@pytest.mark.parametrize("format_name", ["nerdesk-json", "jsonl", "label-studio"])
def test_a_project_holding_nan_or_infinity_still_exports_naming_each_document(tmp_path, format_name):
    path = tmp_path / "old.nerdesk"
    holding_non_finite_values(path)
    target = tmp_path / "out.json"
    with Project.open(path) as project:
        report = transfer.export_documents(project, target, format_name, source="all")
    assert report.documents == 2
    assert any(w.startswith("document 1 (first): span 0..2 (LOC) has score inf") for w in report.warnings)
    assert any(w.startswith("document 2 (second): meta['a'][0] (nan)") for w in report.warnings)
    assert [d.text for d in read_files([target], format_name).documents] == ["北京", "上海"]


def test_cli_export_of_such_a_project_works_and_warns(tmp_path, capsys):
    path = tmp_path / "old.nerdesk"
    holding_non_finite_values(path)
    assert main(["export", str(path), "--format", "nerdesk-json", "--out", str(tmp_path / "o.json")]) == 0
    assert "document 2 (second)" in capsys.readouterr().err


def holding_predictions_only(path):
    """A project whose every span is a prediction: 3 documents, 4 spans."""
    with Project.create(path) as project:
        project.add_documents([Document("张伟在北京。", [Span(0, 2, "PER", "pred", 0.9, "m"),
                                                      Span(3, 5, "LOC", "pred", 0.8, "m")]),
                               Document("李娜去了上海。", [Span(0, 2, "PER", "pred", 0.7, "m"),
                                                       Span(4, 6, "LOC", "pred", 0.6, "m")]),
                               Document("没有实体。")])


def test_a_gold_only_export_of_predictions_counts_the_spans_written_not_those_left_out(tmp_path, capsys):
    path = tmp_path / "p.nerdesk"
    holding_predictions_only(path)
    with Project.open(path) as project:
        gold_only = transfer.export_documents(project, tmp_path / "out.json", "cmeee")
        everything = transfer.export_documents(project, tmp_path / "all.json", "nerdesk-json")
        as_predictions = transfer.export_documents(project, tmp_path / "pred.json", "cmeee", source="pred")
    assert (gold_only.documents, gold_only.spans) == (3, 0)
    assert sum(len(d.spans) for d in read_files([tmp_path / "out.json"], "cmeee").documents) == 0
    assert any(w.startswith("4 predicted spans were not written: cmeee keeps one kind of span") and "--source" in w
               for w in gold_only.warnings)
    assert (everything.documents, everything.spans) == (3, 4)
    assert as_predictions.spans == 4

    assert main(["export", str(path), "--format", "cmeee", "--out", str(tmp_path / "cli.json")]) == 0
    captured = capsys.readouterr()
    assert "exported 3 documents (0 spans) as cmeee" in captured.out
    assert "4 predicted spans were not written" in captured.err


def test_a_conll_export_does_not_count_the_nested_spans_it_flattened_away(tmp_path):
    path = tmp_path / "nested.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("北京大学很大", [Span(0, 4, "ORG"), Span(0, 2, "LOC")])])
        flat = transfer.export_documents(project, tmp_path / "flat.bio", "conll", level="char", flat=True)
        nested = transfer.export_documents(project, tmp_path / "nested.bio", "conll", level="char")
    assert (flat.spans, nested.spans) == (1, 2)
