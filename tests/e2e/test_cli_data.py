"""``nerdesk import``, ``stats`` and ``export`` end to end on the public CLUENER and CMeEE dev sets."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nerdesk.cli import main
from nerdesk.core import Document, Span
from nerdesk.storage import Project
from tests.conftest import dataset_file


def cluener_records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cluener_spans(record):
    """Unique (start, end exclusive, label) of one CLUENER record (its ends are inclusive)."""
    return {
        (start, end + 1, label)
        for label, mentions in record.get("label", {}).items()
        for positions in mentions.values()
        for start, end in positions
    }


def cmeee_spans(record):
    return {(e["start_idx"], e["end_idx"] + 1, e["type"]) for e in record["entities"]}


def label_counts(span_sets):
    return dict(Counter(label for spans in span_sets for _, _, label in spans))


def overlapping(spans):
    """Brute force: spans overlapping at least one other span of the same record."""
    spans = list(spans)
    return sum(any(o is not s and o[0] < s[1] and s[0] < o[1] for o in spans) for s in spans)


def stats_json(project_path, capsys):
    capsys.readouterr()
    assert main(["stats", str(project_path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cluener_import_stats_export_round_trip(tmp_path, capsys):
    source = dataset_file("cluener", "dev.json")
    records = cluener_records(source)
    project_path = tmp_path / "cluener.nerdesk"

    assert main(["import", str(project_path), str(source)]) == 0
    assert f"imported {len(records):,} documents" in capsys.readouterr().out

    stats = stats_json(project_path, capsys)
    expected = [cluener_spans(r) for r in records]
    assert stats["documents"] == len(records) == 1343
    assert stats["by_status"]["new"] == 1343
    assert {label: c["gold"] for label, c in stats["labels"].items()} == label_counts(expected)
    assert stats["spans"] == {"gold": sum(map(len, expected)), "pred": 0}
    assert stats["overlapping_spans"] == sum(overlapping(s) for s in expected)

    out = tmp_path / "export.json"
    assert main(["export", str(project_path), "--format", "cluener", "--out", str(out)]) == 0
    exported = cluener_records(out)
    assert [r["text"] for r in exported] == [r["text"] for r in records]
    assert [cluener_spans(r) for r in exported] == expected


def test_cmeee_nested_import_stats_and_two_exports(tmp_path, capsys):
    source = dataset_file("cmeee_v2", "dev.json")
    records = json.loads(source.read_text(encoding="utf-8"))
    expected = [cmeee_spans(r) for r in records]
    project_path = tmp_path / "cmeee.nerdesk"

    assert main(["import", str(project_path), str(source), "--format", "cmeee", "--status", "reviewed"]) == 0
    stats = stats_json(project_path, capsys)
    assert stats["documents"] == 1000
    assert stats["by_status"]["reviewed"] == 1000
    assert {label: c["gold"] for label, c in stats["labels"].items()} == label_counts(expected)
    assert stats["overlapping_spans"] == sum(overlapping(s) for s in expected) > 0
    assert stats["nesting_depth"] >= 2

    out = tmp_path / "cmeee_export.json"
    assert main(["export", str(project_path), "--format", "cmeee", "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [r["text"] for r in exported] == [r["text"] for r in records]
    assert [cmeee_spans(r) for r in exported] == expected

    native = tmp_path / "cmeee.nerdesk.json"
    assert main(["export", str(project_path), "--format", "nerdesk-json", "--out", str(native)]) == 0
    copy_path = tmp_path / "copy.nerdesk"
    assert main(["import", str(copy_path), str(native)]) == 0
    with Project.open(project_path) as original, Project.open(copy_path) as copy:
        pairs = zip(original.all_documents(), copy.all_documents(), strict=True)
        assert all((a.text, a.spans, a.status) == (b.text, b.spans, b.status) for a, b in pairs)
        assert copy.label_set().names == original.label_set().names


def test_export_filters_status_and_source(tmp_path, capsys):
    project_path = tmp_path / "p.nerdesk"
    with Project.create(project_path) as project:
        project.add_documents([
            Document("阿里巴巴在杭州", [Span(0, 4, "company")], status="reviewed"),
            Document("腾讯在深圳", [Span(0, 2, "company")]),
        ])
        project.replace_predictions(1, [Span(5, 7, "address", score=0.9)], "m1")
    out = tmp_path / "pred.json"
    assert main(["export", str(project_path), "--format", "cluener", "--out", str(out),
                 "--source", "pred", "--status", "reviewed"]) == 0
    [record] = cluener_records(out)
    assert record == {"text": "阿里巴巴在杭州", "label": {"address": {"杭州": [[5, 6]]}}}


def test_bad_file_imports_nothing(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"text": "北京欢迎你", "label": {"address": {"北京": [[0, 1]]}}},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"text": "上海", "label": {"address": {"上海": [[0, 5]]}}},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    project_path = tmp_path / "p.nerdesk"
    assert main(["import", str(project_path), str(good)]) == 0
    capsys.readouterr()
    assert main(["import", str(project_path), str(good), str(bad), "--format", "cluener"]) == 1
    error = capsys.readouterr().err
    assert "bad.json" in error and "nothing was imported" in error
    with Project.open(project_path) as project:
        assert project.count_documents() == 1


def test_stats_table_for_people(tmp_path, capsys):
    project_path = tmp_path / "p.nerdesk"
    with Project.create(project_path) as project:
        project.add_documents([Document("左肺上叶肺癌", [Span(0, 4, "bod"), Span(0, 6, "dis")])])
    capsys.readouterr()
    assert main(["stats", str(project_path)]) == 0
    out = capsys.readouterr().out
    assert "1 document (1 new" in out
    assert "bod" in out and "dis" in out
    assert "nesting depth 2; 2 gold spans overlap another in 1 document" in out


def test_missing_project_is_reported(tmp_path, capsys):
    assert main(["stats", str(tmp_path / "none.nerdesk")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "cluener", "--out", "x.json"]])
def test_not_a_project_is_reported(tmp_path, capsys, command):
    fake = tmp_path / "fake.nerdesk"
    fake.write_text("hello")
    assert main([command[0], str(fake), *command[1:]]) == 1
    assert "not a nerdesk project" in capsys.readouterr().err
