"""One-click retraining: the training command, where its bundle goes, and registering the result.

A retraining runs ``nerdesk train --project P --progress json`` as a separate process (the GUI through
QProcess, ``retrain_subprocess.run_retrain`` through subprocess) and then, in the caller's process:

1. the bundle is validated with ``Bundle.load``;
2. its directory is renamed from ``<project>.models/.incomplete/<version>`` to ``<project>.models/<version>``;
3. the new version and the active one are scored on the project's evaluation set, and the version is
   registered; it becomes active only if it does better, or as well with different predictions
   (``nerdesk.workflows.promotion``);
4. when it became active, the documents not yet reviewed are predicted again with it.

When nothing has changed since the active version was trained (the same training documents with the same
gold spans, the same evaluation set, the same label renames and deletions) and its training ended by itself
(not cut by its time budget), ``prepare_run`` refuses with ``NothingNewToLearn`` before anything starts: the
run could only make a copy of the active version.
``RetrainOptions.even_if_unchanged`` trains anyway (a longer time budget, another start).

Killing either process at any moment leaves the project as it was: the bundle is only registered once
it is complete and valid, and an interrupted run leaves at most a folder under ``.incomplete`` that the
next retraining removes.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from nerdesk.core.errors import NerdeskError, TrainingError
from nerdesk.core.metrics import evaluate
from nerdesk.core.spans import Span
from nerdesk.core.wording import counted
from nerdesk.runtime.bundle import Bundle, bundle_problem
from nerdesk.storage.project import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.evaluation import EvaluationScore, predict_documents, remember_score, score_version
from nerdesk.workflows.evaluation_set import EvaluationSet, evaluation_and_training, training_documents
from nerdesk.workflows.learnt_documents import (
    LEARNT_DOCUMENTS,
    TRAINING_DATA,
    as_id_ranges,
    learnt_the_same,
    training_data_fingerprint,
)
from nerdesk.workflows.progress import (
    RunNote,
    TrainingDone,
    TrainingEvent,
    TrainingFailed,
    TrainingFinishing,
    TrainingStarted,
    in_retrain_words,
)
from nerdesk.workflows.promotion import (
    IF_BETTER,
    POLICIES,
    PromotionDecision,
    changed_documents,
    decide,
    is_tie,
)
from nerdesk.workflows.retrain_lock import (
    INCOMPLETE,
    clear_incomplete,
    close_interrupted_runs,
    hold_retrain_lock,
)
from nerdesk.workflows.start_points import ResolvedStart, StartPoint, load_start_point, resolve_start
from nerdesk.workflows.training_failures import STDERR_TAIL
from nerdesk.workflows.version_names import new_version_name, next_version_number, spoken_name

OPTIONS_KEY = "retrain.options"
INTERRUPTED = "interrupted (Ctrl+C or a stop signal)"
# progress(what, done, total) while a version predicts the evaluation set: which one ("v3-…", "the active v2")
# and how many of its prediction windows are done
ScoringProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class RetrainOptions:
    """Settings for in-app retraining (stored in the project as ``retrain.options``).

    ``None`` leaves a value to the training recipe, which depends on the start and the data
    (``nerdesk.training.recipe``).
    """

    epochs: int | None = None
    min_steps: int | None = None
    patience: int | None = None
    time_budget_seconds: float | None = None
    # One thread leaves a core to the window; on a busy 2-core machine it was also faster than two.
    threads: int | None = 1
    batch_size: int | None = None  # None: the training recipe's
    learning_rate: float | None = None
    activate: str = IF_BETTER  # or "always": activate whatever the comparison says
    even_if_unchanged: bool = False  # train even when the active version learnt from this same data

    @classmethod
    def from_json(cls, value: Any) -> RetrainOptions:
        known = {key: value[key] for key in asdict(cls()) if isinstance(value, dict) and key in value}
        return cls(**known)


@dataclass
class RetrainRun:
    """One retraining in progress: what runs, where its bundle is written, and where it will live."""

    project_path: Path
    version: str
    staging_dir: Path
    final_dir: Path
    start: StartPoint
    resolved: ResolvedStart
    options: RetrainOptions
    command: list[str]
    run_id: int
    evaluation: EvaluationSet
    started: float = field(default_factory=time.monotonic)
    train_documents: int = 0
    dev_documents: int = 0
    picked: dict[int, str | None] = field(default_factory=dict)  # documents it put in the evaluation set: old split
    lock: IO[bytes] | None = None  # held until the run ends: one retraining of a project at a time
    training_data: str = ""  # ``training_data_fingerprint`` of what the run trains on, kept in ``trained_on``


class NothingNewToLearn(TrainingError):
    """The active version was trained on the data a retraining would train on: nothing was started (E556)."""

    def __init__(self, message: str, *, version: ModelVersion, documents: int, evaluation_documents: int,
                 code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.version, self.documents, self.evaluation_documents = version, documents, evaluation_documents


def versions_dir(project_path: str | Path) -> Path:
    """``/data/notes.nerdesk`` keeps its model versions in ``/data/notes.models/``."""
    path = Path(project_path)
    return path.with_name(path.stem + ".models")


def training_command(project_path: str | Path, out_dir: str | Path, init: str,
                     options: RetrainOptions = RetrainOptions()) -> list[str]:
    """The command line of the training process (a PyInstaller build runs its own executable)."""
    program = [sys.executable, "train"] if getattr(sys, "frozen", False) else [sys.executable, "-m", "nerdesk",
                                                                                  "train"]
    command = [*program, "--project", str(project_path), "--progress", "json", "--out", str(out_dir),
               "--init", init]
    for flag, value in (("--batch-size", options.batch_size), ("--epochs", options.epochs),
                        ("--min-steps", options.min_steps), ("--patience", options.patience),
                        ("--time-budget", options.time_budget_seconds), ("--threads", options.threads),
                        ("--lr", options.learning_rate)):
        if value:
            command += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    return command


def prepare_run(project: Project, start: StartPoint | None = None,
                options: RetrainOptions | None = None) -> RetrainRun:
    """Pick the evaluation set, resolve the start, choose the folders and record the run as ``running``."""
    start = start or load_start_point(project)
    options = options or RetrainOptions.from_json(project.get_setting(OPTIONS_KEY))
    if options.activate not in POLICIES:
        raise TrainingError(f"unknown activation policy {options.activate!r}; use one of {', '.join(POLICIES)}",
                            code="E550")
    if options.threads is not None and options.threads < 1:
        raise TrainingError(f"threads must be at least 1, not {options.threads}", code="E544")
    evaluation, training = evaluation_and_training(project)
    picked = evaluation.splits_before
    try:
        evaluation.require_training_documents(project.path)
        training_data = training_data_fingerprint(training, evaluation.fingerprint)
        if not options.even_if_unchanged:
            refuse_unchanged(project, training_data, len(training), len(evaluation.documents))
        resolved = resolve_start(project, start)
    except BaseException:
        unpick(project, picked)
        raise
    project_path = Path(project.path).resolve()
    root = versions_dir(project_path)
    try:
        lock = hold_retrain_lock(root)
    except BaseException:
        unpick(project, picked)
        raise
    clear_incomplete(root)  # safe now: no other retraining of the project is running
    close_interrupted_runs(project)
    version = new_version_name(root, next_version_number(project))
    staging = root / INCOMPLETE / version
    staging.parent.mkdir(parents=True, exist_ok=True)
    command = training_command(project_path, staging, resolved.init, options)
    run_id = project.record_training_run(version=version, start=start.to_json(), init=resolved.init,
                                         start_description=resolved.description, options=asdict(options))
    return RetrainRun(project_path, version, staging, root / version, start, resolved, options, command, run_id,
                      evaluation, picked=picked, lock=lock, training_data=training_data)


def refuse_unchanged(project: Project, training_data: str, documents: int, evaluation_documents: int) -> None:
    """Raise ``NothingNewToLearn`` when the active version's record says it learnt from ``training_data``."""
    active = project.active_model()
    if active is not None and learnt_the_same(active.trained_on, training_data):
        raise NothingNewToLearn(f"Nothing new to learn: {spoken_name(active.name)} was trained on these same "
                                f"{counted(documents, 'reviewed document')}, with the same gold spans and labels. "
                                "Review or correct more documents, or retrain anyway with --even-if-unchanged",
                                version=active, documents=documents, evaluation_documents=evaluation_documents,
                                code="E556")


