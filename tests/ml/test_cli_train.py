"""``nerdesk train`` / ``nerdesk eval`` end to end on a few sentences, with JSON progress."""

from __future__ import annotations

import atexit
import gc
import importlib.util
import json

import pytest

from nerdesk.cli import main
from nerdesk.commands.train import skip_collection_at_exit

SENTENCES = [
    {"text": "北京大学在北京。", "label": {"ORG": {"北京大学": [[0, 3]]}, "LOC": {"北京": [[0, 1], [5, 6]]}}},
    {"text": "小明去上海工作。", "label": {"PER": {"小明": [[0, 1]]}, "LOC": {"上海": [[3, 4]]}}},
    {"text": "小红在北京大学。", "label": {"PER": {"小红": [[0, 1]]}, "ORG": {"北京大学": [[3, 6]]},
                                      "LOC": {"北京": [[3, 4]]}}},
]


@pytest.fixture
def cluener_file(tmp_path):
    path = tmp_path / "train.json"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in SENTENCES), "utf-8")
    return path


def test_a_small_set_is_also_trained_on_with_other_mentions_and_the_start_says_so(cluener_file, tmp_path, capsys):
    arguments = ["train", "--train", str(cluener_file), "--dev", str(cluener_file), "--format", "cluener",
                 "--out", str(tmp_path / "model"), "--epochs", "3", "--min-steps", "1", "--batch-size", "2",
                 "--progress", "json", "--threads", "1", "--keep-failed", "--no-bundle", "--init", "scratch",
                 "--embedding-dim", "16", "--hidden-size", "16", "--layers", "1"]
    totals = {}
    for flag in ([], ["--no-augment"]):
        assert main(arguments + flag) == 0
        events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        start = events[0]
        totals[bool(flag)] = next(e["total"] for e in events if e["event"] == "step")
        assert ("copies of them with other mentions" in start["message"]) is not bool(flag), start["message"]
    assert totals[False] > totals[True]  # the copies are trained on: more steps for the same epochs


def test_train_with_json_progress_then_eval(cluener_file, tmp_path, capsys):
    out = tmp_path / "model"
    code = main(["train", "--train", str(cluener_file), "--dev", str(cluener_file), "--format", "cluener",
                 "--out", str(out), "--epochs", "3", "--min-steps", "1", "--batch-size", "2", "--progress", "json",
                 "--threads", "1", "--keep-failed", "--no-augment", "--init", "scratch", "--embedding-dim", "16",
                 "--hidden-size", "16", "--layers", "1"])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [event["event"] for event in events]
    assert kinds[0] == "start" and kinds[1] == "data" and kinds[-1] == "done"
    assert events[0]["labels"] == ["LOC", "ORG", "PER"]
    steps = [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in steps] == list(range(1, 7)) and all(e["total"] == 6 for e in steps)
    assert all(isinstance(e["loss"], float) for e in steps)
    evaluations = [e["epoch"] for e in events if e["event"] == "eval"]
    assert evaluations == list(range(1, len(evaluations) + 1)) and len(evaluations) >= 3
    assert events[1]["train"]["encoded"] == 8
    done = events[-1]
    assert done["out"] == str(out) and "micro" in done["metrics"]
    assert (out / "checkpoint.safetensors").is_file() and (out / "tokenizer.json").is_file()
    exporter_present = importlib.util.find_spec("nerdesk.training.export") is not None
    assert done["bundle"] is exporter_present
    assert (out / "model.onnx").is_file() is exporter_present

    assert main(["eval", "--model", str(out), str(cluener_file), "--format", "cluener"]) == 0
    table = capsys.readouterr().out
    assert "micro" in table and "ORG" in table


