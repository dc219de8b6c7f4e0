"""Model bundles on disk: the directory layout, ``bundle.json``, and validation when loading.

A bundle is what a trained model ships as. Bundles may come from other people, so loading checks
everything it can before any prediction runs: the schema version, that every listed file is present
and unchanged (sha256), that the tokenizer loads, and that each ONNX variant outputs one score
matrix per declared label. Every failure is a ``ModelBundleError`` saying which bundle, which file
and what to do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nerdesk.core.errors import ModelBundleError, NerdeskError
from nerdesk.core.json_values import is_int, is_number
from nerdesk.core.labels import LabelSet
from nerdesk.core.learnt_from import GENTLE, documents_learnt_from
from nerdesk.runtime.decode_settings import DecodeSettings
from nerdesk.runtime.manifest import confined, short, validate_manifest

SCHEMA_VERSION = 1
MANIFEST = "bundle.json"
FP32_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
VARIANTS = ("fp32", "int8")
LABELS_METADATA_KEY = "nerdesk.labels"


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    """The ``files`` record of one bundle file: its hash and size."""
    return {"sha256": sha256_file(path), "bytes": path.stat().st_size}


def labels_to_json(labels: LabelSet) -> list[dict[str, Any]]:
    """Label records for ``bundle.json``; ``display_name`` and ``description`` only where a label has one."""
    records = []
    for label in labels:
        record: dict[str, Any] = {"name": label.name, "color": label.color, "key": label.key}
        record.update({key: value for key, value in (("display_name", label.display_name),
                                                     ("description", label.description)) if value})
        records.append(record)
    return records


def labels_from_json(records: list[dict[str, Any]], *, flat: bool) -> LabelSet:
    label_set = LabelSet(flat=flat)
    for record in records:
        label_set.add(record["name"], record.get("color"), record.get("key"))
        names = {key: record[key] for key in ("display_name", "description") if record.get(key)}
        if names:
            label_set.update(record["name"], **names)
    return label_set


@dataclass(slots=True)
class Bundle:
    """A validated model bundle. Create with ``Bundle.load(path)``."""

    path: Path
    manifest: dict[str, Any]
    labels: LabelSet
    model_version: str
    variant_files: dict[str, Path] = field(default_factory=dict)
    content_hash: str = ""
    """sha256 over ``bundle.json`` (canonical form), which holds the verified hash of every file:
    two bundles with the same content hash predict identically. Shown in the model panel."""

    @property
    def name(self) -> str:
        name: str = self.manifest["name"]
        return name

    @property
    def decode_settings(self) -> DecodeSettings:
        """How this bundle's logits become spans, as ``bundle.json`` records them."""
        value = self.manifest.get("max_span_tokens")
        return DecodeSettings(max_length=int(self.manifest["max_length"]), stride=int(self.manifest["stride"]),
                              threshold=float(self.manifest["threshold"]), flat=self.labels.flat,
                              max_span_tokens=None if value is None else int(value))

    @property
    def max_length(self) -> int:
        return self.decode_settings.max_length

    @property
    def stride(self) -> int:
        return self.decode_settings.stride

    @property
    def threshold(self) -> float:
        return self.decode_settings.threshold

    @property
    def max_span_tokens(self) -> int | None:
        """Longest span (in tokens) decoding reports; None for no limit."""
        return self.decode_settings.max_span_tokens

    @property
    def flat(self) -> bool:
        return self.decode_settings.flat

    @property
    def default_variant(self) -> str:
        variant: str = self.manifest["default_variant"]
        return variant

    @property
    def tokenizer_path(self) -> Path:
        return self.path / TOKENIZER_FILE

    def variant_path(self, variant: str = "default") -> Path:
        chosen = self.default_variant if variant == "default" else variant
        if chosen not in self.variant_files:
            available = ", ".join(sorted(self.variant_files))
            raise ModelBundleError(
                f"{self.path}: the bundle has no {chosen!r} model (available: {available}); "
                f"choose one of those or 'default'",
                code="E317",
            )
        return self.variant_files[chosen]

    @classmethod
    def load(cls, path: str | Path, *, check_models: bool = True) -> Bundle:
        """Read and validate the bundle at ``path``.

        ``check_models=False`` skips opening the ONNX files (hashes are still checked); the
        predictor checks the labels (``check_session_labels``) on the session it opens.
        """
        directory = Path(path)
        manifest = _read_manifest(directory)
        _check_files(directory, manifest)
        labels = labels_from_json(manifest["labels"], flat=bool(manifest.get("flat", False)))
        variant_files = _variant_files(directory, manifest)
        _check_tokenizer(confined(directory, TOKENIZER_FILE))
        if check_models:
            for variant_file in variant_files.values():
                check_model_labels(variant_file, labels.names)
        version = manifest.get("model_version") or f"{manifest['name']}@{identity_sha256(manifest)[:12]}"
        return cls(directory, manifest, labels, version, variant_files, manifest_hash(manifest))


