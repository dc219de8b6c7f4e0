"""``nerdesk predict --engine ray``: same spans as the local engine, failed batches, Ray missing."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")  # building the bundle needs torch; predicting does not
pytestmark = pytest.mark.xdist_group("ray")  # one local Ray cluster at a time (pyproject addopts)

from fixtures_bundle import SENTENCES, cluener_dev_texts, shared_tiny_bundle  # noqa: E402

from nerdesk.cli import main  # noqa: E402
from nerdesk.core.errors import NerdeskError  # noqa: E402
from nerdesk.workflows import ray_predict, ray_shards  # noqa: E402


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)


def spans_of(record: dict) -> list[tuple]:
    return [(s["start"], s["end"], s["label"], s["source"], s["model_version"]) for s in record["spans"]]


def test_ray_engine_gives_the_local_spans_in_document_order(bundle, local_ray, tmp_path):
    texts = [text for text, _ in SENTENCES] * 10 + cluener_dev_texts(220)
    source = tmp_path / "in.txt"
    source.write_text("".join(text + "\n" for text in texts), "utf-8")
    local, sharded = tmp_path / "local.jsonl", tmp_path / "ray-out"
    # The same threads per session: a logit at the threshold can fall either side with other thread counts.
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(local), "--quiet",
                 "--threads", "1"]) == 0
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(sharded), "--quiet",
                 "--engine", "ray", "--workers", "2", "--threads", "1"]) == 0
    expected = [json.loads(line) for line in local.read_text("utf-8").splitlines()]
    records = ray_shards.read_shards(sharded, "jsonl")
    assert [r["text"] for r in records] == texts
    assert [spans_of(r) for r in records] == [spans_of(d) for d in expected]
    assert sum(len(r["spans"]) for r in records) > 150
    # Batches hold the local engine's chunks, so even the int8 scores are the same (jsonl rounds to 10 digits).
    assert [s["score"] for r in records for s in r["spans"]] == pytest.approx(
        [s["score"] for d in expected for s in d["spans"]], abs=1e-9)
    assert all(r["status"] == "predicted" and r["error"] is None for r in records)
    assert local_ray.is_initialized()  # the command did not stop a Ray it had not started


def test_ray_engine_reads_and_writes_parquet(bundle, local_ray, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as parquet

    texts = [text for text, _ in SENTENCES]
    source = tmp_path / "in.parquet"
    parquet.write_table(pa.table({"id": [f"doc-{i}" for i in range(len(texts))], "text": texts}), source)
    out = tmp_path / "out.parquet"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(out), "--quiet",
                 "--engine", "ray", "--threads", "1"]) == 0
    records = ray_shards.read_shards(out, "parquet")
    assert [r["id"] for r in records] == [f"doc-{i}" for i in range(len(texts))]
    assert {(s["label"], texts[0][s["start"]:s["end"]]) for s in records[0]["spans"]} == {
        ("PER", "张伟"), ("ORG", "北京大学"), ("LOC", "北京")}


def test_a_failing_batch_is_retried_and_the_bad_document_reported(bundle, capsys):
    predictor = ray_predict.BatchPredictor(str(bundle), threads=1, variant="default", batch_size=8, threshold=None)
    texts = ["张伟在北京大学读书。", "bad\ud800text", "李娜去了上海。"]
    batch = predictor({"text": texts, "id": ["a", "b", "c"]})
    assert batch["status"] == ["predicted", "failed", "predicted"]
    assert batch["error"][0] is None and "surrogate" in batch["error"][1]
    assert [s["label"] for s in batch["spans"][2]] == ["PER", "LOC"] and batch["spans"][1] == []
    assert "document b failed" in capsys.readouterr().err


def test_summary_lists_the_failed_documents():
    result = ray_shards.RayPredictResult(documents=3, spans=4, failed=[("b", "NerdeskError: bad text")])
    options = ray_shards.RayPredictOptions(inputs=[], model=Path("m"), out=Path("out"), workers=2)
    first, failed = ray_predict.summary(result, 2.0, options)
    assert first.startswith("3 documents, 4 predicted spans") and "2 Ray workers" in first
    assert failed == "failed: document b: NerdeskError: bad text"


def test_without_ray_the_message_names_the_extra(bundle, tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(NerdeskError) as caught:
        ray_predict.require_ray()
    assert caught.value.code == "E540"
    source = tmp_path / "in.txt"
    source.write_text("李娜去了上海。\n", "utf-8")
    code = main(["predict", "--model", str(bundle), str(source), "--out", str(tmp_path / "out"), "--engine", "ray"])
    assert code != 0 and "nerdesk[ray]" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_ray_engine_refuses_a_used_output_directory(tmp_path):
    pytest.importorskip("ray.data")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.json").write_text("{}\n", "utf-8")
    with pytest.raises(NerdeskError) as caught:
        ray_predict._check_output(tmp_path / "out")
    assert caught.value.code == "E542"


def test_ray_engine_refuses_the_local_reading_options(bundle, tmp_path, capsys):
    pytest.importorskip("ray.data")
    source = tmp_path / "in.txt"
    source.write_text("李娜去了上海。\n", "utf-8")
    code = main(["predict", "--model", str(bundle), str(source), "--out", str(tmp_path / "out"), "--engine", "ray",
                 "--split", "paragraph"])
    assert code != 0 and "drop --input-format and --split" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("out_format", ["jsonl", "parquet"])
def test_resume_after_a_kill_writes_every_document_once(bundle, local_ray, tmp_path, out_format):
    """The state a kill leaves: some complete shards, one cut short, the rest never written. Resuming
    skips the complete shards' documents, rewrites the cut one's, and duplicates none."""
    texts = cluener_dev_texts(800)
    source = tmp_path / "in.txt"
    source.write_text("".join(text + "\n" for text in texts), "utf-8")
    full, killed = tmp_path / "full", tmp_path / "killed"
    command = ["predict", "--model", str(bundle), str(source), "--quiet", "--engine", "ray", "--workers", "2",
               "--threads", "1", "--format", out_format]
    assert main([*command, "--out", str(full)]) == 0
    shards = ray_shards.shard_paths(full, out_format)
    assert len(shards) >= 3
    killed.mkdir()
    for shard in shards[:2]:
        (killed / shard.name).write_bytes(shard.read_bytes())
    (killed / shards[2].name).write_bytes(shards[2].read_bytes()[:-200])  # cut short mid-record
    kept = {record["id"] for shard in shards[:2] for record in ray_shards.read_shards_of([shard], out_format)}

    assert main([*command, "--out", str(killed)]) == 1  # a used directory needs --resume
    assert main([*command, "--out", str(killed), "--resume"]) == 0

    expected = {record["id"]: spans_of(record) for record in ray_shards.read_shards(full, out_format)}
    records = ray_shards.read_shards(killed, out_format)
    assert sorted(record["id"] for record in records) == sorted(expected)  # each document exactly once
    assert {record["id"]: spans_of(record) for record in records} == expected
    assert {shard.name for shard in shards[:2]} <= {p.name for p in ray_shards.shard_paths(killed, out_format)}
    assert kept and len(records) == len(texts)
