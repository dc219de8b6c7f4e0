"""Export of a trained model to a bundle: torch/ONNX parity, windows, int8 decision, corrupt bundles."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from fixtures_bundle import (  # noqa: E402
    LABELS,
    MAX_LENGTH,
    cluener_dev_texts,
    long_document,
    sentence_documents,
    shared_tiny_bundle,
    shared_tiny_model,
)

from nerdesk.core.errors import ModelBundleError  # noqa: E402
from nerdesk.core.metrics import evaluate  # noqa: E402
from nerdesk.runtime.bundle import MANIFEST, Bundle, file_entry  # noqa: E402
from nerdesk.runtime.compare import max_abs_diff_on_valid_cells  # noqa: E402
from nerdesk.runtime.predictor import OnnxPredictor, SpanPredictor  # noqa: E402
from nerdesk.runtime.windows import WindowMaker, batches, load_tokenizer  # noqa: E402
from nerdesk.training import export  # noqa: E402
from nerdesk.training.export import export_bundle, torch_logits  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model():
    return shared_tiny_model()


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)


def test_trained_bundle_predicts_the_training_sentences(tiny_bundle):
    documents = sentence_documents()
    predicted = OnnxPredictor(Bundle.load(tiny_bundle), threads=1).predict([d.text for d in documents])
    assert evaluate([d.gold for d in documents], predicted).micro.f1 == 1.0
    span = predicted[0][0]
    assert span.source == "pred" and 0.5 < span.score <= 1.0
    assert span.model_version == Bundle.load(tiny_bundle).model_version


def test_onnx_logits_match_torch_on_real_sentences(tiny_model, tiny_bundle):
    model, tokenizer = tiny_model
    texts = [d.text for d in sentence_documents()] + [long_document().text]
    with contextlib.suppress(pytest.skip.Exception):  # without the corpus the built-in texts still cover
        texts += cluener_dev_texts(24)  # short, long and padded batches
    bundle = Bundle.load(tiny_bundle)
    onnx_predictor = OnnxPredictor(bundle, threads=1, variant="fp32")
    window_maker = WindowMaker(tokenizer, MAX_LENGTH, bundle.stride)
    eager = torch_logits(model)
    worst = 0.0
    for batch in batches(window_maker.windows(texts), window_maker.pad_id, batch_size=5, cell_budget=10**6):
        inputs = (batch.input_ids, batch.attention_mask, batch.token_mask)
        worst = max(worst, max_abs_diff_on_valid_cells(onnx_predictor.batch_logits(batch), eager(*inputs),
                                                       batch.token_mask))
    assert worst <= 1e-4
    torch_spans = SpanPredictor(eager, tokenizer, LABELS, max_length=MAX_LENGTH, stride=bundle.stride).predict(texts)
    assert [[s.key for s in spans] for spans in onnx_predictor.predict(texts)] == \
        [[s.key for s in spans] for spans in torch_spans]


def test_int8_model_finds_the_same_spans_as_fp32(tiny_bundle):
    bundle = Bundle.load(tiny_bundle)
    texts = [d.text for d in sentence_documents()] + [long_document(seed=seed).text for seed in range(3)]
    fp32 = OnnxPredictor(bundle, threads=1, variant="fp32").predict(texts)
    int8 = OnnxPredictor(bundle, threads=1, variant="int8").predict(texts)
    assert [[s.key for s in spans] for spans in int8] == [[s.key for s in spans] for spans in fp32]
    assert (tiny_bundle / "model.int8.onnx").read_bytes() != (tiny_bundle / "model.onnx").read_bytes()


def test_long_document_in_windows_matches_one_big_window(tiny_bundle):
    bundle = Bundle.load(tiny_bundle)
    windowed = OnnxPredictor(bundle, threads=1)
    document = long_document(seed=3)
    windows = windowed.window_maker.windows([document.text])
    assert len(windows) > 3  # far longer than max_length
    window_ends = [int(w.offsets[w.content][-1, 1]) for w in windows[:-1]]
    straddling = [s for s in document.spans if any(s.start < end < s.end for end in window_ends)]
    assert straddling, "the test document should have entities cut by a window border"

    one_window = SpanPredictor(windowed.logits_function, load_tokenizer(bundle.tokenizer_path), LABELS,
                               max_length=len(document.text) + 2, stride=0,
                               max_span_tokens=bundle.max_span_tokens)
    assert len(one_window.window_maker.windows([document.text])) == 1
    in_windows = windowed.predict([document.text])[0]
    in_one = one_window.predict([document.text])[0]
    assert [s.key for s in in_windows] == [s.key for s in in_one]
    assert {s.key for s in in_windows} == {s.key for s in document.spans}
    for span in straddling:
        assert span.key in {s.key for s in in_windows}


def test_batched_and_single_predictions_agree(tiny_bundle):
    predictor = OnnxPredictor(Bundle.load(tiny_bundle), threads=1)
    texts = [d.text for d in sentence_documents()] + [long_document(seed=5).text, "", "   "]
    reports: list[tuple[int, int]] = []
    together = predictor.predict(texts, batch_size=4, progress=lambda done, total: reports.append((done, total)))
    alone = [predictor.predict([text])[0] for text in texts]
    windows = len(predictor.window_maker.windows(texts))
    assert len(reports) > 2 and reports[-1] == (windows, windows)
    assert [done for done, _ in reports] == sorted({done for done, _ in reports})
    assert [[s.key for s in spans] for spans in together] == [[s.key for s in spans] for spans in alone]
    # int8 quantises activations with one scale per batch, so scores move a little with the company
    together_scores = [s.score for spans in together for s in spans]
    assert together_scores == pytest.approx([s.score for spans in alone for s in spans], abs=1e-3)
    assert together[-1] == [] and together[-2] == []


def test_int8_decision_is_recorded(tiny_bundle):
    manifest = json.loads((tiny_bundle / MANIFEST).read_text("utf-8"))
    quantization = manifest["quantization"]
    assert (tiny_bundle / "model.int8.onnx").is_file()
    trials = quantization["trials"]
    plans = [(0, False), (0, True), (1, False)]  # every layer int8, head fp32, the one BiLSTM layer fp32
    assert [(t["encoder_layers_fp32"], t["head_fp32"]) for t in trials] == plans[:len(trials)]
    assert trials[0]["encoder_layers"] == 1
    chosen = {key: quantization[key] for key in ("encoder_layers_fp32", "nodes_kept_fp32", "span_agreement")}
    assert chosen in [{key: t[key] for key in chosen} for t in trials]
    assert (quantization["nodes_kept_fp32"] > 0) is (quantization["encoder_layers_fp32"] > 0)
    assert not list(tiny_bundle.glob(".int8-*"))
    assert quantization["span_agreement"] == 1.0
    assert quantization["f1_fp32"] == pytest.approx(100.0)
    assert quantization["default"] is (manifest["default_variant"] == "int8")
    assert quantization["default"] is (quantization["span_agreement"] >= 0.995 and quantization["f1_drop"] <= 0.3)
    assert manifest["default_variant_reason"] == quantization["reason"]
    assert manifest["parity"]["max_abs_diff"] <= 1e-4


def test_span_cap_comes_from_the_longest_dev_span(tiny_bundle):
    manifest = json.loads((tiny_bundle / MANIFEST).read_text("utf-8"))
    assert manifest["max_span_tokens"] == 5  # 1.25 x the longest gold span (4 characters, one token each), rounded up
    assert "longest gold span (4 tokens)" in manifest["max_span_tokens_reason"]
    assert Bundle.load(tiny_bundle).max_span_tokens == 5


def test_int8_stays_off_without_gold_to_measure_f1(tiny_model, tmp_path):
    model, tokenizer = tiny_model
    bundle_dir = export_bundle(model, tokenizer, tmp_path / "no-dev", labels=LABELS,
                               parity_texts=[d.text for d in sentence_documents()])
    manifest = json.loads((bundle_dir / MANIFEST).read_text("utf-8"))
    assert manifest["default_variant"] == "fp32"
    assert "no dev documents" in manifest["quantization"]["reason"]
    assert "f1_int8" not in manifest["quantization"]
    assert manifest["max_span_tokens"] is None


def test_bad_span_cap_is_refused(tiny_model, tmp_path):
    with pytest.raises(ModelBundleError) as caught:
        export_bundle(*tiny_model, tmp_path / "bad", labels=LABELS, max_span_tokens=0)
    assert caught.value.code == "E417"


def test_export_refuses_a_model_that_fails_parity(tiny_model, tmp_path, monkeypatch):
    model, tokenizer = tiny_model
    monkeypatch.setattr(export, "PARITY_TOLERANCE", -1.0)  # no difference can pass
    monkeypatch.setattr(export, "PARITY_RELATIVE_TOLERANCE", 0.0)
    with pytest.raises(ModelBundleError) as caught:
        export_bundle(model, tokenizer, tmp_path / "refused", labels=LABELS,
                      parity_texts=[d.text for d in sentence_documents()])
    assert caught.value.code == "E418"
    assert not (tmp_path / "refused").exists()
    assert list(tmp_path.iterdir()) == []  # nor a half-written staging directory


def test_bundle_keeps_a_checkpoint_that_reloads(tiny_model, tiny_bundle):
    from nerdesk.training.model import load_checkpoint

    model, _ = tiny_model
    reloaded, tokenizer = load_checkpoint(tiny_bundle)
    ids = torch.tensor([tokenizer.encode("张伟在北京大学读书。").ids])  # (1, L)
    mask = torch.ones_like(ids)  # (1, L)
    with torch.inference_mode():
        assert torch.equal(reloaded(ids, mask)[0], model(ids, mask)[0])


# --- corrupt bundles -------------------------------------------------------------------------------


@pytest.fixture
def bundle_copy(tiny_bundle, tmp_path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_bundle, copy)
    return copy


def rewrite_manifest(bundle_dir: Path, change) -> None:
    path = bundle_dir / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), "utf-8")


def rehash(bundle_dir: Path, file_name: str) -> None:
    def update(manifest):
        manifest["files"][file_name] = file_entry(bundle_dir / file_name)

    rewrite_manifest(bundle_dir, update)


def test_intact_copy_loads(bundle_copy):
    assert Bundle.load(bundle_copy).labels.names == LABELS


def test_bad_hash_is_refused(bundle_copy):
    onnx_path = bundle_copy / "model.onnx"
    data = bytearray(onnx_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    onnx_path.write_bytes(bytes(data))
    with pytest.raises(ModelBundleError, match=r"model\.onnx: sha256 does not match") as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == "E313"


def test_truncated_onnx_is_refused(bundle_copy):
    onnx_path = bundle_copy / "model.onnx"
    onnx_path.write_bytes(onnx_path.read_bytes()[:5000])
    with pytest.raises(ModelBundleError) as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == "E312"
    rehash(bundle_copy, "model.onnx")  # even with matching hashes, a broken model does not load
    with pytest.raises(ModelBundleError) as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == "E322"


@pytest.mark.parametrize(("file_name", "code"), [
    ("model.onnx", "E311"), ("tokenizer.json", "E311"),
    ("bundle.json", "E301"), ("checkpoint.safetensors", "E311"),
])
def test_missing_file_is_refused(bundle_copy, file_name, code):
    (bundle_copy / file_name).unlink()
    with pytest.raises(ModelBundleError, match=re.escape(f"{file_name}: missing")) as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == code


def test_labels_that_do_not_match_the_model_are_refused(bundle_copy):
    rewrite_manifest(bundle_copy, lambda m: m["labels"].append({"name": "EXTRA", "color": "#000000"}))
    mismatch = "scores 3 entity types but bundle.json lists 4 labels"
    with pytest.raises(ModelBundleError, match=mismatch) as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == "E320"


def test_newer_schema_is_refused(bundle_copy):
    rewrite_manifest(bundle_copy, lambda m: m.update(schema_version=99))
    with pytest.raises(ModelBundleError) as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == "E304"


def test_unparseable_manifest_is_refused(bundle_copy):
    (bundle_copy / MANIFEST).write_text('{"schema_version": 1, "name": ', "utf-8")
    with pytest.raises(ModelBundleError) as caught:
        Bundle.load(bundle_copy)
    assert caught.value.code == "E302"


def test_unknown_variant_is_refused(tiny_bundle):
    with pytest.raises(ModelBundleError, match="no 'fp16' model") as caught:
        OnnxPredictor(Bundle.load(tiny_bundle), variant="fp16")
    assert caught.value.code == "E317"


# --- torch-free runtime ----------------------------------------------------------------------------


def test_prediction_in_a_fresh_interpreter_never_imports_torch(tiny_bundle):
    script = textwrap.dedent(f"""
        import json, sys
        from nerdesk.runtime.bundle import Bundle
        from nerdesk.runtime.predictor import OnnxPredictor
        spans = OnnxPredictor(Bundle.load({str(tiny_bundle)!r}), threads=1).predict(["张伟在北京大学读书。"])
        heavy = sorted(name for name in ("torch", "transformers") if name in sys.modules)
        print(json.dumps({{"spans": [[s.start, s.end, s.label] for s in spans[0]], "heavy": heavy}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    assert sorted(report["spans"]) == [[0, 2, "PER"], [3, 5, "LOC"], [3, 7, "ORG"]]


def test_scores_are_sigmoids_of_the_logits(tiny_bundle):
    predictor = OnnxPredictor(Bundle.load(tiny_bundle), threads=1)
    text = "张伟在北京大学读书。"
    window_maker = predictor.window_maker
    (batch,) = batches(window_maker.windows([text]), window_maker.pad_id, batch_size=1, cell_budget=10**6)
    logits = predictor.batch_logits(batch)  # (1, m, L, L)
    for span in predictor.predict([text])[0]:
        first = int(np.flatnonzero(batch.offsets[0, :, 0] == span.start)[0])
        last = int(np.flatnonzero(batch.offsets[0, :, 1] == span.end)[0])
        logit = float(logits[0, LABELS.index(span.label), first, last])
        assert span.score == pytest.approx(1 / (1 + np.exp(-logit)))


# --- other encoders and heads ----------------------------------------------------------------------


@pytest.mark.parametrize("head, encoder", [
    ("egp", {"kind": "bilstm", "embedding_dim": 16, "hidden_size": 16, "num_layers": 1, "dropout": 0.0}),
    ("gp", {"kind": "hf", "config": {"model_type": "bert", "hidden_size": 32, "num_hidden_layers": 1,
                                      "num_attention_heads": 2, "intermediate_size": 64,
                                      "max_position_embeddings": 64}}),
])
def test_other_heads_and_encoders_export_with_parity(tiny_model, tmp_path, head, encoder):
    from nerdesk.training.model import GlobalPointerModel, ModelConfig

    _, tokenizer = tiny_model
    vocab_size = tokenizer.get_vocab_size()
    if encoder["kind"] == "bilstm":
        encoder = {**encoder, "vocab_size": vocab_size, "padding_id": 0}
    else:
        encoder = {"kind": "hf", "config": {**encoder["config"], "vocab_size": vocab_size}}
    torch.manual_seed(0)
    config = ModelConfig(labels=LABELS, encoder=encoder, head=head, head_size=8, max_length=MAX_LENGTH,
                         window_stride=6)
    model = GlobalPointerModel(config).eval()  # untrained: random scores exercise every cell
    bundle_dir = export_bundle(model, tokenizer, tmp_path / head, labels=LABELS,
                               dev_documents=sentence_documents())
    manifest = json.loads((bundle_dir / MANIFEST).read_text("utf-8"))
    assert manifest["parity"]["max_abs_diff"] <= 1e-4 and manifest["parity"]["spans"] > 0
    # The traced attention's softmax NaN guard (one per layer) is dropped before the parity check.
    assert manifest["parity"]["softmax_nan_guards_dropped"] == (1 if encoder["kind"] == "hf" else 0)
    assert manifest["quantization"]["trials"]
    texts = [long_document(seed=7).text]
    onnx_spans = OnnxPredictor(Bundle.load(bundle_dir), threads=1, variant="fp32").predict(texts)
    torch_spans = SpanPredictor(torch_logits(model), tokenizer, LABELS, max_length=MAX_LENGTH, stride=6,
                                max_span_tokens=manifest["max_span_tokens"]).predict(texts)
    assert [s.key for s in onnx_spans[0]] == [s.key for s in torch_spans[0]]


def test_int8_plans_go_from_fastest_to_most_faithful():
    from nerdesk.training.export import int8_plans

    assert int8_plans(2) == [(0, False), (1, False), (0, True), (2, False)]
    assert int8_plans(0) == [(0, False), (0, True)]  # an encoder without layers found: all int8, then head fp32



def test_export_binds_the_label_names_to_both_onnx_files(tiny_bundle, tmp_path):
    copy = Path(shutil.copytree(tiny_bundle, tmp_path / "copy"))
    manifest = json.loads((copy / MANIFEST).read_text("utf-8"))
    manifest["labels"][0]["name"], manifest["labels"][1]["name"] = (manifest["labels"][1]["name"],
                                                                    manifest["labels"][0]["name"])
    (copy / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelBundleError) as caught:
        Bundle.load(copy)
    assert caught.value.code == "E321"
    for variant in ("fp32", "int8"):
        OnnxPredictor(Bundle.load(tiny_bundle), variant=variant)  # the untouched bundle loads both
