"""The end of a retraining in a worker thread, so the window stays responsive while two versions score.

When the training process has ended well, ``nerdesk.workflows.retrain.complete_run`` validates and
moves the new bundle, scores it and the active model on the evaluation set (each predicts every
evaluation document: up to about a minute on a large set), registers the new version and maybe
activates it. ``CompletionWorker`` runs it on a connection of its own to the project file (a
connection belongs to the thread that opened it; in WAL mode the window's connection keeps reading
and writing meanwhile).

What the completion writes (the model registry, the cached scores, the active model, the run record)
is never what the user edits (documents, spans, labels, statuses), and each of its writes is one
short transaction taken after the predictions it needs, so an edit made meanwhile is kept and waits
at most a few milliseconds for the write lock (well within ``BUSY_TIMEOUT_SECONDS``).

The completion is not offered for cancelling: stopped halfway it would leave a moved bundle without
a version, or a version without its score. It takes a bounded time, and closing the window waits for it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal

from nerdesk.core.errors import NerdeskError
from nerdesk.storage.project import Project
from nerdesk.workflows.progress import TrainingDone
from nerdesk.workflows.retrain import RetrainRun, abandon_run, complete_run

NOT_REGISTERED = "the trained model was not registered"


class CompletionWorker(QThread):
    progressed = Signal(str, int, int)  # the version being scored, evaluation documents done, in all
    succeeded = Signal(object)  # the RetrainOutcome
    failed = Signal(str)  # a message for the user; the run is recorded as failed

    def __init__(self, retrain_run: RetrainRun, done: TrainingDone, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.retrain_run = retrain_run
        self.done = done
        self.documents = len(retrain_run.evaluation.documents)

    def run(self) -> None:
        try:
            outcome = self._complete()
        except NerdeskError as error:
            self.failed.emit(f"{NOT_REGISTERED}: {error}")
        except Exception as error:  # noqa: BLE001 (a thread that dies silently would leave the panel busy)
            self.failed.emit(f"{NOT_REGISTERED}: {type(error).__name__}: {error}")
        else:
            self.succeeded.emit(outcome)

    def _complete(self):
        with Project.open(self.retrain_run.project_path) as project:
            try:
                return complete_run(project, self.retrain_run, self.done, progress=self._report)
            except BaseException as error:
                abandon_run(project, self.retrain_run, "failed", f"{NOT_REGISTERED}: {error}")
                raise

    def _report(self, what: str, windows_done: int, windows_total: int) -> None:
        """The predictor counts windows; the user counts documents (a long one spans several windows)."""
        documents = self.documents * windows_done // windows_total if windows_total else self.documents
        self.progressed.emit(what, documents, self.documents)
