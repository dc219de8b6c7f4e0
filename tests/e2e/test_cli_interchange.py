"""``nerdesk import`` and ``export`` with other annotation tools' files: Label Studio and Prodigy."""

from __future__ import annotations

import json

from nerdesk.cli import main
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
