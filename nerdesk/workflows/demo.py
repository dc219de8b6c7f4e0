"""The demo project: built on first start from ``resources/demo``, each file's documents predicted by the
embedded model written for them (the medical model for the Chinese clinical notes, the English general model
for the English documents, the English biomedical model, nested, for the biomedical abstracts). A document
whose model is not installed stays unpredicted.

``ensure_demo_project(data_dir)`` returns ``<data_dir>/demo.nerdesk``, creating it when absent. The
project is assembled in a temporary file and renamed into place when complete, so a start that is
killed half-way builds it again next time instead of opening half a demo.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nerdesk.core.errors import NerdeskError
from nerdesk.formats import read_file
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import (
    BIOMEDICAL_EN,
    GENERAL_EN,
    MEDICAL_ZH,
    embedded_model,
    embedded_model_names,
)
from nerdesk.workflows.models import register_bundle

DEMO_FILE = "demo.nerdesk"
# Demo text file -> the embedded model that predicts its documents; the first installed one is active.
DEMO_TEXTS = {"medical.txt": MEDICAL_ZH, "english.txt": GENERAL_EN, "biomedical.txt": BIOMEDICAL_EN}


def demo_texts_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / "resources" / "demo"
    return Path(__file__).resolve().parent.parent.parent / "resources" / "demo"


def ensure_demo_project(data_dir: str | Path) -> Path:
    """The demo project in ``data_dir`` (created, with predictions, if it does not exist yet)."""
    data_dir = Path(data_dir)
    path = data_dir / DEMO_FILE
    if path.is_file():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = data_dir / f".{DEMO_FILE}.partial"
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    with Project.create(partial) as project:
        predict_demo(project, add_demo_documents(project))
    os.replace(partial, path)
    return path


def add_demo_documents(project: Project) -> dict[str, list[tuple[int, str]]]:
    """One document per line of each demo text file; returns (id, text) of the new documents by the model
    that predicts them."""
    items_by_model: dict[str, list[tuple[int, str]]] = {}
    for file_name, model_name in DEMO_TEXTS.items():
        source = demo_texts_dir() / file_name
        if not source.is_file():
            raise NerdeskError(f"the demo text {source} is missing; reinstall nerdesk", code="E562")
        documents = list(read_file(source, "text", split="line").documents)
        ids = project.add_documents(documents)
        items_by_model.setdefault(model_name, []).extend(
            (doc_id, document.text) for doc_id, document in zip(ids, documents, strict=True))
    return items_by_model


def predict_demo(project: Project, items_by_model: dict[str, list[tuple[int, str]]]) -> dict[str, int]:
    """Predict the (id, text) documents of each installed demo model; returns documents predicted per model.

    Every installed demo model is registered; the first (the medical one when present) becomes active.
    """
    installed = set(embedded_model_names())
    active = None
    predicted = {}
    for name, items in items_by_model.items():
        if name not in installed or not items:
            continue
        model_id = register_bundle(project, embedded_model(name), settings={"embedded": True})
        active = active or model_id
        predict_documents(project, embedded_model(name), items)
        predicted[name] = len(items)
    if active is not None:
        project.set_active_model(active)
    return predicted


def predict_documents(project: Project, bundle_path: Path, items: list[tuple[int, str]]) -> None:
    """Store the predictions of ``bundle_path`` for the (document id, text) ``items``, down to the score floor."""
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.decode import SCORE_FLOOR, predict_at_least
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load(bundle_path, check_models=False), threads=1)
    spans = predict_at_least(predictor, [text for _, text in items], SCORE_FLOOR)
    project.replace_predictions_many([(doc_id, found) for (doc_id, _), found in zip(items, spans, strict=True)],
                                     predictor.model_version or "")
