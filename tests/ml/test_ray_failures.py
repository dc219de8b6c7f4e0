"""``nerdesk predict --engine ray`` failures: a document that kills the actor's process, one that raises.

The end-to-end test runs a predictor that calls ``os._exit`` on one document and raises on another: the run
ends within the retry bound, every other document keeps its spans, and both bad documents are reported by id.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")  # building the bundle needs torch; predicting does not
pytestmark = pytest.mark.xdist_group("ray")  # one local Ray cluster at a time (pyproject addopts)

from fixtures_bundle import SENTENCES, shared_tiny_bundle  # noqa: E402

from nerdesk.cli import main  # noqa: E402
from nerdesk.workflows import ray_failures, ray_predict, ray_shards  # noqa: E402

CRASHING_ID = "kills-the-process"
RAISING_ID = "raises"
RAISING_TEXT = "这句话让预测出错。"


class CrashingPredictor(ray_predict.BatchPredictor):
    """Kills its actor's process on any batch holding CRASHING_ID; raises on RAISING_TEXT."""

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        if CRASHING_ID in [str(value) for value in batch["id"]]:
            os._exit(3)  # no exception, no cleanup: what a crash in native code looks like to Ray
        return super().__call__(batch)

    def _predict(self, texts: Any) -> Any:
        if RAISING_TEXT in texts:
            raise ValueError("this document cannot be predicted")
        return super()._predict(texts)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)


@pytest.fixture(scope="module")
def local_ray(local_ray: Any) -> Any:
    """The session's local Ray (conftest), with this module's code sent by value: the actors unpickle
    CrashingPredictor, and the workers cannot import this module by name."""
    local_ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield local_ray
    local_ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def documents() -> list[dict[str, str]]:
    """Twelve documents: the sentences, one that kills the process, one that raises."""
    rows = [{"id": f"doc-{index}", "text": text} for index, (text, _) in enumerate(SENTENCES)]
    rows.insert(5, {"id": CRASHING_ID, "text": "张伟在北京。"})
    rows.insert(2, {"id": RAISING_ID, "text": RAISING_TEXT})
    rows += [{"id": "doc-last", "text": "李娜去了上海。"}, {"id": "doc-first-again", "text": SENTENCES[0][0]}]
    return rows


@pytest.mark.timeout(300)  # 20-45 s here; without the bound the crashing batch would run forever
def test_a_document_that_kills_the_worker_is_retried_within_the_bound_and_reported(
        bundle: Path, local_ray: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_format = "jsonl"
    monkeypatch.setattr(ray_predict, "BATCH_DOCUMENTS", 4)  # three batches: only one of them crashes
    rows = documents()
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    options = ray_shards.RayPredictOptions(
        inputs=[source], model=bundle, out=tmp_path / "out", out_format=out_format, threads=1, quiet=True,
        max_retries=1, predictor=CrashingPredictor)

    result = ray_predict.run(options)

    records = ray_shards.read_shards(options.out, out_format)
    assert sorted(record["id"] for record in records) == sorted(row["id"] for row in rows)  # each once
    failed = dict(result.failed)
    assert set(failed) == {CRASHING_ID, RAISING_ID} and result.documents == len(rows)
    assert failed[CRASHING_ID].startswith("WorkerCrashed:") and "2 attempts" in failed[CRASHING_ID]
    assert failed[RAISING_ID] == "ValueError: this document cannot be predicted"
    by_id = {record["id"]: record for record in records}
    # The crashing document's batch-mates were predicted again one by one and kept their spans.
    assert {(s["label"], by_id["doc-4"]["text"][s["start"]:s["end"]]) for s in by_id["doc-4"]["spans"]} == {
        ("PER", "陈静"), ("ORG", "复旦大学")}
    assert all(by_id[key]["status"] == "predicted" for key in by_id if key not in failed)
    assert by_id[CRASHING_ID]["spans"] in ([], None) and by_id[CRASHING_ID]["status"] == "failed"
    lost_shards = [p for p in result.shards if p.name.startswith(ray_failures.LOST_SHARD_PREFIX)]
    assert len(lost_shards) == 1
    # The two batches that ran, one shard for the dropped batch's documents predicted one per batch (not one
    # shard each), the lost document's.
    assert len(result.shards) == 4
    # A resumed run counts the failed documents as done, like any other written document.
    assert ray_shards.resume_point(options.out, out_format) == set(by_id)


@pytest.mark.parametrize("out_format", ["jsonl", "parquet"])
def test_the_lost_documents_shard_reads_like_the_others(tmp_path: Path, out_format: str) -> None:
    pytest.importorskip("pyarrow")
    lost = [{"id": "x", "text": "张伟在北京。"}, {"id": "y", "text": "李娜去了上海。"}]
    shard = ray_failures.write_lost_shard(tmp_path, out_format, lost, max_retries=3)
    assert ray_shards.shard_paths(tmp_path, out_format) == [shard]  # no partial file left behind
    records = ray_shards.read_shards(tmp_path, out_format)
    assert [(r["id"], r["text"], list(r["spans"]), r["status"]) for r in records] == [
        ("x", "张伟在北京。", [], "failed"), ("y", "李娜去了上海。", [], "failed")]
    assert "4 attempts" in records[0]["error"]
    result = ray_shards.scan_shards(tmp_path, out_format)
    assert [identifier for identifier, _ in result.failed] == ["x", "y"] and result.spans == 0
    assert ray_shards.resume_point(tmp_path, out_format) == {"x", "y"}


def test_the_remote_arguments_bound_the_batch_not_the_actor() -> None:
    assert ray_failures.actor_failure_args(2) == {"max_restarts": -1, "max_task_retries": 2}


def test_unwritten_counts_copies_of_the_same_id() -> None:
    rows = [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}, {"id": "a", "text": "x"}, {"id": "c", "text": "z"}]
    assert ray_failures.unwritten(rows, Counter({"a": 1, "c": 1})) == [
        {"id": "b", "text": "y"}, {"id": "a", "text": "x"}]
    assert ray_failures.unwritten(rows, Counter({"a": 2, "b": 1, "c": 1})) == []


def test_max_retries_below_zero_is_refused(bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ray.data")
    source = tmp_path / "in.txt"
    source.write_text("李娜去了上海。\n", "utf-8")
    code = main(["predict", "--model", str(bundle), str(source), "--out", str(tmp_path / "out"), "--engine", "ray",
                 "--max-retries", "-1"])
    assert code != 0 and "--max-retries must be 0 or more" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
