"""``nerdesk predict`` end to end with a real bundle: text and annotated inputs, workers, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")  # building the bundle needs torch; predicting does not

from fixtures_bundle import SENTENCES, shared_tiny_bundle  # noqa: E402

from nerdesk.cli import main  # noqa: E402
from nerdesk.commands import predict  # noqa: E402


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def without_scores(document: dict) -> dict:
    return {**document, "spans": [{k: v for k, v in s.items() if k != "score"} for s in document["spans"]]}


def test_plain_text_in_jsonl_out(bundle, tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("张伟在北京大学读书。\n\n今天天气很好。\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(out), "--threads", "1"]) == 0
    first, second = read_jsonl(out)
    assert [(s["text"], s["label"], s["source"]) for s in first["spans"]] == [
        ("张伟", "PER", "pred"), ("北京大学", "ORG", "pred"), ("北京", "LOC", "pred")]
    assert all(0.5 < s["score"] <= 1 and s["model_version"].startswith("tiny@") for s in first["spans"])
    assert first["status"] == "predicted" and second["spans"] == []
    assert "2 documents, 3 predicted spans" in capsys.readouterr().err


def test_annotated_input_keeps_gold_and_replaces_old_predictions(bundle, tmp_path):
    source = tmp_path / "in.jsonl"
    record = {"text": "李娜去了上海。", "status": "reviewed", "spans": [
        {"start": 0, "end": 2, "label": "PER", "source": "gold"},
        {"start": 4, "end": 7, "label": "LOC", "source": "pred", "score": 0.9, "model_version": "old"}]}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    out = tmp_path / "out.json"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(out), "--quiet"]) == 0
    (document,) = json.loads(out.read_text("utf-8"))["documents"]
    spans = {(s["start"], s["end"], s["label"], s["source"]) for s in document["spans"]}
    assert spans == {(0, 2, "PER", "gold"), (0, 2, "PER", "pred"), (4, 6, "LOC", "pred")}
    assert document["status"] == "reviewed"


def test_workers_give_the_same_output_as_one_process(bundle, tmp_path, monkeypatch):
    monkeypatch.setattr(predict, "CHUNK_DOCUMENTS", 7)  # several chunks from a small corpus
    source = tmp_path / "in.txt"
    source.write_text("".join(text + "\n" for text, _ in SENTENCES * 3), "utf-8")
    single, parallel = tmp_path / "single.jsonl", tmp_path / "parallel.jsonl"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(single), "--quiet"]) == 0
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(parallel), "--quiet",
                 "--workers", "2", "--threads", "1"]) == 0
    # Same documents and spans; int8 scores may differ in the last digits because the chunks form other
    # batches (activations are quantised with one scale per batch).
    single_docs, parallel_docs = read_jsonl(single), read_jsonl(parallel)
    assert [without_scores(d) for d in single_docs] == [without_scores(d) for d in parallel_docs]
    assert [s["score"] for d in single_docs for s in d["spans"]] == pytest.approx(
        [s["score"] for d in parallel_docs for s in d["spans"]], abs=1e-3)
    assert sum(len(d["spans"]) for d in read_jsonl(single)) == 3 * sum(len(m) for _, m in SENTENCES)


def test_threshold_and_variant_options(bundle, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("张伟在北京大学读书。\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(out), "--quiet",
                 "--variant", "fp32", "--threshold", "0.999999999999"]) == 0
    assert read_jsonl(out)[0]["spans"] == []


def test_lossy_output_formats_receive_the_predictions(bundle, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("王芳在华为公司工作。\n", "utf-8")
    out = tmp_path / "out.cluener.json"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(out), "--quiet",
                 "--format", "cluener"]) == 0
    assert json.loads(out.read_text("utf-8").splitlines()[0])["label"] == {
        "PER": {"王芳": [[0, 1]]}, "ORG": {"华为公司": [[3, 6]]}}  # CLUENER ends are inclusive


def test_errors_are_reported_without_a_traceback(bundle, tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("张伟\n", "utf-8")
    assert main(["predict", "--model", str(tmp_path / "nowhere"), str(source), "--out",
                 str(tmp_path / "o.jsonl")]) == 1
    assert "no model bundle here" in capsys.readouterr().err
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(tmp_path / "o.xyz")]) == 1
    assert "pass --format" in capsys.readouterr().err
    assert not (tmp_path / "o.xyz").exists()


def test_the_predict_command_never_imports_torch(bundle, tmp_path):
    import subprocess
    import sys

    source = tmp_path / "in.txt"
    source.write_text("张伟在北京大学读书。\n", "utf-8")
    script = (
        "import sys\n"
        "from nerdesk.cli import main\n"
        f"code = main(['predict', '--model', {str(bundle)!r}, {str(source)!r}, '--out', "
        f"{str(tmp_path / 'out.jsonl')!r}, '--quiet'])\n"
        "print(code, sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=True)
    assert result.stdout.split("\n")[-2] == "0 []"
    assert len(read_jsonl(tmp_path / "out.jsonl")[0]["spans"]) == 3
