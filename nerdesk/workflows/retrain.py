"""One-click retraining: the training command, where its bundle goes, and registering the result.

A retraining runs ``nerdesk train --project P --progress json`` as a separate process (the GUI through
QProcess, ``run_retrain`` through subprocess) and then, in the caller's process:

1. the bundle is validated with ``Bundle.load``;
2. its directory is renamed from ``<project>.models/.incomplete/<version>`` to ``<project>.models/<version>``;
3. the model version is registered and made active;
4. the documents not yet reviewed are predicted again with it.

Killing either process at any moment leaves the project as it was: the bundle is only registered once
it is complete and valid, and an interrupted run leaves at most a folder under ``.incomplete`` that the
next retraining removes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nerdesk.core.errors import TrainingError
from nerdesk.runtime.bundle import Bundle
from nerdesk.workflows.progress import (
    TrainingDone,
    TrainingEvent,
    TrainingFailed,
    TrainingStarted,
    parse_progress_line,
)
from nerdesk.workflows.start_points import (
    ResolvedStart,
    StartPoint,
    keeps_head,
    load_start_point,
    resolve_start,
)

OPTIONS_KEY = "retrain.options"
# Fine-tuning a trained model whose head is kept: 2e-3 (the from-scratch rate) undid much of what the
# default model knew on 200 CLUENER documents (dev F1 58.7), 5e-4 kept and improved it (64.8).
CONTINUE_LEARNING_RATE = 5e-4
INCOMPLETE = ".incomplete"
STDERR_TAIL = 2000  # characters of the training process's stderr kept for error messages


@dataclass(frozen=True, slots=True)
class RetrainOptions:
    """Training settings for in-app retraining (stored in the project as ``retrain.options``)."""

    epochs: int = 20
    # A new head predicts nothing for the first few hundred steps; with little data that is many epochs.
    patience: int = 10
    time_budget: float | None = 600.0  # seconds
    # One thread leaves a core to the window; on a busy 2-core machine it was also faster than two.
    threads: int | None = 1
    batch_size: int = 32
    # None: CONTINUE_LEARNING_RATE when the start model's head is kept, else the train command's default.
    learning_rate: float | None = None

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
    started: float = field(default_factory=time.monotonic)
    train_documents: int = 0
    dev_documents: int = 0


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
               "--init", init, "--epochs", str(options.epochs), "--patience", str(options.patience),
               "--batch-size", str(options.batch_size)]
    if options.time_budget:
        command += ["--time-budget", f"{options.time_budget:g}"]
    if options.threads:
        command += ["--threads", str(options.threads)]
    if options.learning_rate:
        command += ["--lr", f"{options.learning_rate:g}"]
    return command


def prepare_run(project, start: StartPoint | None = None, options: RetrainOptions | None = None) -> RetrainRun:
    """Choose the version name and folders, resolve the start point and record the run as ``running``."""
    start = start or load_start_point(project)
    options = options or RetrainOptions.from_json(project.get_setting(OPTIONS_KEY))
    resolved = resolve_start(project, start)
    if options.learning_rate is None and keeps_head(project, resolved.init):
        options = replace(options, learning_rate=CONTINUE_LEARNING_RATE)
    project_path = Path(project.path).resolve()
    root = versions_dir(project_path)
    clear_incomplete(root)
    close_interrupted_runs(project)
    version = _new_version_name(root, len(project.model_versions()) + 1)
    staging = root / INCOMPLETE / version
    staging.parent.mkdir(parents=True, exist_ok=True)
    command = training_command(project_path, staging, resolved.init, options)
    run_id = project.record_training_run(version=version, start=start.to_json(), init=resolved.init,
                                         options=asdict(options))
    return RetrainRun(project_path, version, staging, root / version, start, resolved, options, command, run_id)


def clear_incomplete(root: Path) -> None:
    """Remove what interrupted trainings left behind (one project trains one model at a time)."""
    shutil.rmtree(root / INCOMPLETE, ignore_errors=True)


def close_interrupted_runs(project) -> None:
    """Runs still marked ``running`` belong to a window that was killed mid-training: record them as such."""
    for run in project.training_runs():
        if run.status == "running":
            project.finish_training_run(run.id, status="interrupted",
                                        message="the app stopped before the training ended")


def _new_version_name(root: Path, number: int) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    name, suffix = f"v{number}-{stamp}", 1
    while (root / name).exists():
        suffix += 1
        name = f"v{number}-{stamp}-{suffix}"
    return name


def note_event(run: RetrainRun, event: TrainingEvent) -> None:
    """Keep what the run record needs from the progress stream."""
    if isinstance(event, TrainingStarted):
        run.train_documents, run.dev_documents = event.train_documents, event.dev_documents


def complete_run(project, run: RetrainRun, done: TrainingDone):
    """Validate the new bundle, move it into place, register it and make it active; returns the ModelVersion."""
    if not done.bundle:
        raise TrainingError(f"training finished without an ONNX bundle in {run.staging_dir} ({done.message}); "
                            "the model cannot be used for prediction")
    Bundle.load(run.staging_dir)
    run.final_dir.parent.mkdir(parents=True, exist_ok=True)
    os.replace(run.staging_dir, run.final_dir)
    bundle = Bundle.load(run.final_dir, check_models=False)
    model_id = project.register_model(name=bundle.model_version, bundle_path=run.final_dir,
                                      metrics=done.metrics, settings=_settings(run),
                                      trained_on=_trained_on(project, run))
    project.set_active_model(model_id)
    project.finish_training_run(run.run_id, status="finished", model_id=model_id,
                                seconds=round(time.monotonic() - run.started, 1))
    return next(version for version in project.model_versions() if version.id == model_id)


def abandon_run(project, run: RetrainRun, status: str, message: str = "") -> None:
    """Record a failed or cancelled run and remove its partial bundle; the active model is untouched."""
    shutil.rmtree(run.staging_dir, ignore_errors=True)
    shutil.rmtree(run.staging_dir.parent / f".{run.staging_dir.name}.partial", ignore_errors=True)
    project.finish_training_run(run.run_id, status=status, message=message[-STDERR_TAIL:],
                                seconds=round(time.monotonic() - run.started, 1))


def _settings(run: RetrainRun) -> dict[str, Any]:
    return {"start": run.start.to_json(), "init": run.resolved.init, "start_description": run.resolved.description,
            **asdict(run.options)}


def _trained_on(project, run: RetrainRun) -> dict[str, Any]:
    reviewed = list(project.all_documents(status="reviewed"))
    return {"documents": len(reviewed), "spans": sum(len(doc.gold) for doc in reviewed),
            "train_documents": run.train_documents, "dev_documents": run.dev_documents,
            "labels": sorted({span.label for doc in reviewed for span in doc.gold}),
            "seconds": round(time.monotonic() - run.started, 1),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"), "version": run.version}


def unreviewed_items(project) -> list[tuple[int, str]]:
    """(document id, text) of every document not yet reviewed: the ones a new model predicts again."""
    return [(doc.id, doc.text) for doc in project.all_documents(status=("new", "predicted", "in-progress"))]


def repredict_unreviewed(project, bundle_path: str | Path, *, threads: int | None = None,
                         progress: Callable[[int, int], None] | None = None) -> int:
    """Replace the predictions of every unreviewed document with the model in ``bundle_path``."""
    from nerdesk.runtime.predictor import Predictor

    items = unreviewed_items(project)
    predictor = Predictor(Bundle.load(bundle_path, check_models=False), threads=threads)
    chunk = 64
    for first in range(0, len(items), chunk):
        part = items[first:first + chunk]
        spans = predictor.predict([text for _, text in part])
        project.replace_predictions_many([(doc_id, found) for (doc_id, _), found in zip(part, spans, strict=True)],
                                         predictor.model_version or "")
        if progress is not None:
            progress(first + len(part), len(items))
    return len(items)


@dataclass
class RetrainResult:
    model: Any  # the registered ModelVersion
    predicted_documents: int
    training_seconds: float
    total_seconds: float
    events: list[TrainingEvent]


def run_retrain(project, *, start: StartPoint | None = None, options: RetrainOptions | None = None,
                on_event: Callable[[TrainingEvent], None] | None = None) -> RetrainResult:
    """The whole retraining without a GUI: train in a subprocess, register, predict the unreviewed documents."""
    began = time.monotonic()
    run = prepare_run(project, start, options)
    events: list[TrainingEvent] = []

    def handle(event: TrainingEvent) -> None:
        events.append(event)
        note_event(run, event)
        if on_event is not None:
            on_event(event)

    try:
        returncode, stderr = _run_process(run.command, handle)
        done = next((e for e in events if isinstance(e, TrainingDone)), None)
        if returncode != 0 or done is None:
            raise TrainingError(failure_message(events, stderr, returncode))
        trained = time.monotonic()
        model = complete_run(project, run, done)
    except BaseException as error:
        abandon_run(project, run, "failed", str(error))
        raise
    predicted = repredict_unreviewed(project, model.bundle_path, threads=options.threads if options else None)
    return RetrainResult(model, predicted, trained - began, time.monotonic() - began, events)


def _run_process(command: list[str], handle: Callable[[TrainingEvent], Any]) -> tuple[int, str]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr, subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8") as process:
        for line in process.stdout:
            event = parse_progress_line(line)
            if event is not None:
                handle(event)
        returncode = process.wait()
        stderr.seek(0)
        return returncode, stderr.read()


def failure_message(events: list[TrainingEvent], stderr: str, returncode: int | None) -> str:
    """What to tell the user when training did not finish: its own error, else the end of its stderr.

    ``returncode`` is None or negative (a signal) when the process was killed or crashed.
    """
    reported = [event.message for event in events if isinstance(event, TrainingFailed)]
    if reported:
        return f"training failed: {reported[-1]}"
    tail = stderr.strip()[-STDERR_TAIL:]
    detail = f":\n{tail}" if tail else " without a message"
    if returncode is None or returncode < 0:
        return f"the training process was killed or crashed{detail}"
    return f"the training process stopped (exit code {returncode}){detail}"
