"""``nerdesk import`` and ``export`` with other annotation tools' files: Label Studio and Prodigy."""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main
from nerdesk.core import Document, Span
from nerdesk.storage import Project


def ls_task(task_id, data, results):
    return {"id": task_id, "data": data, "annotations": [{"result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": end, "text": mention, "labels": [label]}}
        for start, end, mention, label in results]}]}


def test_text_field_chooses_the_label_studio_field(tmp_path, capsys):
    tasks = [ls_task(1, {"title": "Alice here", "body": "Alice lives in Oslo"}, [(0, 5, "Alice", "PER")])]
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    project_path = tmp_path / "p.nerdesk"
    assert main(["import", str(project_path), str(source)]) == 1
    assert "--text-field NAME" in capsys.readouterr().err
    assert not project_path.exists()
    assert main(["import", str(project_path), str(source), "--text-field", "body"]) == 0
    with Project.open(project_path) as project:
        [doc] = project.all_documents()
    assert (doc.text, doc.meta["data"], doc.status) == ("Alice lives in Oslo", {"title": "Alice here"}, "reviewed")
    assert [(s.key, s.source) for s in doc.spans] == [((0, 5, "PER"), "gold")]


def project_with_every_status(path):
    with Project.create(path) as project:
        project.add_documents([
            Document("Ann met Bob", [Span(0, 3, "PER"), Span(8, 11, "PER")], status="reviewed"),
            Document("Eve in Rome", [Span(0, 3, "PER")], status="in-progress"),
            Document("Max in Oslo", [Span(0, 3, "PER")]),
            Document("Nothing here", status="reviewed"),
        ])
        project.replace_predictions(2, [Span(7, 11, "LOC", score=0.9)], "m1")


def statuses_and_spans(path):
    with Project.open(path) as project:
        return [(d.text, d.status, sorted((s.key, s.source) for s in d.spans)) for d in project.all_documents()]


@pytest.mark.parametrize(("fmt", "suffix", "kept"), [("label-studio", "json", None), ("prodigy", "jsonl", "gold")])
def test_review_status_survives_an_export_and_import(tmp_path, fmt, suffix, kept):
    original = tmp_path / "a.nerdesk"
    project_with_every_status(original)
    out = tmp_path / f"out.{suffix}"
    assert main(["export", str(original), "--format", fmt, "--out", str(out)]) == 0
    copy = tmp_path / "b.nerdesk"
    assert main(["import", str(copy), str(out), "--format", fmt]) == 0
    before, after = statuses_and_spans(original), statuses_and_spans(copy)
    if kept == "gold":  # Prodigy keeps gold spans and tells reviewed from not reviewed only
        before = [(text, "reviewed" if status == "reviewed" else "new", [s for s in spans if s[1] == "gold"])
                  for text, status, spans in before]
    assert after == before
