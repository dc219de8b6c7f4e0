"""The Model panel and ``nerdesk models`` give the F1 of the variant that runs: an int8 model next to its own score,
not the fp32 model's (zh-general-cluener showed "int8 model, dev F1 74.1"; its int8 model scores 73.92)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nerdesk.runtime.bundle import describe_bundle, running_f1

MODELS = Path(__file__).resolve().parents[2] / "models"


def manifest(variant: str, files: tuple[str, ...], f1: float, split: str = "dev") -> dict:
    return {"default_variant": variant, "files": {name: {} for name in files},
            "metrics": {"micro": {"f1": f1}, "split": split},
            "quantization": {"f1_fp32": 74.08, "f1_int8": 73.92}}


def test_an_int8_model_scored_as_fp32_gives_the_int8_score():
    assert running_f1(manifest("int8", ("model.onnx", "model.int8.onnx"), 0.7408)) == {
        "dev": pytest.approx(0.7392), "test": None}


def test_fp32_scores_stay_for_fp32_and_for_a_bundle_scored_with_its_only_model():
    assert running_f1(manifest("fp32", ("model.onnx", "model.int8.onnx"), 0.7408))["dev"] == 0.7408
    assert running_f1(manifest("int8", ("model.int8.onnx",), 0.7392))["dev"] == 0.7392  # scored with int8 already


def test_a_record_on_other_documents_is_not_used():
    # en-general-conll: the quantization record is on the documents it trained on (98.3), its F1 is on test.
    assert running_f1(manifest("int8", ("model.onnx", "model.int8.onnx"), 0.8843, "test"))["test"] == 0.8843


@pytest.mark.skipif(not (MODELS / "zh-general-cluener" / "bundle.json").is_file(), reason="the bundle is not built")
def test_the_shipped_general_model_is_described_with_its_int8_score(tmp_path):
    bundle = tmp_path / "b"
    bundle.mkdir()
    shutil.copy(MODELS / "zh-general-cluener" / "bundle.json", bundle)
    recorded = json.loads((bundle / "bundle.json").read_text("utf-8"))["quantization"]["f1_int8"]
    summary, _ = describe_bundle(bundle)
    assert summary == f"int8 model, dev F1 {recorded:.1f}" == "int8 model, dev F1 73.9"
