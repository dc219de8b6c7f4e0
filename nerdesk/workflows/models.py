"""Putting a model version to work: activate it and predict the unreviewed documents again.

The GUI (in a worker thread, with progress and Cancel), ``nerdesk retrain`` and the demo all use
these functions, so activating a version (after a retraining, or rolling back to an older one)
leaves the unreviewed documents predicted by the active model. Documents in another script than the
model's are left as they are: in a project of Chinese and English documents, a Chinese model retrained
on the Chinese ones would otherwise wipe what the English model found in the English ones, and an
English model finds nonsense in Chinese text ("故肾积水的新生儿宜做VCUG" as an organisation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.core.labels import Label
from nerdesk.core.wording import by_count, counted
from nerdesk.runtime.bundle import Bundle, check_model_labels
from nerdesk.storage.project import Project
from nerdesk.workflows.model_script import CJK, LATIN, SCRIPT_NAMES, bundle_script, fits_script_many

UNREVIEWED = ("new", "predicted", "in-progress")
CHUNK = 64
READ_BATCH = 1000  # documents read between two looks at ``should_stop`` (and two progress reports) before predicting


class Cancelled(NerdeskError):
    """Re-prediction stopped by the user; the documents predicted so far keep their new predictions."""


class Targets(NamedTuple):
    """The documents a model predicts again, and those it leaves alone."""

    items: list[tuple[int, str]]  # (document id, text) of the documents in the model's script
    other_script: int  # documents in another script, left as they are
    model_script: str  # cjk, latin or mixed (``nerdesk.workflows.model_script``)

    def left_alone(self) -> str:
        """The documents left alone, in words ("" when there are none)."""
        if not self.other_script:
            return ""
        other = LATIN if self.model_script == CJK else CJK
        return (f"{counted(self.other_script, SCRIPT_NAMES[other] + ' document')} left as "
                f"{by_count(self.other_script, 'it is', 'they are')} (the model was trained on "
                f"{SCRIPT_NAMES[self.model_script]} text)")


def load_bundle(path: str | Path) -> Bundle:
    """``Bundle.load`` that opens only the model that predicts (the default variant) to check that its
    outputs are bound to the labels ``bundle.json`` lists, in name and order (``E320``, ``E321``), for a
    bundle about to become active. Predicting needs no such call: ``OnnxPredictor`` checks its own session."""
    bundle = Bundle.load(path, check_models=False)
    check_model_labels(bundle.variant_path(), bundle.labels.names)
    return bundle


def unreviewed_for(project: Project, bundle: Bundle, *, should_stop: Callable[[], bool] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> Targets:
    """The unreviewed documents that ``bundle`` predicts again (see ``in_model_script``). Reading 50,000 of
    them takes about a second: ``progress(read, total)`` follows the read a batch at a time, and
    ``should_stop``, polled before each batch, raises ``Cancelled`` when true."""
    model_script = bundle_script(bundle.path, bundle.manifest.get("trained_on"))
    with project.read_snapshot():  # the count and the texts from one state of the file
        total = project.count_documents(status=UNREVIEWED)
        batches = project.text_batches(status=UNREVIEWED, size=READ_BATCH)
        try:
            return in_model_script(batches, model_script, total, should_stop=should_stop, progress=progress)
        finally:
            batches.close()  # its block in the snapshot ends here, not whenever the garbage collector gets to it


def in_model_script(batches: Iterable[list[tuple[int, str]]], model_script: str, total: int, *,
                    should_stop: Callable[[], bool] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> Targets:
    """The (document id, text) pairs of ``batches`` split into those in ``model_script``, which the model
    predicts, and the others, which it leaves alone; ``total`` is how many the batches hold in all."""
    items: list[tuple[int, str]] = []
    read = 0
    for batch in batches:
        if should_stop is not None and should_stop():
            raise Cancelled(f"prediction cancelled while reading the documents ({read} read)", code="E563")
        fits = fits_script_many([text for _, text in batch], model_script)
        items += [item for item, fitting in zip(batch, fits, strict=True) if fitting]
        read += len(batch)
        if progress is not None:
            progress(read, total)
    return Targets(items, read - len(items), model_script)


def repredict_unreviewed(project: Project, bundle_path: str | Path, *, threads: int | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         should_stop: Callable[[], bool] | None = None) -> Targets:
    """Replace the predictions of the unreviewed documents in the script of the model in ``bundle_path``.

    Documents are predicted and stored a chunk at a time; ``should_stop`` is polled between chunks
    and raises ``Cancelled`` when it answers true. Returns the documents predicted and those left alone.
    """
    from nerdesk.runtime.decode import SCORE_FLOOR, predict_at_least
    from nerdesk.runtime.predictor import OnnxPredictor

    bundle = Bundle.load(bundle_path, check_models=False)  # the predictor checks the labels on its session
    targets = unreviewed_for(project, bundle)
    items = targets.items
    predictor = OnnxPredictor(bundle, threads=threads)
    for first in range(0, len(items), CHUNK):
        if should_stop is not None and should_stop():
            raise Cancelled(f"prediction cancelled after {first} of {len(items)} documents", code="E563")
        part = items[first:first + CHUNK]
        spans = predict_at_least(predictor, [text for _, text in part], SCORE_FLOOR)  # the slider hides the rest
        project.replace_predictions_many([(doc_id, found) for (doc_id, _), found in zip(part, spans, strict=True)],
                                         predictor.model_version or "", unreviewed_only=True)
        if progress is not None:
            progress(first + len(part), len(items))
    return targets


def bundle_label_names(bundle: Bundle) -> dict[str, tuple[str, str]]:
    """The display names and descriptions a bundle gives its labels, for the labels that have one."""
    return {label.name: (label.display_name, label.description) for label in bundle.labels
            if label.display_name or label.description}


def register_bundle(project: Project, bundle_path: str | Path, *,
                    settings: dict[str, Any] | None = None, activate: bool = False) -> int:
    """Record a bundle made elsewhere (an embedded model, a folder the user chose) as a model version;
    the display names it gives its labels go to the project's labels of the same names. With ``activate``
    it becomes the active model and the project gets its labels (``adopt_labels``)."""
    bundle = Bundle.load(bundle_path)
    names = bundle_label_names(bundle)
    if names:
        project.remember_label_names(names)
    model_id = project.register_model(name=bundle.model_version, bundle_path=Path(bundle_path).resolve(),
                                      metrics=bundle.manifest.get("metrics", {}), settings=settings or {},
                                      trained_on=bundle.manifest.get("trained_on", {}))
    if activate:
        project.set_active_model(model_id)
        adopt_labels(project, bundle)
    return model_id


def adopt_labels(project: Project, bundle: Bundle) -> list[Label]:
    """Give the project the labels of the model it now uses, each with a row and a key in the palette before the
    model predicts one: under their names now (``Project.label_changes``), but not those the user deleted."""
    changes = project.label_changes()
    names = [changes.renamed.get(name, name) for name in bundle.labels.names]
    return project.ensure_labels(name for name in names if name not in changes.deleted)


def activate(project: Project, model_id: int, *, threads: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> Targets:
    """Make a registered version active and predict the unreviewed documents in its script with it."""
    version = next((v for v in project.model_versions() if v.id == model_id), None)
    if version is None:
        raise ProjectError(f"the project has no model version {model_id}; refresh the model list",
                           code="E241")
    bundle = load_bundle(version.bundle_path)
    project.set_active_model(model_id)
    adopt_labels(project, bundle)
    return repredict_unreviewed(project, version.bundle_path, threads=threads, progress=progress)
