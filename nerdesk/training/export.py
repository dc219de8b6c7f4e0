"""Export a trained GlobalPointer model as a self-checking model bundle.

The bundle (see ``nerdesk.runtime.bundle``) holds the ONNX model for the torch-free runtime, a
dynamically quantised int8 copy, the tokenizer, the safetensors checkpoint for further training,
and ``bundle.json``. Export refuses to write a bundle whose ONNX model disagrees with the torch
model: logits on real sentences must match within ``PARITY_TOLERANCE`` and decode to the same
spans. The int8 copy becomes the default only when it keeps the spans (agreement at least
``INT8_MIN_AGREEMENT`` on the dev documents) and loses at most ``INT8_MAX_F1_DROP`` F1 points.

A model with LoRA adapters on a pretrained encoder (``nerdesk.training.lora``) exports its merged
weights, ships the int8 model only (embedding tables int8 too) and keeps just the adapters, LayerNorms
and head as its checkpoint: the base weights stay in the package they came from.

The bundle is assembled in a hidden sibling directory and moved into place only once it loads
and validates, so a failed export never leaves a half-written bundle at ``out_dir``. Only a folder
that holds nothing but a model is replaced (``nerdesk.training.model_folder``).
"""

from __future__ import annotations

import json
import math
import shutil
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from tokenizers import Tokenizer

from nerdesk.core.document import Document
from nerdesk.core.errors import ModelBundleError, TrainingError
from nerdesk.core.labels import LabelSet
from nerdesk.core.metrics import evaluate
from nerdesk.core.spans import Span
from nerdesk.runtime.bundle import (
    FP32_FILE,
    INT8_FILE,
    MANIFEST,
    SCHEMA_VERSION,
    TOKENIZER_FILE,
    Bundle,
    file_entry,
    labels_metadata,
    labels_to_json,
)
from nerdesk.runtime.compare import LogitDifferences, first_span_difference, span_agreement
from nerdesk.runtime.decode_settings import DecodeSettings
from nerdesk.runtime.graph_rewrites import drop_softmax_nan_guards
from nerdesk.runtime.predictor import LogitsFunction, SpanPredictor
from nerdesk.runtime.quantize import quantize_int8
from nerdesk.runtime.session import MODEL_INPUTS, OrtLogits, open_session
from nerdesk.runtime.token_features import FeatureTable, feature_table
from nerdesk.training.inference_graph import inference_module
from nerdesk.training.logits import decode_settings, torch_logits
from nerdesk.training.lora import has_lora, merge_lora, save_lora_checkpoint
from nerdesk.training.model import CHECKPOINT_FILE, CONFIG_FILE, GlobalPointerModel, save_checkpoint
from nerdesk.training.model_folder import fresh_staging, move_into_place
from nerdesk.training.quantize_plans import (  # noqa: F401 (encoder_layer_scopes: part of this module's API)
    HEAD_SCOPE,
    encoder_layer_scopes,
    int8_plans,
    node_names,
    nodes_within,
)

PARITY_TOLERANCE = 1e-4
# fp32 rounding grows with the logits' size: a head trained at 1e-2 had logits near 100 and differences of 1.4e-4.
PARITY_RELATIVE_TOLERANCE = 1e-5
INT8_MIN_AGREEMENT = 0.995
INT8_MAX_F1_DROP = 0.3  # F1 points (0-100 scale)
ONNX_OPSET = 17
PARITY_TEXT_COUNT = 32
# Decoded spans may be this many times longer than the longest dev gold span (rounded up). A model trained on
# sentences scores start-end distances it never saw as junk: a CLUENER model with a cap of 2x predicted thousands
# of 50-70-token spans per 1,000-character document (F1 1.5); with 1.25x it scores 70.7 on the same documents.
SPAN_LENGTH_MARGIN = 1.25
# Used for the parity check only when the caller gives neither parity texts nor dev documents.
FALLBACK_PARITY_TEXTS = (
    "浙商银行企业信贷部叶老桂博士则从另一个角度对五道门槛进行了解读。",
    "John Smith joined the European Central Bank in Frankfurt in 2019.",
    "彭小军认为，国内银行现在走的是台湾的发卡模式，先通过跑马圈地再在圈的地里面选择客户，",
    "IL-2 gene expression and NF-kappa B activation through CD28 requires reactive oxygen production.",
)


