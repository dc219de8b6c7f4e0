"""The demo project: built on first start from ``resources/demo``, each document predicted by the embedded
model for its script (the medical model for the Chinese clinical notes, the English general model for
the English documents). A document whose model is not installed stays unpredicted.

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
    GENERAL_EN,
    MEDICAL_ZH,
    embedded_model,
    embedded_model_names,
    text_script,
)
from nerdesk.workflows.models import id_and_text, register_bundle

DEMO_FILE = "demo.nerdesk"
DEMO_TEXTS = ("medical.txt", "english.txt")
# Script of a demo document -> the embedded model that predicts it; the first installed one is active.
DEMO_MODELS = {"cjk": MEDICAL_ZH, "latin": GENERAL_EN}


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
        add_demo_documents(project)
        predict_demo(project)
    os.replace(partial, path)
    return path


def add_demo_documents(project: Project) -> int:
    """One document per line of each demo text file."""
    documents = []
    for file_name in DEMO_TEXTS:
        source = demo_texts_dir() / file_name
        if not source.is_file():
            raise NerdeskError(f"the demo text {source} is missing; reinstall nerdesk", code="E562")
        loaded = read_file(source, "text", split="line")
        documents.extend(loaded.documents)
    project.add_documents(documents)
    return len(documents)


def predict_demo(project: Project) -> dict[str, int]:
    """Predict each document with the embedded model for its script; returns documents predicted per model.

    Every installed demo model is registered; the first (the medical one when present) becomes active.
    """
    installed = embedded_model_names()
    by_model: dict[str, list[tuple[int, str]]] = {}
    for document in project.all_documents():
        name = DEMO_MODELS.get(text_script([document.text]))
        if name in installed:
            by_model.setdefault(name, []).append(id_and_text(document))
    active = None
    for name in DEMO_MODELS.values():
        if name in by_model:
            model_id = register_bundle(project, embedded_model(name), settings={"embedded": True})
            active = active or model_id
            predict_documents(project, embedded_model(name), by_model[name])
    if active is not None:
        project.set_active_model(active)
    return {name: len(items) for name, items in by_model.items()}


def predict_documents(project: Project, bundle_path: Path, items: list[tuple[int, str]]) -> None:
    """Store the predictions of ``bundle_path`` for the (document id, text) ``items``, down to the score floor."""
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.decode import SCORE_FLOOR, predict_at_least
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load(bundle_path, check_models=False), threads=1)
    spans = predict_at_least(predictor, [text for _, text in items], SCORE_FLOOR)
    project.replace_predictions_many([(doc_id, found) for (doc_id, _), found in zip(items, spans, strict=True)],
                                     predictor.model_version or "")
