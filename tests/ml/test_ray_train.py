"""``nerdesk train --engine ray``: two CPU workers (gloo) on disjoint shards write a bundle that predicts."""

from __future__ import annotations

import builtins
import json

import pytest

pytest.importorskip("torch")
pytestmark = pytest.mark.xdist_group("ray")  # one local Ray cluster at a time (pyproject addopts)

from nerdesk.cli import main  # noqa: E402
from nerdesk.core.errors import TrainingError  # noqa: E402
from nerdesk.training import ray_train  # noqa: E402

PEOPLE = ["小明", "小红", "张伟", "李娜", "王芳"]
PLACES = ["北京", "上海", "广州", "深圳"]
TINY_MODEL = ["--init", "scratch", "--embedding-dim", "16", "--hidden-size", "16", "--layers", "1"]


def sentences(count: int) -> list[dict]:
    """``count`` short CLUENER records: a person going to a place, in a few shapes."""
    records = []
    for index in range(count):
        person, place = PEOPLE[index % len(PEOPLE)], PLACES[(index // len(PEOPLE)) % len(PLACES)]
        text = f"{person}去{place}工作。" if index % 2 else f"昨天{person}在{place}。"
        start_person = text.index(person)
        start_place = text.index(place)
        records.append({"text": text, "label": {
            "PER": {person: [[start_person, start_person + len(person) - 1]]},
            "LOC": {place: [[start_place, start_place + len(place) - 1]]}}})
    return records


def gold_spans(record: dict) -> list:
    from nerdesk.core.spans import Span

    return [Span(start, end + 1, label) for label, mentions in record["label"].items()
            for places in mentions.values() for start, end in places]


def write_records(path, records: list[dict]):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.slow  # two training workers on the local Ray (conftest): about 60 s on a busy 2-core machine
def test_two_ray_workers_train_on_disjoint_shards_and_write_a_bundle_that_predicts(
        local_ray, tmp_path, capsys):
    pytest.importorskip("ray.train.torch")
    from nerdesk.core.metrics import evaluate
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    records = sentences(48)
    train = write_records(tmp_path / "train.json", records[:40])
    dev = write_records(tmp_path / "dev.json", records[40:])
    out = tmp_path / "model"
    code = main(["train", "--train", str(train), "--dev", str(dev), "--format", "cluener", "--out", str(out),
                 "--engine", "ray", "--workers", "2", "--threads", "1", "--device", "cpu", "--epochs", "6", "--min-steps", "1", "--patience", "100",
                 "--batch-size", "8", "--progress", "json", "--keep-failed", *TINY_MODEL])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [event["event"] for event in events]
    assert kinds[0] == "start" and kinds[1] == "data" and kinds[-1] == "done"
    done = events[-1]
    # A new head from scratch trains on the 40 documents and their mention-swapped copies, as a local run does.
    trained = 40 + events[0]["copies"]
    assert events[0]["copies"] > 0 and events[1]["train"]["windows"] == trained
    # One-window documents: each rank trains on its own half (both ranks on all of them would count twice).
    shards = done["shards"]
    assert [shard["rank"] for shard in shards] == [0, 1] and all(shard["world"] == 2 for shard in shards)
    assert [shard["windows"] for shard in shards] == [trained // 2, trained - trained // 2]
    assert [shard["documents"] for shard in shards] == [trained // 2, trained - trained // 2]
    # One process would take ceil(trained / 8) steps per pass; each rank takes batches of 4 for as many steps.
    steps = [event for event in events if event["event"] == "step"]
    assert steps[-1]["step"] == steps[-1]["total"] == 6 * -(-trained // 8)
    evaluations = [event for event in events if event["event"] == "eval"]
    assert evaluations and all(0.0 <= event["f1"] <= 1.0 for event in evaluations)

    bundle = Bundle.load(out)
    manifest = json.loads((out / "bundle.json").read_text("utf-8"))
    assert manifest["metrics"] == done["metrics"] and "micro" in done["metrics"]
    assert manifest["trained_on"]["steps"] == steps[-1]["total"] and (out / "checkpoint.safetensors").is_file()
    # The dev F1 reported is what the bundle's own predictions score on the dev documents.
    predicted = OnnxPredictor(bundle, threads=1, variant="fp32").predict([r["text"] for r in records[40:]])
    runtime_f1 = evaluate([gold_spans(r) for r in records[40:]], predicted).micro.f1
    assert runtime_f1 > 0 and any(spans for spans in predicted)
    assert done["metrics"]["micro"]["f1"] == pytest.approx(runtime_f1)


def test_without_ray_the_message_names_the_extra(monkeypatch, tmp_path, capsys):
    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(TrainingError) as caught:
        ray_train.require_ray_train()
    assert caught.value.code == "E407"
    train = write_records(tmp_path / "train.json", sentences(4))
    code = main(["train", "--train", str(train), "--format", "cluener", "--out", str(tmp_path / "model"),
                 "--engine", "ray", *TINY_MODEL])
    assert code != 0 and "nerdesk[ray]" in capsys.readouterr().err
    assert not (tmp_path / "model").exists()


def test_rank_shards_are_disjoint_cover_every_window_and_balance():
    windows = [f"window {index}" for index in range(11)]
    shards = [ray_train.rank_shard(windows, rank, 3) for rank in range(3)]
    assert sorted(window for shard in shards for window in shard) == sorted(windows)
    assert sum(len(shard) for shard in shards) == len(windows)  # nothing twice
    assert [len(shard) for shard in shards] == [4, 4, 3]


class FakeRay:
    def __init__(self, gpus: int) -> None:
        self.gpus = gpus

    def cluster_resources(self) -> dict:
        return {"CPU": 8.0, **({"GPU": float(self.gpus)} if self.gpus else {})}


def test_the_device_choice_decides_whether_ray_workers_take_gpus():
    assert ray_train._use_gpu(FakeRay(gpus=4), "auto") is True
    assert ray_train._use_gpu(FakeRay(gpus=0), "auto") is False
    assert ray_train._use_gpu(FakeRay(gpus=4), "cpu") is False
    assert ray_train._use_gpu(FakeRay(gpus=2), "cuda") is True
    with pytest.raises(TrainingError) as caught:
        ray_train._use_gpu(FakeRay(gpus=0), "cuda")
    assert caught.value.code == "E404"


def test_the_run_config_bounds_the_restarts_after_a_worker_failure(tmp_path):
    pytest.importorskip("ray.train")
    config = ray_train.run_config(str(tmp_path), max_retries=3)
    assert config.failure_config.max_failures == 3
    assert config.storage_path == str(tmp_path)
    assert ray_train.RayTrainOptions().max_retries == ray_train.DEFAULT_MAX_RETRIES == 2


def test_max_retries_reaches_ray_train_and_needs_the_ray_engine(monkeypatch, tmp_path, capsys):
    seen = []

    def fake_run(request, emit, options):
        seen.append(options)
        return {}

    monkeypatch.setattr(ray_train, "run_ray_training", fake_run)
    train = write_records(tmp_path / "train.json", sentences(4))
    command = ["train", "--train", str(train), "--format", "cluener", "--out", str(tmp_path / "model"), *TINY_MODEL]
    assert main([*command, "--engine", "ray", "--max-retries", "5"]) == 0
    assert main([*command, "--engine", "ray"]) == 0
    assert [options.max_retries for options in seen] == [5, 2]
    capsys.readouterr()
    assert main([*command, "--max-retries", "1"]) != 0
    assert "--max-retries needs --engine ray" in capsys.readouterr().err


@pytest.mark.slow  # trains a start bundle, then a training worker on the local Ray (conftest)
def test_a_ray_worker_trains_a_character_aware_model_from_its_bundle(local_ray, tmp_path, capsys):
    # The step of a Ray rank gave the model no char_ids (B, L, C): "a character-aware encoder needs char_ids".
    pytest.importorskip("ray.train.torch")
    import torch

    from nerdesk.formats import write_file
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor
    from tests.ml.conftest import trained_bundle
    from tests.ml.test_char_encoder import char_model, documents

    torch.set_num_threads(1)
    train = documents() * 4
    model, tokenizer = char_model([doc.text for doc in train])
    start = trained_bundle(model, tokenizer, train, documents(), tmp_path / "start", min_steps=20, batch_size=6)
    write_file(train, tmp_path / "train.jsonl", "jsonl")
    out = tmp_path / "model"
    code = main(["train", "--train", str(tmp_path / "train.jsonl"), "--out", str(out), "--init", str(start),
                 "--engine", "ray", "--workers", "1", "--threads", "1", "--device", "cpu", "--epochs", "2",
                 "--min-steps", "1", "--batch-size", "6", "--keep-failed", "--progress", "json"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0, events[-1]
    assert any(event["event"] == "step" for event in events) and events[-1]["event"] == "done"
    assert OnnxPredictor(Bundle.load(out), threads=1).window_maker.features is not None