def test_train_from_project_uses_reviewed_documents_and_their_dev_split(tmp_path, capsys):
    from nerdesk.core.document import Document
    from nerdesk.core.spans import Span
    from nerdesk.storage import Project

    path = tmp_path / "notes.nerdesk"
    train = [Document("北京大学在北京。", [Span(0, 4, "ORG"), Span(0, 2, "LOC")], status="reviewed"),
             Document("小明去上海工作。", [Span(0, 2, "PER"), Span(3, 5, "LOC")], status="reviewed"),
             Document("小红去北京。", [Span(3, 5, "LOC")], status="in-progress")]
    dev = [Document("小红在北京大学。", [Span(0, 2, "PER"), Span(3, 7, "ORG")], status="reviewed", split="dev")]
    with Project.create(path) as project:
        project.add_documents(train + dev)
    out = tmp_path / "model"
    code = main(["train", "--project", str(path), "--out", str(out), "--epochs", "2", "--min-steps", "1",
                 "--progress", "json", "--no-bundle", "--keep-failed", "--threads", "1", "--init", "scratch",
                 "--embedding-dim", "16", "--hidden-size", "16"])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (events[0]["train_documents"], events[0]["dev_documents"]) == (2, 1)
    assert events[0]["labels"] == ["LOC", "ORG", "PER"]
    # 2 epochs of 2 batches of 8 (the 2 documents and 10 copies of the second), scored after every step
    assert [e["epoch"] for e in events if e["event"] == "eval"] == [1, 2, 3, 4]
    assert events[-1]["event"] == "done" and events[-1]["bundle"] is False
    with Project.open(path) as project:  # the dev-split document became the evaluation set
        assert [doc.text for doc in project.all_documents(split="eval")] == ["小红在北京大学。"]
    assert (out / "checkpoint.safetensors").is_file() and not (out / "model.onnx").exists()


def test_train_reports_errors_as_json(tmp_path, capsys):
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"text": "没有实体。", "label": {}}, ensure_ascii=False) + "\n", "utf-8")
    code = main(["train", "--train", str(empty), "--format", "cluener", "--out", str(tmp_path / "m"),
                 "--progress", "json"])
    assert code == 1
    captured = capsys.readouterr()
    last = json.loads(captured.out.splitlines()[-1])
    assert last["event"] == "error" and "no gold spans" in last["message"]
    assert "no gold spans" in captured.err


def test_training_starts_from_the_embedded_model_of_the_texts_script(cluener_file, tmp_path, capsys):
    from nerdesk.training.model import load_checkpoint
    from nerdesk.workflows.default_models import default_model_for

    embedded = default_model_for(["北京大学在北京。"])
    if embedded is None:
        pytest.skip("no embedded Chinese model in models/")
    out = tmp_path / "model"
    code = main(["train", "--train", str(cluener_file), "--format", "cluener", "--out", str(out),
                 "--epochs", "1", "--batch-size", "2", "--progress", "json", "--threads", "1", "--no-bundle"])
    assert code == 0
    start = json.loads(capsys.readouterr().out.splitlines()[0])
    assert start["init"] == str(embedded)
    model, tokenizer = load_checkpoint(out)
    base_model, base_tokenizer = load_checkpoint(embedded)
    assert tokenizer.get_vocab() == base_tokenizer.get_vocab()  # the embedded model's vocabulary is kept
    assert model.config.labels == ["LOC", "ORG", "PER"]  # with a new head for the project's labels



def test_the_training_process_ends_without_collecting_garbage(cluener_file, tmp_path, capsys, monkeypatch):
    """What torch and onnx import took 1.3-1.8 s of collection passes after the ``done`` line: the command asks
    for none at exit (``gc.freeze`` when the process ends), once however often it runs in the process."""
    registered = []
    monkeypatch.setattr(atexit, "register", lambda function, *args, **kwargs: registered.append(function) or function)
    skip_collection_at_exit.cache_clear()
    try:
        for run in range(2):
            assert main(["train", "--train", str(cluener_file), "--format", "cluener", "--out",
                         str(tmp_path / f"m{run}"), "--epochs", "1", "--progress", "json", "--threads", "1",
                         "--no-bundle", "--init", "scratch", "--embedding-dim", "8", "--hidden-size", "8",
                         "--layers", "1"]) == 0
    finally:
        skip_collection_at_exit.cache_clear()  # the next command registers it for real
    assert registered.count(gc.freeze) == 1