def export_bundle(model: GlobalPointerModel, tokenizer: Tokenizer, out_dir: str | Path, *,
                  labels: LabelSet | list[str],
                  metrics: dict[str, Any] | None = None, trained_on: dict[str, Any] | None = None,
                  dev_documents: list[Document] | None = None, parity_texts: list[str] | None = None,
                  threshold: float = 0.0, stride: int | None = None, name: str | None = None,
                  max_span_tokens: int | Literal["auto"] | None = "auto", keep_fp32: bool | None = None) -> Path:
    """Write a validated bundle for ``model`` to ``out_dir`` (replacing one already there); return its path.

    ``out_dir`` holding files other than a model's is refused (``E420``, ``nerdesk.training.model_folder``).

    ``max_span_tokens`` caps the length of decoded spans: ``"auto"`` sets it to ``SPAN_LENGTH_MARGIN``
    times the longest gold span of ``dev_documents`` (no cap without them), ``None`` sets no cap.
    ``keep_fp32=False`` ships the int8 model only (see ``quantize_and_decide``), to keep a bundle small;
    by default only a bundle with adapters leaves the fp32 model out.
    """
    out_dir = Path(out_dir)
    label_set = labels if isinstance(labels, LabelSet) else LabelSet.from_names(labels, flat=model.config.flat)
    if label_set.names != list(model.config.labels):
        raise ModelBundleError(f"labels {label_set.names} differ from the model's {model.config.labels}; "
                               f"pass the labels in the model's order", code="E416")
    span_cap, span_cap_reason = _span_cap(max_span_tokens, tokenizer, dev_documents or [])
    settings = decode_settings(model, max_span_tokens=span_cap, threshold=threshold, stride=stride,
                               flat=label_set.flat)
    features = feature_table(model.config.encoder)
    staging = fresh_staging(out_dir)
    adapters = has_lora(model)
    int8_only = adapters if keep_fp32 is None else not keep_fp32
    with _removed_on_failure(staging, out_dir):
        model = model.eval()
        # With adapters, the base weights stay in their package: the bundle ships int8 ONNX and the adapters.
        (save_lora_checkpoint if adapters else save_checkpoint)(model, tokenizer, staging)
        export_onnx(merge_lora(model) if adapters else model, staging / FP32_FILE)
        guards = drop_softmax_nan_guards(staging / FP32_FILE, staging / FP32_FILE)  # before parity: it checks them
        texts = _parity_texts(parity_texts, dev_documents)
        parity = check_parity(model, tokenizer, staging / FP32_FILE, label_set.names, texts, settings, features=features)
        parity["softmax_nan_guards_dropped"] = guards
        quantization = quantize_and_decide(model, tokenizer, staging, label_set.names, dev_documents or [],
                                           texts, settings, features=features, int8_only=int8_only)
        if int8_only:
            (staging / FP32_FILE).unlink()
        bind_labels(staging, label_set.names)
        manifest = _manifest(staging, name or out_dir.name, label_set, settings, span_cap_reason, parity,
                             quantization, metrics or {}, trained_on or {})
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        Bundle.load(staging)
    return move_into_place(staging, out_dir)


@contextmanager
def _removed_on_failure(staging: Path, out_dir: Path) -> Iterator[None]:
    """Remove the staging folder when writing the bundle fails; a full disk is one error (E109) naming it."""
    try:
        yield
    except OSError as error:  # a full disk, or the folder taken away while exporting
        shutil.rmtree(staging, ignore_errors=True)
        raise TrainingError(f"cannot write the model bundle {out_dir}: {error.strerror or error}; a model already "
                            "there is as it was: free disk space (or check the folder) and train again",
                            code="E109") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def bind_labels(staging: Path, label_names: Sequence[str]) -> None:
    """Record the label names in every ONNX file's metadata, so ``Bundle.load`` can tell a manifest whose
    names were swapped (which would silently swap the predictions)."""
    import onnx

    for file_name in (FP32_FILE, INT8_FILE):
        path = staging / file_name
        if path.is_file():
            proto = onnx.load(str(path))
            onnx.helper.set_model_props(proto, labels_metadata(label_names))
            onnx.save(proto, str(path))