def release_run(run: RetrainRun) -> None:
    """Let the next retraining of the project start (closing the file drops its lock)."""
    if run.lock is not None:
        run.lock.close()
        run.lock = None


def unpick(project: Project, picked: dict[int, str | None]) -> None:
    """Give the documents a run put in the evaluation set (``RetrainRun.picked``) their splits back."""
    for split in set(picked.values()):
        project.set_split([doc_id for doc_id, old in picked.items() if old == split], split)


def note_event(run: RetrainRun, event: TrainingEvent) -> None:
    """Keep what the run record needs from the progress stream."""
    if isinstance(event, TrainingStarted):
        run.train_documents, run.dev_documents = event.train_documents, event.dev_documents


@dataclass(frozen=True, slots=True)
class RetrainOutcome:
    """What a finished training led to: the registered version, its score, and whether it is active now."""

    version: ModelVersion  # the registered version
    decision: PromotionDecision
    score: EvaluationScore
    active_score: EvaluationScore | None
    previous_active: ModelVersion | None  # the version that was active before

    @property
    def promoted(self) -> bool:
        return self.decision.promote


def complete_run(project: Project, run: RetrainRun, done: TrainingDone,
                 progress: ScoringProgress | None = None) -> RetrainOutcome:
    """Validate the new bundle, move it into place, compare it with the active model and register it.

    The new version becomes active only as ``nerdesk.workflows.promotion.decide`` says. ``progress``
    hears how far each prediction of the evaluation set has got.
    """
    if not done.bundle:
        raise TrainingError(f"training finished without an ONNX bundle in {run.staging_dir} ({done.message}); "
                            "the model cannot be used for prediction", code="E551")
    bundle = Bundle.load(run.staging_dir)
    run.final_dir.parent.mkdir(parents=True, exist_ok=True)
    os.replace(run.staging_dir, run.final_dir)
    active = project.active_model()
    damaged = bundle_problem(active.bundle_path) if active is not None else None
    active_score = None if damaged else _active_score(project, active, run, progress)
    predictions = predict_documents(run.final_dir, run.evaluation.documents, threads=run.options.threads,
                                    progress=_scoring(progress, spoken_name(run.version)),
                                    changes=run.evaluation.label_changes)
    score = EvaluationScore.from_report(evaluate([doc.gold for doc in run.evaluation.documents], predictions),
                                        run.evaluation)
    changed = _changed_on_tie(predictions, active, score, active_score, run, progress)
    decision = decide(spoken_name(run.version), score, spoken_name(active.name) if active else None, active_score,
                      run.options.activate, changed)
    if active is not None and damaged:  # not compared: a model that cannot load predicts nothing
        decision = PromotionDecision(decision.promote, f"{decision.message} (the active {spoken_name(active.name)} "
                                                       f"cannot be loaded: {damaged})")
    # Registered only now, after every prediction: Ctrl+C during one leaves no version behind (``abandon_run``).
    model_id = project.register_model(name=bundle.model_version, bundle_path=run.final_dir,
                                      metrics=done.metrics, settings=_settings(run),
                                      trained_on=_trained_on(project, run, done))
    remember_score(project, model_id, score)
    if decision.promote:
        project.set_active_model(model_id)
    project.finish_training_run(run.run_id, status="finished", model_id=model_id, promoted=decision.promote,
                                message=decision.message, seconds=round(time.monotonic() - run.started, 1))
    release_run(run)
    return RetrainOutcome(_version(project, model_id), decision, score, active_score, active)


