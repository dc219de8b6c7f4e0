"""The model versions panel: every version scored on today's evaluation set, and what to do with one.

Each row gives a version's precision, recall and F1 on the project's evaluation set as it is today
(``nerdesk.workflows.evaluation``: the same documents for every version, scores cached until the set
changes), with one child row per label. Versions not scored on today's set yet are scored in a worker
thread (``nerdesk.gui.scoring_worker``): the table shows at once, with a progress bar, and each row
fills in as its score arrives. Activate (also to roll back to an older version, or to use a
version that a retraining kept inactive) makes the window predict the unreviewed documents again;
delete (not the active one; asks first; the bundle folder is removed only when it belongs to the project) and
export (copy the bundle to a folder). While a retraining of the project runs, a row at the top names the
version it is making and follows the Retrain panel's bar, until the version is registered (or the run ends
without one). The logic lives in ``nerdesk.workflows``; this widget lists and asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.errors import NerdeskError
from nerdesk.gui.errors import show_error
from nerdesk.gui.scoring_worker import Scorer
from nerdesk.gui.session import ProjectSession
from nerdesk.workflows.evaluation import EvaluationScore, cached_score, other_script_reason, remember_score
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.version_names import display_name, short_name, spoken_name
from nerdesk.workflows.versions import activate_version, delete_version, export_version, owned_by_project

# Short headers keep the versions' names room in a narrow dock; the header tooltips say them in full.
COLUMNS = ("Version", "F1", "P", "R", "Gold", "Docs")
HEADER_TIPS = ("The version's name (created, bundle and start in its tooltip); the scores of each label below it",
               "F1 on today's evaluation set", "Precision on the evaluation set", "Recall on the evaluation set",
               "Gold spans in the evaluation set", "Documents the version was trained on")
MODEL_ID_ROLE = Qt.ItemDataRole.UserRole
TRAINING_ROLE = Qt.ItemDataRole.UserRole + 1  # set on the row of the version a retraining is making
SCORING = "scoring…"  # the F1 cell of a version whose score is being measured


class ModelVersionsPanel(QWidget):
    versionActivated = Signal(object)  # the ModelVersion now active
    versionsChanged = Signal()
    cancelPrediction = Signal()  # the user stops the prediction that follows an activation

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self._fit_columns()
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.activate_button = QPushButton("Activate", clicked=lambda: self.activate())
        self.activate_button.setToolTip("Use this version for predictions (roll back to an older one)")
        self.delete_button = QPushButton("Delete…", clicked=lambda: self.delete())
        self.export_button = QPushButton("Export…", clicked=lambda: self.export())
        self.export_button.setToolTip("Copy the model bundle to a folder, to share or deploy it")
        self.progress = QProgressBar(visible=False)
        self.cancel_button = QPushButton("Cancel", clicked=lambda: self.cancelPrediction.emit(), visible=False)
        self.cancel_button.setToolTip("Stop predicting: documents not reached keep their earlier predictions")
        self._predicting = False
        self.scorer = Scorer(self)
        self.scorer.signals.scored.connect(self._on_scored)
        self.scorer.signals.progressed.connect(self._on_scoring_progress)
        self.scorer.signals.done.connect(self._on_scoring_done)
        self._job = 0  # the scoring job whose results the table waits for (0: none)
        self._training: tuple[str, str] = ("", "")  # the version a retraining makes, and its progress in words
        self._versions: dict[int, object] = {}
        self._evaluation = None
        buttons = QHBoxLayout()
        for button in (self.activate_button, self.delete_button, self.export_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        session.projectChanged.connect(lambda: self.refresh())
        self.refresh()

    @property
    def scoring(self) -> bool:
        """Whether scores are still being measured for the table."""
        return self._job != 0

    def refresh(self, select: int | None = None) -> None:
        """List the versions again, selecting ``select`` (default: the active version); versions without a
        score on today's evaluation set are scored in the worker and fill in when done."""
        self.scorer.cancel()
        self._job = 0
        self.tree.clear()
        project = self.session.project
        versions = project.model_versions() if project is not None else []
        self._versions = {version.id: version for version in versions}
        scores = self._cached_scores(project) if versions else {}
        for version in reversed(versions):
            item = self._version_item(version, scores.get(version.id, SCORING if self._evaluation else None))
            self.tree.addTopLevelItem(item)
            if version.id == select or (select is None and version.active):
                self.tree.setCurrentItem(item)
        self._show_training_row()
        self._update_buttons()
        missing = [(version.id, version.bundle_path) for version in versions if version.id not in scores]
        if self._evaluation is not None and missing:
            self._start_scoring(missing)
        else:
            self.progress.setVisible(self._predicting)

    def _cached_scores(self, project) -> dict[int, EvaluationScore | str]:
        """The scores known without predicting: cached ones, and why a model of another script is not scored."""
        evaluation = evaluation_set(project)
        self.tree.headerItem().setToolTip(1, f"Scores on today's evaluation set: {evaluation.describe()}")
        self._evaluation = evaluation if evaluation.documents else None
        if self._evaluation is None:
            return {}
        known: dict[int, EvaluationScore | str] = {}
        for version_id, version in self._versions.items():
            score = other_script_reason(version, evaluation) or cached_score(project, version_id,
                                                                                          evaluation)
            if score is not None:
                known[version_id] = score
        return known

    def _start_scoring(self, bundles: list) -> None:
        self.progress.setRange(0, len(bundles))
        self.progress.setValue(0)
        self.progress.setFormat(f"scoring 0 / {len(bundles)} versions on the evaluation set")
        self.progress.setVisible(True)
        self._job = self.scorer.start(bundles, self._evaluation)

    def _on_scored(self, job: int, version_id: int, score: EvaluationScore | str) -> None:
        project, version = self.session.project, self._versions.get(version_id)
        if job != self._job or project is None or version is None:
            return
        if isinstance(score, EvaluationScore):
            remember_score(project, version_id, score)
        for row in range(self.tree.topLevelItemCount()):
            old = self.tree.topLevelItem(row)
            if old.data(0, MODEL_ID_ROLE) == version_id:
                was_current = self.tree.currentItem() is old
                self.tree.takeTopLevelItem(row)
                item = self._version_item(version, score)
                self.tree.insertTopLevelItem(row, item)
                if was_current:
                    self.tree.setCurrentItem(item)

    def _on_scoring_progress(self, job: int, done: int, total: int) -> None:
        if job == self._job:
            self.progress.setValue(done)
            self.progress.setFormat(f"scoring {done} / {total} versions on the evaluation set")

    def _on_scoring_done(self, job: int) -> None:
        if job == self._job:
            self._job = 0
            self.progress.setVisible(self._predicting)

    def show_prediction_progress(self, done: int, total: int) -> None:
        """The prediction of the unreviewed documents after an activation, with its Cancel; (-1, -1) when it
        ended. Scores being measured for the table show first: they are the shorter job."""
        self._predicting = total >= 0
        self.cancel_button.setVisible(self._predicting)
        if self.scoring:
            return
        self.progress.setVisible(self._predicting)
        if self._predicting:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.progress.setFormat(f"predicting the unreviewed documents: {done} / {total}" if total else
                                    "reading the unreviewed documents…")

    def show_training(self, version: str, words: str) -> None:
        """A row at the top for the version a retraining is making (``v3 training… step 120 · 1:10 of at most
        4:40``), following the Retrain panel's bar; ("", "") takes it away (registered versions are listed again
        by ``refresh``)."""
        self._training = (version, words)
        self._show_training_row()

    def _show_training_row(self) -> None:
        first = self.tree.topLevelItem(0)
        row = first if first is not None and first.data(0, TRAINING_ROLE) else None
        version, words = self._training
        if not words:
            if row is not None:
                self.tree.takeTopLevelItem(0)
            return
        if row is None:
            row = QTreeWidgetItem()
            row.setData(0, TRAINING_ROLE, True)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled)  # nothing to activate, delete or export yet
            font = QFont(row.font(0))
            font.setItalic(True)
            row.setFont(0, font)
            self.tree.insertTopLevelItem(0, row)
            row.setFirstColumnSpanned(True)
        row.setText(0, training_words(version, words))
        row.setToolTip(0, f"{version}: a retraining is making this version; it is listed with its scores once "
                          "registered (the Retrain panel shows its progress)")

    def _fit_columns(self) -> None:
        """The numbers as wide as they and their headers are, the names the rest (cut short with "…", whole in
        the tooltip): the table never hides a column to the right."""
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column, tip in enumerate(HEADER_TIPS):
            self.tree.headerItem().setToolTip(column, tip)

    def _version_item(self, version, score: EvaluationScore | str | None) -> QTreeWidgetItem:
        documents = version.trained_on.get("train_documents") or version.trained_on.get("documents", "")
        name = ("● " if version.active else "") + short_name(version.name)  # the whole name is in the tooltip
        scored = score if isinstance(score, EvaluationScore) else None
        pending = score == SCORING
        numbers = _row(scored.f1, scored.precision, scored.recall, scored.gold_spans) if scored else \
            [SCORING if pending else "–", "", "", ""]
        item = QTreeWidgetItem([name, *numbers, str(documents)])
        item.setData(0, MODEL_ID_ROLE, version.id)
        why = "" if scored or pending else score if isinstance(score, str) else \
            "no evaluation set yet: review documents"
        item.setToolTip(0, "\n".join(filter(None, [version.name, f"created {version.created[:19]}",
                                                   str(version.bundle_path),
                                                   version.settings.get("start_description", ""), why])))
        if version.active:
            font = QFont(item.font(0))
            font.setBold(True)
            item.setFont(0, font)
        labels = self.session.labels
        for label, row in sorted((scored.per_label if scored else {}).items()):
            title = labels.get(label).title if label in labels else label
            child = QTreeWidgetItem([title, *_row(row.get("f1"), row.get("precision"), row.get("recall"),
                                                  row.get("support")), ""])
            child.setToolTip(0, title)  # whole, where the column cuts it short
            item.addChild(child)
        return item

    def selected_id(self) -> int | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return None if item is None else item.data(0, MODEL_ID_ROLE)

    def select(self, model_id: int) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.data(0, MODEL_ID_ROLE) == model_id:
                self.tree.setCurrentItem(item)

    def _update_buttons(self) -> None:
        model_id = self.selected_id()
        version = self._versions.get(model_id) if model_id is not None else None
        inactive = version is not None and not version.active
        self.activate_button.setEnabled(inactive)
        self.delete_button.setEnabled(inactive)
        self.export_button.setEnabled(version is not None)
        self.delete_button.setToolTip(
            "Delete this version (asks first)" if inactive or version is None
            else "The active model cannot be deleted: activate another version first")

    # ------------------------------------------------------------- actions
    def activate(self, model_id: int | None = None) -> None:
        model_id = model_id if model_id is not None else self.selected_id()
        if model_id is None:
            return
        try:
            project = self.session.require_project()
            activate_version(project, model_id)
        except NerdeskError as error:
            show_error(self, error, "Cannot activate the model")
            return
        self.refresh(model_id)
        self.versionsChanged.emit()
        self.versionActivated.emit(project.active_model())

    def delete(self, model_id: int | None = None) -> None:
        model_id = model_id if model_id is not None else self.selected_id()
        if model_id is None or not self.confirm_delete(model_id):
            return
        try:
            delete_version(self.session.require_project(), model_id)
        except NerdeskError as error:
            show_error(self, error, "Cannot delete the model")
            return
        self.refresh()
        self.versionsChanged.emit()

    def confirm_delete(self, model_id: int) -> bool:
        """Ask before deleting: a version's bundle in the project's folder is gone for good, and no undo brings it
        back (a retraining can take many minutes)."""
        version, project = self._versions.get(model_id), self.session.project
        if version is None or project is None:
            return False
        name = display_name(version.name)
        if owned_by_project(project, version.bundle_path):
            question = f"Delete {name} and its model files?\n\n{version.bundle_path}\n\nThis cannot be undone."
        else:
            question = (f"Remove {name} from this project's versions?\n\nIts files stay where they are:\n"
                        f"{version.bundle_path}")
        answer = QMessageBox.question(self, "Delete model version", question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def export(self, model_id: int | None = None, folder: str | Path | None = None) -> Path | None:
        model_id = model_id if model_id is not None else self.selected_id()
        if model_id is None:
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Export the model bundle into folder")
            if not folder:
                return None
        try:
            return export_version(self.session.require_project(), model_id, folder)
        except NerdeskError as error:
            show_error(self, error, "Cannot export the model")
            return None


def training_words(version: str, words: str) -> str:
    """The row of a version being made: the Retrain panel bar's ``words`` after the version's number."""
    name = spoken_name(version)
    return f"{name} training… {words}" if words.startswith("step ") else f"{name}: {words}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def _row(f1: float | None, precision: float | None, recall: float | None, support: int | None) -> list[str]:
    if support == 0:  # no gold span of the label in the evaluation set: recall and F1 say nothing
        return ["–", _percent(precision), "–", "0"]
    return [_percent(f1), _percent(precision), _percent(recall), "" if support is None else str(support)]
