"""Subcommand: retrain (the Retrain button without a window).

Resolves the start, trains on the project's reviewed documents in a training process, scores the new
version and the active one on the evaluation set, registers the new version, activates it only as
``--activate`` allows, and then predicts the unreviewed documents again. ``--progress json`` prints
the training process's events and then one ``outcome`` event, one JSON object per line. When nothing
has changed since the active version was trained, nothing runs: the outcome says ``unchanged`` (exit 0).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from nerdesk.commands.arguments import duration, whole_number
from nerdesk.commands.step_line import StepLine
from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.workflows.progress import EpochEvaluated, StepProgress, TrainingEvent, TrainingFailed

if TYPE_CHECKING:
    from nerdesk.storage import Project
    from nerdesk.workflows.retrain import NothingNewToLearn, RetrainRun
    from nerdesk.workflows.retrain_subprocess import RetrainResult
    from nerdesk.workflows.start_points import StartPoint

NO_SUCH_VERSION = "E241"
NO_SUCH_FOLDER = "E413"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("retrain", help="retrain a project's model as the Retrain button does",
                                   description="Train a new model version on the project's reviewed documents, "
                                               "compare it with the active one on the evaluation set, and "
                                               "activate it only if it scores better (or the same while predicting "
                                               "different spans).")
    parser.add_argument("project", type=Path, help="the .nerdesk project")
    parser.add_argument("--start", default=None,
                        help="auto (default: the project's choice, else automatic), active, default, scratch, a "
                             "version of the project (v1, as nerdesk activate lists them), a model directory "
                             "(nerdesk or Hugging Face), or an embedded model's name (nerdesk models)")
    parser.add_argument("--activate", choices=("if-better", "always"), default="if-better",
                        help="if-better: only when it scores better than the active model, or the same with "
                             "different spans (default); "
                             "always: activate anyway")
    parser.add_argument("--time-budget", type=duration, help="training time limit: seconds, or e.g. 90s, 15m")
    parser.add_argument("--threads", type=whole_number(1), default=1, help="threads for training and prediction (default 1)")
    parser.add_argument("--even-if-unchanged", action="store_true",
                        help="train even when nothing was reviewed or corrected since the active version was trained "
                             "(without it, such a run trains nothing and says unchanged)")
    parser.add_argument("--progress", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run_retrain_command)


def run_retrain_command(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from nerdesk.storage import Project
    from nerdesk.workflows.retrain import OPTIONS_KEY, NothingNewToLearn, RetrainOptions
    from nerdesk.workflows.retrain_subprocess import InterruptedAfterPromotion, run_retrain
    from nerdesk.workflows.start_points import load_start_point

    report = _Reporter(args.progress, args.project)
    stop_on_terminate()
    try:
        with Project.open(args.project) as project:
            start = start_argument(project, args.start) if args.start else load_start_point(project)
            options = replace(RetrainOptions.from_json(project.get_setting(OPTIONS_KEY)), activate=args.activate,
                              threads=args.threads, time_budget_seconds=args.time_budget,
                              even_if_unchanged=args.even_if_unchanged)
            result = run_retrain(project, start=start, options=options, on_event=report.event,
                                 on_predicted=report.predicted, on_prepared=report.prepared)
    except NothingNewToLearn as unchanged:  # not a failure: a pipeline retraining in a loop goes on
        report.unchanged(unchanged)
        return 0
    except InterruptedAfterPromotion as interrupted:
        report.outcome(interrupted.result, interrupted=True)
        raise
    except NerdeskError as error:
        report.failed(error)
        raise
    report.outcome(result)
    return 0


def start_argument(project: Project, value: str) -> StartPoint:
    """``--start``: a start kind, a folder, an embedded model's name, or a version of the project by the name
    ``nerdesk activate`` lists and takes (v1, or more of its name)."""
    from nerdesk.commands.activate import find_by_name
    from nerdesk.workflows.default_models import embedded_model_names
    from nerdesk.workflows.start_points import KINDS, StartPoint

    if value not in KINDS and not Path(value).exists():
        try:
            return StartPoint("huggingface", str(Path(find_by_name(project, value).bundle_path).resolve()))
        except ProjectError as error:
            if error.code != NO_SUCH_VERSION:
                raise
            if value not in embedded_model_names() and len(Path(value).parts) == 1:  # a name, not a path
                raise ProjectError(f"--start {value}: {error} (nerdesk activate lists them); nor is it a folder or "
                                   f"an embedded model ({', '.join(embedded_model_names()) or 'none installed'}). Use "
                                   f"{', '.join(KINDS[:-1])}, a version, a model folder or an embedded model's name",
                                   code=NO_SUCH_FOLDER) from None
    return StartPoint.from_argument(value)


def stop_on_terminate() -> None:
    """A stop signal (a pipeline's timeout, ``kill``) ends a retraining as Ctrl+C does: the training process
    is stopped with it and the run is recorded as cancelled, not left running in the project."""
    import signal
    import threading

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


class _Reporter:
    """Training events as JSON lines or short text lines, then the outcome."""

    def __init__(self, mode: str, project: Path) -> None:
        self.mode = mode
        self.project = project
        self.line = StepLine()
        self.best_f1: float | None = None
        self.last_step = 0  # of the training, for the evaluation lines (a log shows a tenth of the step lines)
        self.failure_said = False  # a TrainingFailed event came from the training process
        self.predicted_so_far = 0  # unreviewed documents predicted again, as the last progress call said

    def failed(self, error: NerdeskError) -> None:
        """With JSON progress, a failure before or after training is a ``TrainingFailed`` line too (once)."""
        if self.mode == "json" and not self.failure_said:
            self.event(TrainingFailed(str(error), error.code))

    def event(self, event: TrainingEvent) -> None:
        from dataclasses import asdict

        self.failure_said = self.failure_said or isinstance(event, TrainingFailed)
        if self.mode == "json":
            print(json.dumps({"event": type(event).__name__, **asdict(event)}, ensure_ascii=False), flush=True)
            return
        if isinstance(event, StepProgress):
            self.last_step = event.step
            self.line.show(f"training: step {event.step}/{event.total} loss {event.loss:.4f}", event.step,
                           event.total)
        elif isinstance(event, EpochEvaluated):
            self.line.message(f"  step {self.last_step}: F1 on the evaluation set {100 * event.f1:.1f}"
                              f"{self._kept(event)}")
        elif isinstance(event, TrainingFailed):
            self.line.end()  # the command's error says it, once
        elif getattr(event, "message", ""):
            self.line.message(event.message.strip())

    def _kept(self, event: EpochEvaluated) -> str:
        """After the first evaluation, the F1 of the checkpoint training keeps: the best so far, or, in a
        continuation, its start until a checkpoint beats that by the required margin."""
        previous = self.best_f1
        self.best_f1 = event.kept_f1 if event.kept_f1 is not None else \
            event.f1 if previous is None else max(previous, event.f1)
        if previous is None:
            return ""
        if event.kept_f1 is not None and event.f1 > event.kept_f1:
            return f" (kept so far {100 * self.best_f1:.1f}: not better by enough to replace it)"
        return f" (best so far {100 * self.best_f1:.1f})"

    def prepared(self, run: RetrainRun) -> None:
        """Where training starts and what the new version will be scored on, before the training process
        has loaded (seconds)."""
        from nerdesk.workflows.version_names import spoken_name

        if self.mode == "json":
            print(json.dumps({"event": "prepared", "version": run.version, "start": run.resolved.description,
                              "evaluation_documents": len(run.evaluation.documents)}, ensure_ascii=False), flush=True)
            return
        print(f"Start: {run.resolved.description}", flush=True)
        self.line.message(f"{spoken_name(run.version)} will be scored on {run.evaluation.describe()}; "
                          "starting the training process")

    def predicted(self, done: int, total: int) -> None:
        self.predicted_so_far = done
        if self.mode == "json":
            print(json.dumps({"event": "predicted", "done": done, "total": total}), flush=True)
        else:
            self.line.show(f"predicting the unreviewed documents: {done}/{total}", done, total)

    def unchanged(self, unchanged: NothingNewToLearn) -> None:
        """Nothing was trained: the active version learnt from this same data. The outcome line says
        ``unchanged`` and names the active version, which stays as it is."""
        if self.mode == "text":
            print(unchanged, flush=True)
            return
        print(json.dumps({"event": "outcome", "unchanged": True, "version": None, "promoted": False,
                          "active": unchanged.version.name, "message": str(unchanged),
                          "training_documents": unchanged.documents,
                          "evaluation_documents": unchanged.evaluation_documents}, ensure_ascii=False), flush=True)

    def outcome(self, result: RetrainResult, *, interrupted: bool = False) -> None:
        """What became of the new version; ``interrupted``: Ctrl+C came while the unreviewed documents were
        predicted again, after the version was activated (it stays active; the others keep their predictions)."""
        import shlex

        from nerdesk.core.wording import counted
        from nerdesk.workflows.version_names import spoken_name

        self.line.end()
        outcome = result.outcome
        start = outcome.version.settings.get("start_description", "")
        record = {"event": "outcome", "unchanged": False, "version": outcome.version.name, "bundle": str(outcome.version.bundle_path),
                  "promoted": outcome.promoted, "start": start,
                  "message": outcome.decision.message, "f1": outcome.score.f1,
                  "active_f1": outcome.active_score.f1 if outcome.active_score else None,
                  "previous_active": outcome.previous_active.name if outcome.previous_active else None,
                  "evaluation_documents": outcome.score.documents,
                  "predicted_documents": self.predicted_so_far if interrupted else result.predicted_documents,
                  "interrupted": interrupted,
                  "other_script_documents": result.other_script_documents,
                  "training_seconds": round(result.training_seconds, 1),
                  "total_seconds": round(result.total_seconds, 1)}
        if self.mode == "json":
            print(json.dumps(record, ensure_ascii=False), flush=True)
            return
        print(outcome.decision.message)
        print(f"Bundle: {outcome.version.bundle_path}")
        if not outcome.promoted:
            print(f"To use it anyway: nerdesk activate {shlex.quote(str(self.project))} "
                  f"{spoken_name(outcome.version.name)}")
        if interrupted:
            print(f"Interrupted while predicting the unreviewed documents again: {spoken_name(outcome.version.name)} "
                  f"stays active; {self.predicted_so_far:,} were predicted with it, the others keep their earlier "
                  f"predictions (nerdesk activate {shlex.quote(str(self.project))} "
                  f"{spoken_name(outcome.version.name)} predicts them all again)", flush=True)
        elif outcome.promoted:
            print(f"{counted(result.predicted_documents, 'unreviewed document')} predicted again "
                  f"({result.total_seconds:.1f} s in all)")
            if result.repredicted is not None and result.repredicted.other_script:
                print(f"{result.repredicted.left_alone()}.")