def _active_score(project: Project, active: ModelVersion | None, run: RetrainRun,
                  progress: ScoringProgress | None) -> EvaluationScore | None:
    """The active model scored again on today's set; None when there is none or it cannot be loaded."""
    if active is None:
        return None
    try:
        return score_version(project, active, run.evaluation, threads=run.options.threads,
                             progress=_scoring(progress, f"the active {spoken_name(active.name)}"))
    except NerdeskError:
        return None


def _changed_on_tie(predictions: list[list[Span]], active: ModelVersion | None, score: EvaluationScore,
                    active_score: EvaluationScore | None, run: RetrainRun,
                    progress: ScoringProgress | None) -> int | None:
    """At the same F1, on how many evaluation documents the new version (``predictions``) and the active
    one predict differently; None when the scores differ or the active model cannot predict."""
    if active is None or not is_tie(score, active_score):
        return None
    scoring = _scoring(progress, f"the active {spoken_name(active.name)}")
    try:
        return changed_documents(predictions, predict_documents(active.bundle_path, run.evaluation.documents,
                                 threads=run.options.threads, progress=scoring, changes=run.evaluation.label_changes))
    except NerdeskError:
        return None


def _scoring(progress: ScoringProgress | None, what: str) -> Callable[[int, int], None] | None:
    return None if progress is None else lambda done, total: progress(what, done, total)


