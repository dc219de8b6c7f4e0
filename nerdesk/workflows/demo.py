"""The demo project: built on first start from ``resources/demo`` and predicted with the medical model.

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
from nerdesk.workflows.default_models import MEDICAL_ZH, embedded_model, embedded_model_names
from nerdesk.workflows.models import activate, register_bundle

DEMO_FILE = "demo.nerdesk"
DEMO_TEXTS = ("medical.txt",)


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
        if MEDICAL_ZH in embedded_model_names():
            predict_with(project, embedded_model(MEDICAL_ZH))
    os.replace(partial, path)
    return path


def add_demo_documents(project) -> int:
    """One document per line of each demo text file."""
    documents = []
    for file_name in DEMO_TEXTS:
        source = demo_texts_dir() / file_name
        if not source.is_file():
            raise NerdeskError(f"the demo text {source} is missing; reinstall nerdesk")
        loaded = read_file(source, "text", split="line")
        documents.extend(loaded.documents)
    project.add_documents(documents)
    return len(documents)


def predict_with(project, bundle_path: Path) -> None:
    """Register ``bundle_path`` as the active model and store its predictions for every document."""
    activate(project, register_bundle(project, bundle_path, settings={"embedded": True}))
