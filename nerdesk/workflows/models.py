"""Putting a model version to work: activate it and predict the unreviewed documents again.

The GUI (in a worker thread, with progress and Cancel), ``nerdesk retrain`` and the demo all use
these functions, so activating a version (after a retraining, or rolling back to an older one)
always leaves the unreviewed documents predicted by the active model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage.project import Project

UNREVIEWED = ("new", "predicted", "in-progress")
CHUNK = 64


class Cancelled(NerdeskError):
    """Re-prediction stopped by the user; the documents predicted so far keep their new predictions."""


def id_and_text(document: Document) -> tuple[int, str]:
    """(document id, text) of a document read from a project (which always has its id)."""
    assert document.id is not None, "a document read from a project has its id"
    return document.id, document.text


def unreviewed_items(project: Project) -> list[tuple[int, str]]:
    """(document id, text) of every document not yet reviewed: the ones a new model predicts again."""
    return [id_and_text(doc) for doc in project.all_documents(status=UNREVIEWED)]


def repredict_unreviewed(project: Project, bundle_path: str | Path, *, threads: int | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         should_stop: Callable[[], bool] | None = None) -> int:
    """Replace the predictions of every unreviewed document with the model in ``bundle_path``.

    Documents are predicted and stored a chunk at a time; ``should_stop`` is polled between chunks
    and raises ``Cancelled`` when it answers true. Returns how many documents were predicted.
    """
    from nerdesk.runtime.decode import SCORE_FLOOR, predict_at_least
    from nerdesk.runtime.predictor import OnnxPredictor

    items = unreviewed_items(project)
    predictor = OnnxPredictor(Bundle.load(bundle_path, check_models=False), threads=threads)
    for first in range(0, len(items), CHUNK):
        if should_stop is not None and should_stop():
            raise Cancelled(f"prediction cancelled after {first} of {len(items)} documents", code="E563")
        part = items[first:first + CHUNK]
        spans = predict_at_least(predictor, [text for _, text in part], SCORE_FLOOR)  # the slider hides the rest
        project.replace_predictions_many([(doc_id, found) for (doc_id, _), found in zip(part, spans, strict=True)],
                                         predictor.model_version or "")
        if progress is not None:
            progress(first + len(part), len(items))
    return len(items)


def bundle_label_names(bundle: Bundle) -> dict[str, tuple[str, str]]:
    """The display names and descriptions a bundle gives its labels, for the labels that have one."""
    return {label.name: (label.display_name, label.description) for label in bundle.labels
            if label.display_name or label.description}


def register_bundle(project: Project, bundle_path: str | Path, *,
                    settings: dict[str, Any] | None = None) -> int:
    """Record a bundle made elsewhere (an embedded model, a folder the user chose) as a model version;
    the display names it gives its labels go to the project's labels of the same names."""
    bundle = Bundle.load(bundle_path)
    names = bundle_label_names(bundle)
    if names:
        project.remember_label_names(names)
    return project.register_model(name=bundle.model_version, bundle_path=Path(bundle_path).resolve(),
                                  metrics=bundle.manifest.get("metrics", {}), settings=settings or {},
                                  trained_on=bundle.manifest.get("trained_on", {}))


def activate(project: Project, model_id: int, *, threads: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Make a registered version active and predict the unreviewed documents with it; returns their count."""
    version = next((v for v in project.model_versions() if v.id == model_id), None)
    if version is None:
        raise ProjectError(f"the project has no model version {model_id}; refresh the model list",
                           code="E241")
    Bundle.load(version.bundle_path, check_models=False)
    project.set_active_model(model_id)
    return repredict_unreviewed(project, version.bundle_path, threads=threads, progress=progress)
