"""``run_retrain``: the Retrain button without a window, for ``nerdesk retrain``, pipelines and benchmarks.

The training runs as ``nerdesk train --progress json`` in a subprocess whose events are read line by line
(the window runs the same command through QProcess, ``nerdesk.gui.retrain_process``); preparing, scoring,
registering and promoting are ``nerdesk.workflows.retrain``'s, the same steps as in the window.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nerdesk.storage.project import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.models import Targets, repredict_unreviewed
from nerdesk.workflows.progress import TrainingDone, TrainingEvent, parse_progress_line
from nerdesk.workflows.retrain import (
    INTERRUPTED,
    RetrainOptions,
    RetrainOutcome,
    RetrainRun,
    abandon_run,
    as_retrain_says,
    complete_run,
    note_event,
    prepare_run,
)
from nerdesk.workflows.start_points import StartPoint
from nerdesk.workflows.training_failures import failed_training


@dataclass
class RetrainResult:
    outcome: RetrainOutcome
    training_seconds: float
    total_seconds: float
    events: list[TrainingEvent]
    repredicted: Targets | None  # None when the new version did not become active

    @property
    def predicted_documents(self) -> int:
        return len(self.repredicted.items) if self.repredicted else 0

    @property
    def other_script_documents(self) -> int:
        """Unreviewed documents in another script than the new model's, which kept their predictions."""
        return self.repredicted.other_script if self.repredicted else 0

    @property
    def model(self) -> ModelVersion:
        return self.outcome.version


class InterruptedAfterPromotion(KeyboardInterrupt):
    """Ctrl+C or a stop signal while the unreviewed documents were predicted again: the new version is already
    registered and active, and stays so; ``result`` (its ``repredicted`` is None) says what became of it."""

    def __init__(self, result: RetrainResult) -> None:
        super().__init__("interrupted while predicting the unreviewed documents again")
        self.result = result


def run_retrain(project: Project, *, start: StartPoint | None = None, options: RetrainOptions | None = None,
                on_event: Callable[[TrainingEvent], None] | None = None,
                on_predicted: Callable[[int, int], None] | None = None,
                on_prepared: Callable[[RetrainRun], None] | None = None) -> RetrainResult:
    """The Retrain button without a window: train in a subprocess, compare, register, maybe activate and
    predict the unreviewed documents again. ``on_prepared`` hears of the run (its start, in words, and
    its evaluation set) before the training process starts, seconds before its first event."""
    began = time.monotonic()
    run = prepare_run(project, start, options)
    if on_prepared is not None:
        on_prepared(run)
    events: list[TrainingEvent] = []

    def handle(event: TrainingEvent) -> None:
        events.append(event)
        note_event(run, event)
        if on_event is not None:
            on_event(as_retrain_says(event, run))

    try:
        returncode, stderr = _run_process(run.command, handle)
        done = next((e for e in events if isinstance(e, TrainingDone)), None)
        if returncode != 0 or done is None:
            raise failed_training(events, stderr, returncode)
        trained = time.monotonic()
        outcome = complete_run(project, run, done)
    except KeyboardInterrupt:
        abandon_run(project, run, "cancelled", INTERRUPTED)
        raise
    except BaseException as error:
        abandon_run(project, run, "failed", str(error))
        raise
    repredicted = None
    if outcome.promoted:
        try:
            repredicted = repredict_unreviewed(project, outcome.version.bundle_path, threads=run.options.threads,
                                               progress=on_predicted)
        except KeyboardInterrupt as interrupt:
            raise InterruptedAfterPromotion(RetrainResult(outcome, trained - began, time.monotonic() - began, events,
                                                          None)) from interrupt
    return RetrainResult(outcome, trained - began, time.monotonic() - began, events, repredicted)


def _run_process(command: list[str], handle: Callable[[TrainingEvent], Any]) -> tuple[int, str]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr, subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8") as process:
        assert process.stdout is not None  # stdout=PIPE
        try:
            for line in process.stdout:
                event = parse_progress_line(line)
                if event is not None:
                    handle(event)
        except BaseException:
            process.kill()  # Ctrl+C, a stop signal or a failing handler: the training stops with its caller
            raise
        returncode = process.wait()
        stderr.seek(0)
        return returncode, stderr.read()