def bundle_problem(path: str | Path) -> str | None:
    """Why the bundle at ``path`` cannot be loaded (its manifest and the hashes of its files; the ONNX
    sessions are not opened), or None when it can."""
    try:
        Bundle.load(path, check_models=False)
    except NerdeskError as error:
        return f"{error} ({error.code})" if error.code else str(error)
    return None


def identity_sha256(manifest: dict[str, Any]) -> str:
    """The hash that names a bundle's model version: its fp32 model's, or, in a bundle that ships only an
    int8 model (a pretrained encoder's fp32 weights are too big to ship), the default variant's."""
    files = manifest["files"]
    name = FP32_FILE if FP32_FILE in files else manifest["variants"][manifest["default_variant"]]
    digest: str = files[name]["sha256"]
    return digest


def manifest_hash(manifest: dict[str, Any]) -> str:
    """sha256 of the manifest in canonical JSON (sorted keys, no spaces): formatting does not count."""
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()  # "\\ud800" escapes too


def labels_metadata(labels: Sequence[str]) -> dict[str, str]:
    """ONNX metadata that binds a model to its label names, in output order (export writes it).

    ``Bundle.load`` compares it with ``bundle.json``: swapping two names in the manifest would
    otherwise silently swap the predictions.
    """
    return {LABELS_METADATA_KEY: json.dumps(list(labels), ensure_ascii=False)}


def documents_learnt_from_bundle(path: str | Path, *, hops: int = 8) -> int | None:
    """How many documents the bundle at ``path`` learnt from (``nerdesk.core.learnt_from``); reads
    ``bundle.json`` only. None when nothing says."""
    try:
        manifest = _read_manifest(Path(path))
    except ModelBundleError:
        return None
    return documents_learnt_from_manifest(manifest, hops=hops)


def documents_learnt_from_manifest(manifest: dict[str, Any], *, hops: int = 8) -> int | None:
    """``documents_learnt_from_bundle`` for a manifest already read. A gentle continuation written before the
    count was recorded learnt little from its own documents: it is followed back to the model it continued,
    at most ``hops`` times."""
    trained_on = manifest.get("trained_on")
    if not isinstance(trained_on, dict):
        return None
    count = documents_learnt_from(trained_on)
    start = trained_on.get("init")
    if count is None and hops > 0 and trained_on.get("start") == GENTLE and isinstance(start, str) and start:
        return documents_learnt_from_bundle(start, hops=hops - 1)
    return count


def manifest_label_names(path: str | Path) -> list[str] | None:
    """The label names the bundle at ``path`` lists; reads ``bundle.json`` only (no hashing, no ONNX). None when
    it cannot be read."""
    try:
        return [str(label["name"]) for label in _read_manifest(Path(path))["labels"]]
    except ModelBundleError:
        return None


def describe_bundle(path: str | Path) -> tuple[str, str]:
    """A one-line summary of the bundle at ``path`` (variant that runs, dev or test F1) and a longer note on
    why that variant, for display; reads ``bundle.json`` only (no hashing, no ONNX)."""
    manifest = _read_manifest(Path(path))
    variant = manifest["default_variant"]
    split = headline_split(manifest.get("metrics", {}))
    f1 = running_f1(manifest)[split]
    summary = f"{variant} model" + (f", {split} F1 {100 * f1:.1f}" if f1 is not None else "")
    return summary, str(manifest.get("default_variant_reason", ""))


def running_f1(manifest: dict[str, Any]) -> dict[str, float | None]:
    """``recorded_f1`` of the variant that runs: a bundle scored with its fp32 model that runs int8 gives the int8
    model's F1 from its quantization record, measured on the same documents (its fp32 F1 there is the recorded
    one). A bundle without an fp32 model was scored with the model it runs."""
    metrics = manifest.get("metrics", {})
    scores = recorded_f1(metrics)
    split, variant = headline_split(metrics), manifest.get("default_variant")
    quantized, files = manifest.get("quantization"), manifest.get("files")
    if variant == "fp32" or not isinstance(quantized, dict) or not isinstance(files, dict) or FP32_FILE not in files:
        return scores
    fp32, running = quantized.get("f1_fp32"), quantized.get(f"f1_{variant}")
    headline = scores[split]
    if headline is not None and is_number(fp32) and is_number(running) and abs(100 * headline - fp32) < 0.05:
        scores[split] = running / 100
    return scores


def headline_split(metrics: dict[str, Any]) -> str:
    """The split of a manifest's top-level scores: dev, unless ``metrics["split"]`` says test (a model trained
    on its corpus's dev split too)."""
    return "test" if metrics.get("split") == "test" else "dev"


