"""The training process behind the Retrain button: ``nerdesk train`` in a QProcess with typed signals.

The window never imports torch: training runs in its own process and reports JSON lines on stdout
(parsed by ``nerdesk.workflows.progress``). When the process ends well, the new bundle is validated,
moved into place, scored against the active model on the evaluation set, registered, and activated
only if it scores better (or the same with different spans) by ``nerdesk.workflows.retrain.complete_run``,
in a worker thread with its own connection to the project file (``CompletionWorker``), so the window
keeps working and the user keeps editing while both versions predict the evaluation set; ``scoring``
says how far. Cancel terminates the training process and kills it if it has not stopped after
``KILL_AFTER_MS``; the active model is left as it was. Once training has ended, the completion cannot be
cancelled (it takes a bounded time; see ``nerdesk.gui.retrain_worker``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from nerdesk.core.errors import NerdeskError
from nerdesk.gui.retrain_worker import CompletionWorker
from nerdesk.workflows.progress import (
    EpochEvaluated,
    RunNote,
    StepProgress,
    TrainingDone,
    TrainingEvent,
    TrainingFinishing,
    TrainingStarted,
    parse_progress_line,
)
from nerdesk.workflows.retrain import (
    RetrainOptions,
    RetrainRun,
    abandon_run,
    as_retrain_says,
    note_event,
    prepare_run,
)
from nerdesk.workflows.start_points import StartPoint
from nerdesk.workflows.training_failures import failure_message

KILL_AFTER_MS = 3000
STDERR_LIMIT = 20_000


class RetrainProcess(QObject):
    started = Signal(str)  # what the training starts from
    limited = Signal(float)  # the seconds by which the training loop ends at the latest (its time budget)
    noted = Signal(str)  # what the training process says about its data: the encoded documents, skipped spans,
    # characters added to the vocabulary, the decision threshold chosen
    progressed = Signal(int, int, float)  # step, total steps, loss
    finishing = Signal(str)  # the training loop ended; the model is being written and checked
    evaluated = Signal(int, float, float, float)  # epoch, dev F1, precision, recall
    completing = Signal(int)  # training ended well; the new version and the active one are scored on this many
    scoring = Signal(str, int, int)  # the version being scored, evaluation documents done, in all
    finished = Signal(object)  # the RetrainOutcome: the registered version, its score, whether it is active
    failed = Signal(str)  # a message for the user
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self.completion: CompletionWorker | None = None
        self.run: RetrainRun | None = None
        self.project = None
        self.events: list[TrainingEvent] = []
        self.stderr = ""
        self._stdout_rest = b""
        self._cancelling = False

    @property
    def is_running(self) -> bool:
        return self.process is not None or self.completion is not None

    @property
    def is_completing(self) -> bool:
        """Training has ended and the new version is being scored and registered (not cancellable)."""
        return self.completion is not None

    def start(self, project, start: StartPoint | None = None, options: RetrainOptions | None = None) -> None:
        """Start training on the project's reviewed documents; raises NerdeskError if it cannot start."""
        if self.is_running:
            raise NerdeskError("a retraining is already running; wait for it or cancel it", code="E603")
        self.project, self.events, self.stderr, self._stdout_rest, self._cancelling = project, [], "", b"", False
        self.run = prepare_run(project, start, options)
        process = QProcess(self)
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self.process = process
        process.start(self.run.command[0], self.run.command[1:])
        self.started.emit(self.run.resolved.description)

    def cancel(self) -> None:
        """Stop the training: terminate now, kill if it is still running after KILL_AFTER_MS.

        Does nothing once training has ended: the completion runs to its end."""
        if self.process is None:
            return
        self._cancelling = True
        process = self.process
        process.terminate()
        QTimer.singleShot(KILL_AFTER_MS, lambda: self._kill_if_running(process))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the process has ended (used when the window closes), then until a completion in
        hand has ended, however long it takes (it cannot be stopped halfway)."""
        ended = self.process is None or self.process.waitForFinished(msecs)
        if self.completion is not None:
            self.completion.wait()
        return ended

    def _kill_if_running(self, process: QProcess) -> None:
        if self.process is process and process.state() != QProcess.ProcessState.NotRunning:
            process.kill()

    def _read_stdout(self) -> None:
        data = self._stdout_rest + bytes(self.process.readAllStandardOutput())
        *lines, self._stdout_rest = data.split(b"\n")
        for line in lines:
            event = parse_progress_line(line.decode("utf-8", errors="replace"))
            if event is not None:
                self._handle(event)

    def _read_stderr(self) -> None:
        text = bytes(self.process.readAllStandardError()).decode("utf-8", errors="replace")
        self.stderr = (self.stderr + text)[-STDERR_LIMIT:]

    def _handle(self, event: TrainingEvent) -> None:
        self.events.append(event)
        note_event(self.run, event)
        event = as_retrain_says(event, self.run)
        if isinstance(event, StepProgress):
            self.progressed.emit(event.step, event.total, event.loss)
        elif isinstance(event, EpochEvaluated):
            self.evaluated.emit(event.epoch, event.f1, event.precision, event.recall)
        elif isinstance(event, TrainingStarted):
            self.started.emit(f"{self.run.resolved.description}: {event.train_documents} training and "
                              f"{event.dev_documents} evaluation documents")
            if event.time_budget_seconds is not None:
                self.limited.emit(event.time_budget_seconds)
        elif isinstance(event, TrainingFinishing):
            self.finishing.emit(event.message)
        elif isinstance(event, RunNote) and event.message:
            self.noted.emit(event.message)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._end("failed", f"cannot start the training process {self.run.command[0]}: "
                                f"{self.process.errorString()}")

    def _on_finished(self, exit_code: int, exit_status: QProcess.ExitStatus) -> None:
        if self.process is None:
            return
        self._read_stdout()
        self._read_stderr()
        done = next((event for event in self.events if isinstance(event, TrainingDone)), None)
        if self._cancelling:
            self._end("cancelled", "cancelled by the user")
        elif exit_status == QProcess.ExitStatus.NormalExit and exit_code == 0 and done is not None:
            self._complete(done)
        else:
            code = exit_code if exit_status == QProcess.ExitStatus.NormalExit else None
            self._end("failed", failure_message(self.events, self.stderr, code))

    def _complete(self, done: TrainingDone) -> None:
        """Hand the registration half to a worker thread; the QProcess is done with."""
        self._drop_process()
        worker = CompletionWorker(self.run, done, self)
        worker.progressed.connect(self.scoring)
        worker.succeeded.connect(lambda outcome: self._completed(worker, outcome))
        worker.failed.connect(lambda message: self._completion_failed(worker, message))
        self.completion = worker
        self.completing.emit(worker.documents)
        worker.start()

    def _completed(self, worker: CompletionWorker, outcome) -> None:
        self._forget_completion(worker)
        self.finished.emit(outcome)

    def _completion_failed(self, worker: CompletionWorker, message: str) -> None:
        self._forget_completion(worker)  # the worker has recorded the run as failed
        self.failed.emit(message)

    def _forget_completion(self, worker: CompletionWorker) -> None:
        worker.wait()  # its last signal is out: the thread is ending
        worker.deleteLater()
        if self.project is not None:
            self.project.changed_elsewhere()  # what the worker's connection wrote is this window's own doing
        self.completion, self.run = None, None

    def _end(self, status: str, message: str) -> None:
        if self.run is not None:
            abandon_run(self.project, self.run, status, message)
        self._release()
        if status == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(message)

    def _drop_process(self) -> None:
        if self.process is not None:
            self.process.deleteLater()
        self.process = None

    def _release(self) -> None:
        self._drop_process()
        self.run = None
