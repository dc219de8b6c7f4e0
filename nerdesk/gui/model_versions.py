"""The model versions panel: every version scored on today's evaluation set, and what to do with one.

Each row gives a version's precision, recall and F1 on the project's evaluation set as it is today
(``nerdesk.workflows.evaluation``: the same documents for every version, scores cached until the set
changes), with one child row per label. Activate (also to roll back to an older version, or to use a
version that a retraining kept inactive) makes the window predict the unreviewed documents again;
delete (not the active one; the bundle folder is removed only when it belongs to the project) and
export (copy the bundle to a folder). The logic lives in ``nerdesk.workflows``; this widget lists and asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.errors import NerdeskError
from nerdesk.gui.errors import show_error
from nerdesk.gui.session import ProjectSession
from nerdesk.workflows.evaluation import EvaluationScore, version_scores
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.retrain import display_name
from nerdesk.workflows.versions import activate_version, delete_version, export_version

COLUMNS = ("Version / label", "F1", "P", "R", "Gold", "Trained on")
MODEL_ID_ROLE = Qt.ItemDataRole.UserRole


class ModelVersionsPanel(QWidget):
    versionActivated = Signal(object)  # the ModelVersion now active
    versionsChanged = Signal()

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.activate_button = QPushButton("Activate", clicked=lambda: self.activate())
        self.activate_button.setToolTip("Use this version for predictions (roll back to an older one)")
        self.delete_button = QPushButton("Delete", clicked=lambda: self.delete())
        self.export_button = QPushButton("Export…", clicked=lambda: self.export())
        self.export_button.setToolTip("Copy the model bundle to a folder, to share or deploy it")
        buttons = QHBoxLayout()
        for button in (self.activate_button, self.delete_button, self.export_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        session.projectChanged.connect(lambda: self.refresh())
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """List the versions again, selecting ``select`` (default: the active version)."""
        self.tree.clear()
        project = self.session.project
        versions = project.model_versions() if project is not None else []
        scores = self._scores(project) if versions else {}
        for version in reversed(versions):
            item = self._version_item(version, scores.get(version.id))
            self.tree.addTopLevelItem(item)
            if version.id == select or (select is None and version.active):
                self.tree.setCurrentItem(item)
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        self._update_buttons()

    def _scores(self, project) -> dict[int, EvaluationScore | str]:
        evaluation = evaluation_set(project)
        self.tree.headerItem().setToolTip(1, f"Scores on today's evaluation set: {evaluation.describe()}")
        if not evaluation.documents:
            return {}
        return version_scores(project, evaluation)

    def _version_item(self, version, score: EvaluationScore | str | None) -> QTreeWidgetItem:
        documents = version.trained_on.get("train_documents") or version.trained_on.get("documents", "")
        name = ("● " if version.active else "") + display_name(version.name)  # the hash is in the tooltip
        scored = score if isinstance(score, EvaluationScore) else None
        numbers = _row(scored.f1, scored.precision, scored.recall, scored.gold_spans) if scored else ["–", "", "", ""]
        item = QTreeWidgetItem([name, *numbers, str(documents)])
        item.setData(0, MODEL_ID_ROLE, version.id)
        why = score if isinstance(score, str) else "" if scored else "no evaluation set yet: review documents"
        item.setToolTip(0, "\n".join(filter(None, [version.name, f"created {version.created[:19]}",
                                                   str(version.bundle_path),
                                                   version.settings.get("start_description", ""), why])))
        if version.active:
            font = QFont(item.font(0))
            font.setBold(True)
            item.setFont(0, font)
        for label, row in sorted((scored.per_label if scored else {}).items()):
            item.addChild(QTreeWidgetItem([label, *_row(row.get("f1"), row.get("precision"), row.get("recall"),
                                                        row.get("support")), ""]))
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
        has_selection = self.selected_id() is not None
        for button in (self.activate_button, self.delete_button, self.export_button):
            button.setEnabled(has_selection)

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
        if model_id is None:
            return
        try:
            delete_version(self.session.require_project(), model_id)
        except NerdeskError as error:
            show_error(self, error, "Cannot delete the model")
            return
        self.refresh()
        self.versionsChanged.emit()

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


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def _row(f1: float | None, precision: float | None, recall: float | None, support: int | None) -> list[str]:
    return [_percent(f1), _percent(precision), _percent(recall), "" if support is None else str(support)]