def recorded_f1(metrics: dict[str, Any]) -> dict[str, float | None]:
    """Micro F1 on ``dev`` and ``test`` as a manifest's ``metrics`` records them (None: not recorded); the top
    level is on ``headline_split``, ``metrics["test"]`` on the test split."""
    def micro_f1(report: Any) -> float | None:
        micro = report.get("micro") if isinstance(report, dict) else None
        f1 = micro.get("f1") if isinstance(micro, dict) else None
        return float(f1) if is_number(f1) else None

    found = {"dev": None, "test": micro_f1(metrics.get("test"))}
    found[headline_split(metrics)] = micro_f1(metrics)
    return found


def _read_manifest(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise ModelBundleError(f"{directory}: no model bundle here (not a directory); "
                               f"pass the directory that holds {MANIFEST}", code="E300")
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ModelBundleError(f"{manifest_path}: missing; this directory is not a nerdesk model bundle",
                               code="E301")
    try:
        manifest = json.loads(confined(directory, MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModelBundleError(f"{manifest_path}: not valid JSON ({error}); the bundle is corrupt, "
                               f"export it again", code="E302") from error
    if not isinstance(manifest, dict):
        raise ModelBundleError(f"{manifest_path}: expected a JSON object; export the bundle again",
                               code="E303")
    version = manifest.get("schema_version")
    if is_int(version) and version > SCHEMA_VERSION:
        raise ModelBundleError(
            f"{manifest_path}: bundle schema version {version} is newer than this nerdesk understands "
            f"({SCHEMA_VERSION}); upgrade nerdesk to use this model",
            code="E304",
        )
    validate_manifest(manifest, manifest_path)
    return manifest


def _check_files(directory: Path, manifest: dict[str, Any]) -> None:
    files = manifest["files"]
    if TOKENIZER_FILE not in files:
        raise ModelBundleError(f"{directory / MANIFEST}: does not list {TOKENIZER_FILE}; export the bundle again",
                               code="E310")
    for name, entry in files.items():
        file_path = confined(directory, name)
        if not file_path.is_file():
            raise ModelBundleError(f"{file_path}: missing from the bundle; copy the whole bundle directory again",
                                   code="E311")
        size = file_path.stat().st_size
        if "bytes" in entry and size != entry["bytes"]:
            raise ModelBundleError(
                f"{file_path}: {size} bytes but the bundle recorded {entry['bytes']} (truncated or replaced); "
                f"copy the bundle again",
                code="E312",
            )
        if sha256_file(file_path) != entry.get("sha256"):
            raise ModelBundleError(
                f"{file_path}: sha256 does not match bundle.json (corrupt or modified); copy the bundle again",
                code="E313",
            )


def _variant_files(directory: Path, manifest: dict[str, Any]) -> dict[str, Path]:
    variants = manifest["variants"]
    unknown = set(variants) - set(VARIANTS)
    if unknown or not variants:
        raise ModelBundleError(f"{directory / MANIFEST}: variants must be among {', '.join(VARIANTS)}, "
                               f"got {', '.join(sorted(variants))}", code="E314")
    if manifest["default_variant"] not in variants:
        raise ModelBundleError(f"{directory / MANIFEST}: default variant {manifest['default_variant']!r} "
                               f"is not one of the bundle's variants", code="E315")
    paths = {}
    for variant, file_name in variants.items():
        if file_name not in manifest["files"]:
            raise ModelBundleError(f"{directory / MANIFEST}: variant {variant} names {file_name}, "
                                   f"which is not among the hashed files", code="E316")
        paths[variant] = confined(directory, file_name)
    return paths


def _check_tokenizer(tokenizer_path: Path) -> None:
    from nerdesk.runtime.windows import load_tokenizer

    load_tokenizer(tokenizer_path)


def check_model_labels(model_path: Path, labels: Sequence[str | None]) -> None:
    """Open ``model_path`` cheaply; its score matrices must match ``labels`` (see ``check_session_labels``)."""
    from nerdesk.runtime.session import open_session

    check_session_labels(open_session(model_path, threads=1, optimize=False), model_path, labels)


def check_session_labels(session: Any, model_path: Path, labels: Sequence[str | None]) -> None:
    """The model of ``session`` must score as many entity types as ``labels`` and, where it records its
    label names (``labels_metadata``), the same names in the same order."""
    from nerdesk.runtime.session import output_label_count

    types = output_label_count(session)
    if types != len(labels):
        raise ModelBundleError(
            f"{model_path}: the model scores {types} entity types but bundle.json lists {len(labels)} labels; "
            f"the bundle was assembled from mismatched files, export it again",
            code="E320",
        )
    recorded = session.get_modelmeta().custom_metadata_map.get(LABELS_METADATA_KEY)
    if recorded is None or None in labels:
        return
    try:
        names = json.loads(recorded)
    except json.JSONDecodeError:
        names = None
    if names != list(labels):
        raise ModelBundleError(
            f"{model_path}: the model was trained for the labels {short(names)} but bundle.json lists "
            f"{short(list(labels))}; bundle.json was edited or belongs to another model, export it again",
            code="E321",
        )
