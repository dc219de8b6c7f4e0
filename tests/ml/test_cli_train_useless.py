"""A training run whose best dev F1 is 0 never ends silently useless: ``nerdesk train`` exits non-zero,
says where training started, why it stopped and what to try, and writes no model unless ``--keep-failed``.

The dev document's only entity is longer than a window (``--max-length 8``), so no model can find it
whatever it learns: the run's dev F1 is 0 for certain, however the random start falls.
"""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main

TRAIN = [
    {"text": "北京大学在北京。", "label": {"ORG": {"北京大学": [[0, 3]]}, "LOC": {"北京": [[0, 1], [5, 6]]}}},
    {"text": "小明去上海工作。", "label": {"PER": {"小明": [[0, 1]]}, "LOC": {"上海": [[3, 4]]}}},
    {"text": "小红在北京大学。", "label": {"PER": {"小红": [[0, 1]]}, "ORG": {"北京大学": [[3, 6]]}}},
]
DEV = [{"text": "我们参观了中华人民共和国国家博物馆。", "label": {"ORG": {"中华人民共和国国家博物馆": [[5, 16]]}}}]


@pytest.fixture
def corpus(tmp_path):
    paths = []
    for name, records in (("train.json", TRAIN), ("dev.json", DEV)):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
        paths.append(path)
    return paths


def train(corpus, out, *extra: str) -> int:
    train_file, dev_file = corpus
    return main(["train", "--train", str(train_file), "--dev", str(dev_file), "--format", "cluener",
                 "--out", str(out), "--init", "scratch", "--epochs", "2", "--min-steps", "1", "--batch-size", "2",
                 "--threads", "1", "--embedding-dim", "16", "--hidden-size", "16", "--layers", "1",
                 "--max-length", "8", *extra])


def test_a_run_that_finds_nothing_exits_non_zero_and_writes_no_model(corpus, tmp_path, capsys):
    out = tmp_path / "model"
    assert train(corpus, out) != 0
    console = capsys.readouterr().err
    assert "starting from scratch" in console  # where training started
    assert "found none of the dev entities" in console and "stopped by" in console  # why it stopped
    assert "--init" in console and "--time-budget" in console and "--keep-failed" in console  # what to try
    assert not out.exists()


def test_json_progress_ends_with_the_error(corpus, tmp_path, capsys):
    assert train(corpus, tmp_path / "model", "--progress", "json") != 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events[0]["event"] == "start" and events[0]["init"] == "scratch"
    assert [e["f1"] for e in events if e["event"] == "eval"] and all(
        e["f1"] == 0 for e in events if e["event"] == "eval")
    assert events[-1]["event"] == "error" and "no model was written" in events[-1]["message"]


def test_keep_failed_writes_it_anyway(corpus, tmp_path, capsys):
    out = tmp_path / "model"
    assert train(corpus, out, "--keep-failed", "--no-bundle") == 0
    assert (out / "checkpoint.safetensors").is_file()
    assert "model written to" in capsys.readouterr().err