def _span_cap(requested: int | str | None, tokenizer: Tokenizer,
              dev_documents: Sequence[Document]) -> tuple[int | None, str]:
    """The span cap (tokens, None for none) and why, as ``bundle.json`` records them."""
    if requested != "auto":
        if requested is not None and (not isinstance(requested, int) or requested < 1):
            raise ModelBundleError(f"max_span_tokens must be a positive integer, 'auto' or None, got {requested!r}",
                                   code="E417")
        return requested, "set when exporting"
    longest = longest_gold_span_tokens(tokenizer, dev_documents)
    if not longest:
        return None, "no dev documents with gold spans to measure"
    return (math.ceil(SPAN_LENGTH_MARGIN * longest),
            f"{SPAN_LENGTH_MARGIN} x the longest gold span ({longest} tokens) of {len(dev_documents)} dev documents")


def longest_gold_span_tokens(tokenizer: Tokenizer, documents: Sequence[Document]) -> int:
    """The most tokens any gold span of ``documents`` covers (0 without gold spans)."""
    counter = Tokenizer.from_str(tokenizer.to_str())
    counter.no_padding()
    counter.no_truncation()
    encodings = counter.encode_batch([doc.text for doc in documents], add_special_tokens=False)
    longest = 0
    for document, encoding in zip(documents, encodings, strict=True):
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)  # (T, 2)
        for span in document.gold:
            inside = (offsets[:, 0] >= span.start) & (offsets[:, 1] <= span.end) & (offsets[:, 0] < offsets[:, 1])
            longest = max(longest, int(inside.sum()))
    return longest


