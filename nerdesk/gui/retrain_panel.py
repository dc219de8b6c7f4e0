"""The Retrain panel: one button that trains on the reviewed documents and puts the new model to work.

Pressing Retrain starts ``nerdesk train`` in a separate process (``RetrainProcess``), shows its loss
and F1 on the evaluation set live (``LearningCurve``), then scores the new version and the active one
on the evaluation set in a worker thread with progress (the user keeps editing meanwhile; this step
cannot be cancelled) and says how they compare. When it does better (or as well, predicting different
spans) it becomes active and the unreviewed documents are predicted again with it in a worker thread (with
progress and Cancel); otherwise it is kept inactive and *Activate anyway* puts it to work. The
starting point (automatic, embedded default model, active model, scratch, local Hugging Face folder)
is a project setting chosen here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.errors import NerdeskError
from nerdesk.core.wording import counted
from nerdesk.gui.elided import ElidedComboBox
from nerdesk.gui.errors import show_error
from nerdesk.gui.learning_curve import LearningCurve
from nerdesk.gui.prediction_worker import PredictionWorker
from nerdesk.gui.reprediction import Reprediction
from nerdesk.gui.retrain_bar import RetrainBar, clock
from nerdesk.gui.retrain_process import RetrainProcess
from nerdesk.gui.retrain_words import (
    ALREADY_RUNNING,
    IDLE,
    RETRAIN_ANYWAY,
    RETRAIN_ANYWAY_TIP,
    RETRAIN_TIP,
    START_CHOICE_CHARACTERS,
    START_CHOICES,
    TOO_FEW_REVIEWED,
    nothing_new,
    review_first,
    stop_on_close,
)
from nerdesk.gui.run_notes import RunNotes, WholeTextLabel, scrolled_column
from nerdesk.gui.session import ProjectSession
from nerdesk.gui.wording import capitalized, without_repeated_cause
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.retrain import OPTIONS_KEY, NothingNewToLearn, RetrainOptions
from nerdesk.workflows.start_points import StartPoint, load_start_point, save_start_point
from nerdesk.workflows.version_names import spoken_name
from nerdesk.workflows.versions import activate_version


class RetrainPanel(Reprediction, QWidget):
    modelActivated = Signal(object)  # the new ModelVersion, registered and active
    versionKept = Signal(object)  # the new ModelVersion, registered but not active (it did worse)
    repredicted = Signal(int)  # documents predicted again with the new model (not those reviewed meanwhile)
    predictionProgressed = Signal(int, int)  # documents predicted again so far, in all (-1, -1: it ended)
    failed = Signal(str)
    runningChanged = Signal(bool)  # a retraining (or the re-prediction after it) started or ended
    trainingShown = Signal(str, str)  # the version a retraining of the open project makes, and its bar's words
    # while it trains and is compared ("", "": none)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.process = RetrainProcess(self)
        self.worker: PredictionWorker | None = None
        self.start_choice = ElidedComboBox(START_CHOICE_CHARACTERS)  # narrow: a small window keeps room for the text
        for kind, text in START_CHOICES:
            self.start_choice.add_item(text, kind)
        self.retrain_button = QPushButton("Retrain", clicked=self.retrain)
        self.retrain_button.setToolTip(RETRAIN_TIP)
        self.cancel_button = QPushButton("Cancel", clicked=self.cancel, enabled=False)
        self.activate_anyway_button = QPushButton("Activate anyway", clicked=self.activate_anyway, visible=False)
        self.activate_anyway_button.setToolTip("Use the new version although it did no better on the "
                                               "evaluation set")
        self.retrain_anyway_button = QPushButton(RETRAIN_ANYWAY, clicked=lambda: self.retrain(even_if_unchanged=True),
                                                 visible=False, toolTip=RETRAIN_ANYWAY_TIP)
        self.kept_version = None
        self._training_path: Path | None = None  # the project the retraining in hand belongs to
        self._activation_message = ""  # what the last activation said, kept for the end of its re-prediction
        self._left_alone = ""  # the unreviewed documents the re-prediction leaves alone (another script), in words
        self._reviewed_meanwhile = 0  # documents of the re-prediction reviewed before their predictions came
        self.progress = RetrainBar()
        self.status = WholeTextLabel(IDLE)
        self._shown_path: Path | None = None  # the project whose retraining the panel shows
        self.notes = RunNotes()
        self.curve = LearningCurve()
        self._hugging_face_path: str | None = None
        self._was_busy = False
        self._lay_out()
        self._connect()
        self.refresh()

    def _lay_out(self) -> None:
        start_row = QHBoxLayout()
        start_row.addWidget(QLabel("Start from", toolTip="Where training starts; kept in the project"))
        start_row.addWidget(self.start_choice, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retrain_button, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.activate_anyway_button)
        buttons.addWidget(self.retrain_anyway_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(start_row)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(scrolled_column(self.status, self.notes, self.curve), 1)  # the outcome at its top

    def _connect(self) -> None:
        self.session.projectChanged.connect(self._on_project_changed)
        self.session.projectChanged.connect(self.refresh)
        self.start_choice.activated.connect(self._on_start_chosen)
        for ended in (self.process.finished, self.process.failed, self.process.cancelled):  # before their outcome
            ended.connect(lambda *_: self.trainingShown.emit("", ""))
        self.progress.shown.connect(self._show_in_versions)
        self.process.started.connect(lambda text: self.status.setText(f"Training {text}…"))
        self.process.noted.connect(self.notes.add)
        self.process.completing.connect(self._on_completing)
        self.process.scoring.connect(self._on_scoring)
        self.process.finished.connect(self._on_trained)
        self.process.progressed.connect(self._on_step)
        self.process.limited.connect(self.progress.limit)
        self.process.finishing.connect(self._on_finishing)
        self.process.evaluated.connect(self._on_eval)
        self.process.failed.connect(self._on_failed)
        self.process.cancelled.connect(self._on_cancelled)

    # ------------------------------------------------------------- state
    @property
    def busy(self) -> bool:
        return self.process.is_running or self.worker is not None

    def refresh(self) -> None:
        project = self.session.project
        self.retrain_button.setEnabled(project is not None and not self.busy)
        self.start_choice.setEnabled(project is not None and not self.busy)
        completing = self.process.is_completing
        self.cancel_button.setEnabled(self.busy and not completing)
        self.cancel_button.setToolTip("The new version is being compared with the active one; this takes a "
                                      "moment and cannot be cancelled" if completing else
                                      "Stop the training or the prediction")
        if project is not None and not self.busy:
            self._show_start_point(load_start_point(project))
        if self.busy != self._was_busy:
            self._was_busy = self.busy
            self.runningChanged.emit(self.busy)

    def _on_project_changed(self) -> None:
        """Another project is open: the last retraining's verdict, chart and Activate anyway belong to the one it
        trained (Activate anyway would activate a version of this one by the other's number). A run still going
        keeps showing; its end says which project it was for."""
        self._show_in_versions(self.progress.text())  # a comparison ending in the project left is not listed here
        project = self.session.project
        path = Path(project.path).resolve() if project is not None else None
        if path == self._shown_path or self.busy:
            return
        self._shown_path = path
        self._forget_kept_version()
        self.notes.clear()
        self.curve.clear()
        self.status.setText(IDLE)
        self.status.setToolTip("")

    def _show_in_versions(self, words: str) -> None:
        """Model versions lists the version being made, with what the bar says, until it is registered."""
        run = self.process.run
        if run is not None and self.process.is_running and words and self._in_open_project():
            self.trainingShown.emit(run.version, words)
        else:
            self.trainingShown.emit("", "")

    def _show_start_point(self, start: StartPoint) -> None:
        self._hugging_face_path = start.path
        self.start_choice.setCurrentIndex(max(self.start_choice.findData(start.kind), 0))

    def start_point(self) -> StartPoint:
        kind = self.start_choice.currentData()
        return StartPoint(kind, self._hugging_face_path if kind == "huggingface" else None)

    def set_start_point(self, start: StartPoint) -> None:
        """Choose where training starts (and keep it in the project)."""
        save_start_point(self.session.require_project(), start)
        self._show_start_point(start)

    def _on_start_chosen(self, index: int) -> None:
        kind = self.start_choice.itemData(index)
        path = None
        if kind == "huggingface":
            path = QFileDialog.getExistingDirectory(self, "Hugging Face model folder (with config.json)")
            if not path:
                self.refresh()
                return
        try:
            self.set_start_point(StartPoint(kind, path))
        except NerdeskError as error:
            show_error(self, error, "Cannot use this starting point")
            self.refresh()

    # ------------------------------------------------------------ actions
    def retrain(self, *, even_if_unchanged: bool = False) -> None:
        """Start a retraining; ``even_if_unchanged`` (*Retrain anyway*) trains though nothing is new since the active
        version was trained."""
        if self.process.is_running:  # the menu's shortcut while the panel shows this one's progress
            return
        try:
            project = self.session.require_project()
            self.curve.clear()
            self.notes.clear()
            self._forget_kept_version()
            self._training_path = Path(project.path).resolve()
            options = RetrainOptions.from_json(project.get_setting(OPTIONS_KEY))
            self.process.start(project, self.start_point(), replace(options, even_if_unchanged=even_if_unchanged))
        except NerdeskError as error:
            if error.code == TOO_FEW_REVIEWED:  # not a failure: what to do next, where the user looks
                reviewed = evaluation_set(self.session.require_project())
                self.status.setText(review_first(reviewed.reviewed, reviewed.kept_out()))
                return
            if isinstance(error, NothingNewToLearn):  # not a failure either: say so, offer to train anyway
                self.status.setText(nothing_new(spoken_name(error.version.name), error.documents))
                self.retrain_anyway_button.setVisible(True)
                return
            if error.code == ALREADY_RUNNING:  # in another window or a terminal: nothing failed, nothing started
                self.status.setText(f"{capitalized(str(error))}.")
                return
            self._on_failed(str(error))
            return
        self.session.documentsChanged.emit()  # the evaluation set may have grown: the list marks its documents
        self.progress.begin()
        self.refresh()

    def cancel(self) -> None:
        if self.process.is_running:
            self.status.setText("Cancelling…")
            self.process.cancel()
        elif self.worker is not None:
            self.worker.requestInterruption()

    def may_close(self, confirm) -> bool:
        """Whether the window may close: ``confirm(title, question)`` first while a training runs (closing stops
        it, and minutes of training are lost); the comparison after it is short and is waited for."""
        return self.may_stop(confirm, stop_on_close)

    def may_stop(self, confirm, question) -> bool:
        """Whether the training may be stopped (the window closes, another project opens): while one trains,
        ``confirm("Stop the retraining?", question(time so far))`` decides; the comparison after it is not asked
        about (it ends shortly, in its own project)."""
        if not self.process.is_running or self.process.is_completing:
            return True
        return confirm("Stop the retraining?", question(clock(self.progress.elapsed())))

    def leave_project(self) -> None:
        """Another project is about to be opened (or this one closed): a training is stopped (recorded as
        cancelled, its unfinished folder removed, while this project is still open to record it), and so is the
        re-prediction, whose results belong to this project. A comparison in hand ends in the background,
        writing to its own project, and says so."""
        if self.process.is_running and not self.process.is_completing:
            self.process.cancel()
            self.process.wait()
        self.stop_prediction()

    def shutdown(self) -> None:
        """Stop training and prediction before the window closes."""
        if self.process.is_running:
            self.process.cancel()
            self.process.wait()
        if self.worker is not None:
            self.worker.requestInterruption()
            self.worker.wait()

    # ------------------------------------------------------------- events
    def _on_step(self, step: int, total: int, loss: float) -> None:
        self.progress.step(step, total)
        self.curve.add_loss(step, total, loss)

    def _on_finishing(self, message: str) -> None:
        """The loop ended (early stopping or the time budget, often long before the planned steps): the chart
        ends at the last step, and the status says what the next half-minute is for."""
        self.curve.finish()
        self.progress.stage("writing and checking the model")  # no steps to count: the time so far
        self.status.setText(capitalized(message))

    def _on_eval(self, number: int, f1: float, precision: float, recall: float) -> None:
        self.curve.add_score(f1)
        self.status.setText(f"Evaluation {number}: F1 {100 * f1:.1f} on the evaluation set "
                            f"(precision {100 * precision:.1f}, recall {100 * recall:.1f})")

    def _on_completing(self, documents: int) -> None:
        self.status.setText(f"Training done. Comparing the new version with the active one on "
                            f"{counted(documents, 'evaluation document')}; you can keep working.")
        self.progress.stage("comparing with the active model")
        self.refresh()

    def _on_scoring(self, what: str, done: int, total: int) -> None:
        self.progress.scoring(what, done, total)

    def _on_trained(self, outcome) -> None:
        """Say how the new version compares; put it to work only if it became active."""
        self.curve.set_final_f1(outcome.score.f1)  # with the decision threshold chosen after training
        started = outcome.version.settings.get("start_description", "")
        self.status.setToolTip(f"Training started {started}" if started else "")
        if started:  # the status line now gives the outcome: the start stays readable in the notes
            self.notes.add(f"Start: {started}", first=True)
        if not self._in_open_project():
            where = self._training_path.name if self._training_path else "its project"
            self.status.setText(f"{outcome.decision.message} (in {where}, which is no longer open)")
            self.progress.end()
            self.refresh()
            return
        if not outcome.promoted:
            self.status.setText(f"{outcome.decision.message}. Activate anyway puts it to work.")
            self.kept_version = outcome.version
            self.activate_anyway_button.setVisible(True)
            self.progress.end()
            self.refresh()
            self.versionKept.emit(outcome.version)
            return
        self.modelActivated.emit(outcome.version)
        self.predict_unreviewed(outcome.version, f"{outcome.decision.message}.")

    def _in_open_project(self) -> bool:
        """Whether the retraining that ended belongs to the project open now (another may have been opened)."""
        project = self.session.project
        if self._training_path is None:
            return project is not None
        return project is not None and Path(project.path).resolve() == self._training_path

    def activate_anyway(self) -> None:
        """Make the version the last retraining kept inactive the active one, and predict with it."""
        version, project = self.kept_version, self.session.project
        if version is None or project is None or self.busy:
            return
        try:
            activate_version(project, version.id)
        except NerdeskError as error:
            self._on_failed(str(error))
            return
        self._forget_kept_version()
        self.modelActivated.emit(project.active_model())
        self.predict_unreviewed(version, f"{spoken_name(version.name)} was activated anyway.")

    def check_kept_version(self) -> None:
        """Offer Activate anyway only while the kept version is an inactive version of the open project: not once
        Model versions has deleted it (there would be nothing to activate) or activated it."""
        project, kept = self.session.project, self.kept_version
        if kept is not None and not any(version.id == kept.id and not version.active
                                        for version in (project.model_versions() if project else [])):
            self._forget_kept_version()

    def _forget_kept_version(self) -> None:
        self.kept_version = None
        self.activate_anyway_button.setVisible(False)
        self.retrain_anyway_button.setVisible(False)

    def _on_failed(self, message: str) -> None:
        message = without_repeated_cause(message, "Retraining failed")
        self.status.setText(f"Retraining failed: {message}")
        self.progress.end()
        self.refresh()
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self.status.setText("Retraining cancelled; the active model is unchanged.")
        self.progress.end()
        self.refresh()
