"""The command line never writes its output over the user's files: ``nerdesk train --out`` refuses a folder
that is not a model before training starts, ``export`` and ``predict`` refuse a project, its journal files,
another SQLite file and a FIFO. Each refusal is one line with its code, exit status 1, and nothing changed."""

from __future__ import annotations

import json
import os

import pytest

from nerdesk.cli import main
from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage import Project

SENTENCES = [
    {"text": "北京大学在北京。", "label": {"ORG": {"北京大学": [[0, 3]]}, "LOC": {"北京": [[0, 1], [5, 6]]}}},
    {"text": "小明去上海工作。", "label": {"PER": {"小明": [[0, 1]]}, "LOC": {"上海": [[3, 4]]}}},
    {"text": "小红在北京大学。", "label": {"PER": {"小红": [[0, 1]]}, "ORG": {"北京大学": [[3, 6]]},
                                      "LOC": {"北京": [[3, 4]]}}},
]
TINY = ["--format", "cluener", "--epochs", "3", "--min-steps", "1", "--batch-size", "2", "--threads", "1",
        "--keep-failed", "--no-augment", "--init", "scratch", "--embedding-dim", "16", "--hidden-size", "16",
        "--layers", "1"]


@pytest.fixture
def train_file(tmp_path):
    path = tmp_path / "train.json"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in SENTENCES), "utf-8")
    return path


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "notes.nerdesk"
    with Project.create(path) as created:
        created.add_documents([Document("北京大学在北京。", [Span(0, 4, "ORG")], status="reviewed")])
    return path


def snapshot(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
            for path in sorted(folder.rglob("*"))}


def one_line_error(capsys, code):
    err = capsys.readouterr().err
    assert err.startswith(f"nerdesk: error {code}: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_train_refuses_a_folder_holding_a_project_before_reading_any_data(tmp_path, project, capsys):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "thesis.txt").write_text("two years of work", encoding="utf-8")
    os.replace(project, folder / "notes.nerdesk")
    before = snapshot(tmp_path)
    missing = tmp_path / "not-there.json"  # were --out checked after the data, this would be E104
    assert main(["train", "--train", str(missing), "--out", str(folder), *TINY]) == 1
    err = one_line_error(capsys, "E420")
    assert "notes.nerdesk, thesis.txt" in err and "nothing was trained" in err
    assert snapshot(tmp_path) == before


def test_train_refuses_a_file_the_current_folder_and_a_path_under_a_file(tmp_path, train_file, capsys,
                                                                       monkeypatch):
    (tmp_path / "model.bin").write_bytes(b"mine")
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    for out in ("model.bin", ".", "model.bin/sub"):
        assert main(["train", "--train", str(train_file), "--out", out, *TINY]) == 1
        one_line_error(capsys, "E420")
    assert snapshot(tmp_path) == before


def test_train_reports_a_bad_out_as_a_json_error_event(tmp_path, train_file, capsys):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "data.csv").write_text("a,b\n", encoding="utf-8")
    assert main(["train", "--train", str(train_file), "--out", str(tmp_path / "model"), "--progress", "json",
                 *TINY]) == 1
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["event"], e["code"]) for e in events] == [("error", "E420")]
    assert (tmp_path / "model" / "data.csv").read_text(encoding="utf-8") == "a,b\n"


def test_train_replaces_an_earlier_model_and_nothing_next_to_it(tmp_path, train_file, capsys):
    pytest.importorskip("torch")
    from nerdesk.runtime.bundle import Bundle

    out = tmp_path / "model"
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["train", "--train", str(train_file), "--out", str(out), *TINY]) == 0
    first = Bundle.load(out).model_version
    (out / "MODEL_CARD.md").write_text("an earlier model's card", encoding="utf-8")
    assert main(["train", "--train", str(train_file), "--out", str(out), "--seed", "7", *TINY]) == 0
    assert Bundle.load(out).model_version != first and not (out / "MODEL_CARD.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "model", "train.json"]
    capsys.readouterr()


@pytest.mark.parametrize("name", ["notes.nerdesk", "notes.nerdesk-wal", "notes.nerdesk-shm", "notes.nerdesk-journal",
                                  "other.nerdesk", "pipe"])
def test_export_refuses_projects_their_journals_and_a_fifo(tmp_path, project, capsys, name):
    with Project.create(tmp_path / "other.nerdesk") as other:
        other.add_documents([Document("another project")])
    os.mkfifo(tmp_path / "pipe")
    before = snapshot(tmp_path)
    assert main(["export", str(project), "--format", "jsonl", "--out", str(tmp_path / name)]) == 1
    one_line_error(capsys, "E126")
    assert snapshot(tmp_path) == before
    with Project.open(project) as opened:
        assert [d.text for d in opened.all_documents()] == ["北京大学在北京。"]


def test_predict_refuses_a_project_as_out_before_loading_the_model(tmp_path, project, train_file, capsys):
    before = project.read_bytes()
    assert main(["predict", str(train_file), "--model", str(tmp_path / "no-such-model"), "--out", str(project),
                 "--format", "jsonl", "--quiet"]) == 1
    assert "SQLite database" in one_line_error(capsys, "E126")
    assert project.read_bytes() == before