def export_onnx(model: GlobalPointerModel, path: Path) -> None:
    """Trace ``model`` (as ``inference_module`` rewrites it) to one ONNX file with dynamic batch and
    sequence axes. The graph outputs unmasked logits: the runtime decoder reads only valid cells."""
    batch, length = 2, 7
    example: tuple[torch.Tensor, ...] = (torch.ones(batch, length, dtype=torch.long),  # (B, L) input_ids
                                         torch.ones(batch, length, dtype=torch.long),  # (B, L) attention_mask
                                         torch.ones(batch, length, dtype=torch.long))  # (B, L) token_mask
    names = list(MODEL_INPUTS)
    features = feature_table(model.config.encoder)
    if features is not None:  # the encoder also reads char_ids or lexicon_ids (B, L, K), K fixed
        example += (torch.ones(batch, length, features.width, dtype=torch.long),)
        names.append(features.input_name)
    dynamic_axes = {name: {0: "batch", 1: "sequence"} for name in names}
    dynamic_axes["logits"] = {0: "batch", 2: "sequence", 3: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        # About the eager LSTMs of each BiLSTM layer, which one LSTM node per layer replaces in the graph
        # (inference_graph), and about the exporter generation: nothing a user can act on.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size other than 1")
        warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")
        torch.onnx.export(inference_module(model), example, str(path), input_names=names,
                          output_names=["logits"], dynamic_axes=dynamic_axes, opset_version=ONNX_OPSET,
                          dynamo=False)
    _declare_label_count(path, len(model.config.labels))


def _declare_label_count(path: Path, count: int) -> None:
    """Write the number of entity types into the output shape (the tracer leaves it symbolic)."""
    import onnx

    proto = onnx.load(str(path))
    proto.graph.output[0].type.tensor_type.shape.dim[1].dim_value = count  # (B, m, L, L)
    onnx.save(proto, str(path))


def _predictor(logits_function: LogitsFunction, tokenizer: Tokenizer, label_names: Sequence[str],
               settings: DecodeSettings, features: FeatureTable | None) -> SpanPredictor:
    return SpanPredictor.from_settings(logits_function, tokenizer, label_names, settings, features=features)


def _parity_texts(parity_texts: list[str] | None, dev_documents: list[Document] | None) -> list[str]:
    if parity_texts:
        return list(parity_texts)
    if dev_documents:
        return [doc.text for doc in dev_documents[:PARITY_TEXT_COUNT]]
    return list(FALLBACK_PARITY_TEXTS)


def check_parity(model: GlobalPointerModel, tokenizer: Tokenizer, onnx_path: Path, label_names: Sequence[str],
                 texts: Sequence[str], settings: DecodeSettings, *,
                 features: FeatureTable | None = None) -> dict[str, Any]:
    """Compare ONNX Runtime with torch on ``texts``, windowed and decoded with ``settings`` (``features``: the
    model's feature table, if it reads characters or lexicon flags); raise ``ModelBundleError`` if they disagree.

    Both run on the same batches of one pass (``SpanPredictor.predict_alongside``): their logits are compared
    batch by batch, then the spans decoded from them."""
    ort_logits, eager_logits = OrtLogits(open_session(onnx_path)), torch_logits(model, as_exported=False)
    differences = LogitDifferences()
    ort_spans, eager_spans = _predictor(ort_logits, tokenizer, label_names, settings, features).predict_alongside(
        texts, [eager_logits], on_batch=differences.add)
    tolerance = PARITY_TOLERANCE + PARITY_RELATIVE_TOLERANCE * differences.largest
    if differences.worst > tolerance:
        raise ModelBundleError(f"ONNX export differs from the torch model by up to {differences.worst:.3g} on valid "
                               f"cells (tolerance {tolerance:.3g} for logits up to {differences.largest:.3g}); the "
                               "bundle was not written", code="E418")
    difference = first_span_difference(ort_spans, eager_spans)
    if difference is not None:
        raise ModelBundleError(f"ONNX export decodes different spans from the torch model ({difference}); "
                               f"the bundle was not written", code="E418")
    return {"texts": len(texts), "max_abs_diff": differences.worst, "tolerance": tolerance,
            "largest_logit": differences.largest, "spans": sum(len(spans) for spans in ort_spans),
            "spans_identical": True}


def quantize_and_decide(model: GlobalPointerModel, tokenizer: Tokenizer, staging: Path,
                        label_names: Sequence[str], dev_documents: Sequence[Document], parity_texts: Sequence[str],
                        settings: DecodeSettings, *, features: FeatureTable | None = None,
                        int8_only: bool = False) -> dict[str, Any]:
    """Write ``model.int8.onnx`` and decide whether it becomes the default.

    The ``int8_plans`` are tried in order; the first that keeps the spans is used; if none does, the
    most faithful one is kept as the (non-default) int8 variant. ``bundle.json`` records every trial.
    ``int8_only`` (a bundle without fp32 model, kept small) quantises the embedding tables too and tries
    only plans with no encoder layer fp32; int8 is then the default, and the record says how it measured.
    """
    scopes, names = encoder_layer_scopes(model), node_names(staging / FP32_FILE)
    plans = [(0, False), (0, True)] if int8_only else int8_plans(len(scopes))
    texts = [doc.text for doc in dev_documents] or list(parity_texts)
    gold = [doc.gold for doc in dev_documents] if dev_documents else None
    fp32_seconds, fp32_spans = _timed_prediction(staging / FP32_FILE, tokenizer, label_names, settings, features, texts)
    trials: list[dict[str, Any]] = []
    for number, (kept, head_fp32) in enumerate(plans):
        candidate = staging / f".int8-{number}.onnx"
        keep_fp32 = nodes_within(names, scopes[:kept] + ([HEAD_SCOPE] if head_fp32 else []))
        quantize_int8(staging / FP32_FILE, candidate, keep_fp32=keep_fp32, per_channel=True, embeddings=int8_only)
        seconds, int8_spans = _timed_prediction(candidate, tokenizer, label_names, settings, features, texts)
        trials.append({"file": candidate.name, "encoder_layers_fp32": kept, "encoder_layers": len(scopes),
                       "head_fp32": head_fp32, "nodes_kept_fp32": len(keep_fp32), "per_channel": True,
                       "seconds": round(seconds, 3), **_int8_scores(fp32_spans, int8_spans, gold)})
        if gold is None or _int8_verdict(trials[-1])[0]:
            break
    chosen = max(trials, key=lambda trial: (_int8_verdict(trial)[0], trial["span_agreement"]))
    (staging / chosen.pop("file")).rename(staging / INT8_FILE)
    for leftover in staging.glob(".int8-*.onnx"):
        leftover.unlink()
    record: dict[str, Any] = {
        "file": INT8_FILE,
        "method": "dynamic int8 weights (per channel) on MatMul/Gemm/LSTM (onnxruntime quantize_dynamic); "
                  "the first encoder_layers_fp32 encoder layers, and the head if head_fp32, stay fp32",
        **chosen,
        "seconds_fp32": round(fp32_seconds, 3),
        "bytes_fp32": (staging / FP32_FILE).stat().st_size,
        "bytes_int8": (staging / INT8_FILE).stat().st_size,
        "evaluated_on": f"{len(texts)} dev documents" if gold else f"{len(texts)} parity texts (no gold)",
        "min_span_agreement": INT8_MIN_AGREEMENT,
        "max_f1_drop": INT8_MAX_F1_DROP,
        "trials": [{key: value for key, value in trial.items() if key != "file"} for trial in trials],
    }
    record["default"], record["reason"] = _int8_verdict(record)
    if int8_only:  # the only variant: say how far it is from fp32 (F1 change measured on dev, if any)
        record.update(embeddings_int8=True, default=True, reason="int8 is the only variant (the fp32 model is "
                      "left out to keep the bundle small): " + record["reason"].partition(": ")[2])
    return record


def _timed_prediction(onnx_path: Path, tokenizer: Tokenizer, label_names: Sequence[str],
                      settings: DecodeSettings, features: FeatureTable | None,
                      texts: Sequence[str]) -> tuple[float, list[list[Span]]]:
    """Seconds to predict ``texts`` on one thread (after a short warm-up), and the spans."""
    predictor = _predictor(OrtLogits(open_session(onnx_path, threads=1)), tokenizer, label_names, settings, features)
    predictor.predict(texts[:8])
    started = time.perf_counter()
    spans = predictor.predict(texts)
    return time.perf_counter() - started, spans


def _int8_scores(fp32_spans: list[list[Span]], int8_spans: list[list[Span]],
                 gold: list[list[Span]] | None) -> dict[str, float]:
    scores = {"span_agreement": span_agreement(fp32_spans, int8_spans)}
    if gold is not None:
        scores["f1_fp32"] = 100 * evaluate(gold, fp32_spans).micro.f1
        scores["f1_int8"] = 100 * evaluate(gold, int8_spans).micro.f1
        scores["f1_drop"] = scores["f1_fp32"] - scores["f1_int8"]
    return scores


def _int8_verdict(record: dict[str, Any]) -> tuple[bool, str]:
    agreement = record["span_agreement"]
    if "f1_drop" not in record:
        return False, "fp32 is the default: no dev documents with gold spans to measure the int8 F1 on"
    if agreement < INT8_MIN_AGREEMENT:
        return False, (f"fp32 is the default: int8 keeps only {agreement:.2%} of the fp32 spans "
                       f"(needs {INT8_MIN_AGREEMENT:.1%})")
    if record["f1_drop"] > INT8_MAX_F1_DROP:
        return False, (f"fp32 is the default: int8 loses {record['f1_drop']:.2f} F1 points "
                       f"(at most {INT8_MAX_F1_DROP} allowed)")
    kept = record["encoder_layers_fp32"]
    layers = (" (head fp32)" if record["head_fp32"]
              else f" ({kept} of {record['encoder_layers']} encoder layers fp32)" if kept else "")
    return True, (f"int8 is the default{layers}: {agreement:.2%} span agreement with fp32 and an F1 change of "
                  f"{-record['f1_drop']:+.2f} points on the dev documents")


def _manifest(staging: Path, name: str, label_set: LabelSet, settings: DecodeSettings, span_cap_reason: str,
              parity: dict[str, Any], quantization: dict[str, Any], metrics: dict[str, Any],
              trained_on: dict[str, Any]) -> dict[str, Any]:
    files = [FP32_FILE, INT8_FILE, TOKENIZER_FILE, CHECKPOINT_FILE, CONFIG_FILE]
    hashes = {file_name: file_entry(staging / file_name) for file_name in files if (staging / file_name).is_file()}
    variants = {variant: file_name for variant, file_name in (("fp32", FP32_FILE), ("int8", INT8_FILE))
                if file_name in hashes}
    identity = FP32_FILE if FP32_FILE in hashes else INT8_FILE
    return {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_version": f"{name}@{hashes[identity]['sha256'][:12]}",
        "labels": labels_to_json(label_set),
        "flat": settings.flat,
        "max_length": settings.max_length,
        "stride": settings.stride,
        "threshold": settings.threshold,
        "max_span_tokens": settings.max_span_tokens,
        "max_span_tokens_reason": span_cap_reason,
        "metrics": metrics,
        "trained_on": trained_on,
        "variants": variants,
        "default_variant": "int8" if quantization["default"] else "fp32",
        "default_variant_reason": quantization["reason"],
        "quantization": quantization,
        "parity": parity,
        "files": hashes,
    }