def _version(project: Project, model_id: int) -> ModelVersion:
    return next(version for version in project.model_versions() if version.id == model_id)


def abandon_run(project: Project, run: RetrainRun, status: str, message: str = "") -> None:
    """Record a failed or cancelled run and undo it (its bundle, its evaluation set picks); the active model stays."""
    shutil.rmtree(run.staging_dir, ignore_errors=True)
    shutil.rmtree(run.staging_dir.parent / f".{run.staging_dir.name}.partial", ignore_errors=True)
    if all(version.bundle_path != run.final_dir for version in project.model_versions()):
        shutil.rmtree(run.final_dir, ignore_errors=True)
    unpick(project, run.picked)
    project.finish_training_run(run.run_id, status=status, message=message[-STDERR_TAIL:],
                                seconds=round(time.monotonic() - run.started, 1))
    release_run(run)


def _settings(run: RetrainRun) -> dict[str, Any]:
    return {"start": run.start.to_json(), "init": run.resolved.init, "start_description": run.resolved.description,
            **asdict(run.options)}


def _trained_on(project: Project, run: RetrainRun, done: TrainingDone) -> dict[str, Any]:
    """What the version learnt from. The fingerprint of its data is left out when its training was cut by the
    time budget: training again on the same data goes on learning, so it is not refused as nothing new."""
    reviewed = list(project.all_documents(status="reviewed"))
    cut_short = done.metrics.get("stop_reason") == "time budget"
    return {"documents": len(reviewed), "spans": sum(len(doc.gold) for doc in reviewed),
            "train_documents": run.train_documents, "dev_documents": run.dev_documents,
            "evaluation_documents": len(run.evaluation.documents),
            "labels": sorted({span.label for doc in reviewed for span in doc.gold}),
            "seconds": round(time.monotonic() - run.started, 1),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"), "version": run.version,
            LEARNT_DOCUMENTS: as_id_ranges(doc.id for doc in training_documents(reviewed) if doc.id is not None),
            TRAINING_DATA: "" if cut_short else run.training_data}


def as_retrain_says(event: TrainingEvent, run: RetrainRun) -> TrainingEvent:
    """The training process's event as the caller should see it: in retrain's words (the evaluation set, not
    dev documents; retrain's options), and a ``TrainingDone`` naming the folder the version will have (the
    process writes into a staging folder that is renamed into place next)."""
    if isinstance(event, TrainingDone):
        staging, final = str(run.staging_dir), str(run.final_dir)
        return replace(event, out=event.out.replace(staging, final),
                       message=in_retrain_words(event.message.replace(staging, final)))
    if isinstance(event, RunNote | TrainingFinishing | TrainingFailed):
        return replace(event, message=in_retrain_words(event.message))
    return event
