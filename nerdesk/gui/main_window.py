"""The main window: lays out the panels around the annotation view and connects them to the session.

State lives in ``ProjectSession``; each panel is its own widget module; this module wires them
together and runs the user's commands (dialogs, long work with progress, errors as message boxes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QWidget

from nerdesk.core.errors import NerdeskError
from nerdesk.core.wording import counted
from nerdesk.gui.accept_dialog import AcceptAllDialog
from nerdesk.gui.annotation_view import AnnotationView
from nerdesk.gui.dock_widths import RightColumnHeights, TextRoomKeeper
from nerdesk.gui.document_list import DocumentListPanel
from nerdesk.gui.errors import reporting_errors, show_error
from nerdesk.gui.keys_dialog import KeysDialog, shortcut_lines
from nerdesk.gui.label_commands import LabelCommands
from nerdesk.gui.label_palette import LabelPalette
from nerdesk.gui.model_panel import ModelPanel
from nerdesk.gui.model_versions import ModelVersionsPanel
from nerdesk.gui.outside_watch import OutsideChangesWatch
from nerdesk.gui.panes import PaneKeys
from nerdesk.gui.prediction_commands import PredictionCommands
from nerdesk.gui.prediction_worker import PredictionWorker
from nerdesk.gui.preferences import Preferences, RecentProjects
from nerdesk.gui.project_switch import CLOSE, CREATE, OPEN, may_leave_project
from nerdesk.gui.read_only_mark import ReadOnlyMark
from nerdesk.gui.retrain_panel import RetrainPanel
from nerdesk.gui.review import ReviewFlow
from nerdesk.gui.session import ProjectSession
from nerdesk.gui.span_tree import SpanTree
from nerdesk.gui.status_bar import ElidingStatusBar
from nerdesk.gui.transfer import ImportExport
from nerdesk.gui.window_actions import build_actions
from nerdesk.gui.window_preferences import PreferenceCommands
from nerdesk.workflows.review_policy import POLICY_DESCRIPTIONS
from nerdesk.workflows.token_snap import TokenSnapper, snapper_for_bundle
from nerdesk.workflows.version_names import spoken_name

PROJECT_FILTER = "nerdesk projects (*.nerdesk);;All files (*)"
DOCUMENTS_WIDTH, PANELS_WIDTH = 330, 380  # pixels, of the left and right docks at the default window size


def _keys(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


class MainWindow(LabelCommands, PredictionCommands, PreferenceCommands, PaneKeys, QMainWindow):
    def __init__(self, settings: QSettings | None = None, preferences_path: str | Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nerdeskMainWindow")
        self.settings = settings or QSettings()
        self.preferences_path = Path(preferences_path) if preferences_path else Preferences.default_path()
        self.preferences = Preferences.load(self.preferences_path)
        self.recent = RecentProjects(self.settings)
        self.session = ProjectSession(self)
        self.view = AnnotationView()
        self.documents = DocumentListPanel(self.session)
        self.palette = LabelPalette(self.session)
        self.span_tree = SpanTree()
        self.model_panel = ModelPanel(self.session)
        self.retrain_panel = RetrainPanel(self.session)
        self.versions_panel = ModelVersionsPanel(self.session)
        self.transfer = ImportExport(self)
        self.worker: PredictionWorker | None = None
        self.setCentralWidget(self.view)
        self.setStatusBar(ElidingStatusBar())
        self.actions = build_actions(self)
        self.review = ReviewFlow(self)
        self.script_warning = QLabel("⚠ Model and document scripts differ", objectName="scriptWarning",
                                     visible=False)
        self.statusBar().insertPermanentWidget(0, self.script_warning)
        self.read_only_mark = ReadOnlyMark(self, self.session)
        self._add_docks()
        self._connect()
        self._apply_preferences()
        self._update_title()
        self._fill_recent_menu()
        self.restoreGeometry(self.settings.value("window/geometry", QByteArray()))
        self._dock_widths_to_set = not self.restoreState(self.settings.value("window/state", QByteArray()))

    # ------------------------------------------------------------------ layout
    def _add_docks(self) -> None:
        docks = {}
        for title, widget, area in (("Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea),
                                    ("Labels", self.palette, Qt.DockWidgetArea.RightDockWidgetArea),
                                    ("Spans", self.span_tree, Qt.DockWidgetArea.RightDockWidgetArea),
                                    ("Model", self.model_panel, Qt.DockWidgetArea.RightDockWidgetArea),
                                    ("Retrain", self.retrain_panel, Qt.DockWidgetArea.RightDockWidgetArea),
                                    ("Model versions", self.versions_panel, Qt.DockWidgetArea.RightDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{title.lower()}Dock")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.view_menu.addAction(dock.toggleViewAction())
            docks[title] = dock
        # The model, retraining and versions share one tabbed place so labels and spans keep their room.
        self.tabifyDockWidget(docks["Model"], docks["Retrain"])
        self.tabifyDockWidget(docks["Model"], docks["Model versions"])
        docks["Model"].raise_()
        self.resize(1280, 800)
        self._side_docks = (docks["Documents"], docks["Labels"])
        self._right_stack = (docks["Labels"], docks["Spans"], docks["Model"])
        self.text_room = TextRoomKeeper(self, self._side_docks)
        self.right_column = RightColumnHeights(self, self._right_stack, self.palette.table, self.span_tree)
        self.outside = OutsideChangesWatch(self)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Without a saved layout, the side docks take their default widths: room for the scores and names of
        the right-hand panels (set once the window is laid out; before, the main window shares out more)."""
        super().showEvent(event)
        if self._dock_widths_to_set:
            self._dock_widths_to_set = False
            self.resizeDocks(list(self._side_docks), [DOCUMENTS_WIDTH, PANELS_WIDTH], Qt.Orientation.Horizontal)
            self.right_column.share(len(self.session.labels))
            self.session.projectChanged.connect(lambda: self.right_column.share(len(self.session.labels)))
        self.text_room.resized()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.text_room.resized()

    def _connect(self) -> None:
        session, view = self.session, self.view
        session.documentChanged.connect(self._show_document)
        session.spansChanged.connect(self._show_spans)
        session.labelsChanged.connect(lambda: view.set_labels(session.labels))
        session.labelsChanged.connect(self._show_current_spans)
        session.projectChanged.connect(self._update_title)
        session.documentsChanged.connect(lambda: self.view.set_hint(self._hint()))
        session.undo_stack.indexChanged.connect(lambda _i: self._update_title())
        self.documents.documentActivated.connect(self.open_document)
        self.documents.searchAccepted.connect(self._open_for_editing)
        self.documents.searchLeft.connect(self.view.setFocus)
        for signal, slot in ((view.labelRequested, session.add_span), (view.relabelRequested, session.relabel),
                             (view.deleteRequested, session.delete_spans), (view.acceptRequested, session.accept),
                             (view.rejectRequested, session.reject), (view.resizeRequested, session.resize)):
            signal.connect(lambda *args, slot=slot: self._run(slot, *args))
        view.spanSelected.connect(self.span_tree.select)
        view.spanSelected.connect(self._describe_selection)
        for notices in (view.noticeRequested, self.documents.noticeRequested):  # why a key did nothing
            notices.connect(lambda message: self.statusBar().showMessage(message, 6000))
        self.span_tree.spanSelected.connect(view.select_span)
        self.span_tree.editing_keys = view.handle_editing_key
        self.palette.applyRequested.connect(self._apply_label_from_palette)
        self.palette.addRequested.connect(self.add_label)
        self.palette.editRequested.connect(self.edit_label)
        self.palette.mergeRequested.connect(self.merge_label)
        self.palette.deleteRequested.connect(self.delete_label)
        self.model_panel.thresholdChanged.connect(view.set_min_score)
        self.model_panel.thresholdChanged.connect(self.documents.model.set_min_score)
        self.model_panel.thresholdChanged.connect(self.palette.set_min_score)
        self.model_panel.thresholdChanged.connect(lambda _score: self._show_current_spans())
        self.model_panel.thresholdChanged.connect(self._remember_min_score)
        self.model_panel.loadRequested.connect(self.load_model)
        self.model_panel.predictDocumentRequested.connect(self.predict_document)
        self.model_panel.predictAllRequested.connect(self.predict_all)
        self.model_panel.cancelRequested.connect(self.cancel_prediction)
        self.model_panel.scriptMismatchChanged.connect(self._show_script_warning)
        self.model_panel.canPredictChanged.connect(self._enable_prediction)
        view.token_snapper_source = self._active_model_snapper
        self.model_panel.useModelRequested.connect(self.load_model)
        self._connect_retraining()
        session.historyStepping.connect(view.forget_last_change)  # what the step changes is then shown alone
        self.actions.undo.triggered.connect(lambda: self._show_history_step("Undone", session.undo_stack.redoText()))
        self.actions.redo.triggered.connect(lambda: self._show_history_step("Redone", session.undo_stack.undoText()))

    def _show_history_step(self, done: str, text: str) -> None:
        """After Ctrl+Z or Ctrl+Shift+Z (run before this slot): show the spans it changed and say what it was, so
        that a change out of sight is not undone twice."""
        if text:
            self.view.show_last_change()
            self.statusBar().showMessage(f"{done}: {text}", 6000)

    def _run(self, function, *args, **kwargs):
        """Run a user command; a NerdeskError becomes a message box."""
        with reporting_errors(self):
            return function(*args, **kwargs)

    # ---------------------------------------------------------------- projects
    def new_project(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "New project", "", PROJECT_FILTER)
            if not path:
                return
            path = path if path.endswith(".nerdesk") else path + ".nerdesk"
        self._open(path, create=True)

    def open_project(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
            if not path:
                return
        self._open(path, create=False)

    def _open(self, path: str | Path, *, create: bool) -> None:
        if not may_leave_project(self, CREATE if create else OPEN, path):  # a retraining of this one asks first
            return
        with reporting_errors(self, "Cannot open the project"):
            self.session.open_project(path, create=create)
            self.recent.add(path)
            self._fill_recent_menu()
            first = self.documents.model.doc_id(0)
            if first is not None:
                self.open_document(first)

    def close_project(self) -> None:
        if may_leave_project(self, CLOSE):
            self.session.close_project()

    def _fill_recent_menu(self) -> None:
        menu = self.actions.recent_menu
        menu.clear()
        for path in self.recent.paths():
            menu.addAction(path, lambda p=path: self.open_project(p))
        menu.setEnabled(bool(self.recent.paths()))

    def open_document(self, doc_id: int) -> None:
        self._run(self.session.open_document, doc_id)

    def _open_for_editing(self, doc_id: int) -> None:
        """Open ``doc_id`` (unless it is open) and give the keyboard to the text."""
        if doc_id != self.session.doc_id:
            self.open_document(doc_id)
        self.view.setFocus()

    def step_document(self, step: int) -> None:
        model = self.documents.model
        doc_id = self.session.doc_id
        target = model.next_doc_id(doc_id) if step > 0 else model.previous_doc_id(doc_id)
        if target is not None:
            self.open_document(target)

    def mark_reviewed_and_next(self) -> None:
        """Ctrl+Enter: settle pending predictions by the chosen policy, mark reviewed, open the next."""
        self.review.mark_reviewed_and_next()

    # ----------------------------------------------------------------- showing
    def _show_document(self) -> None:
        document = self.session.document
        self.view.set_labels(self.session.labels)
        self.view.set_document(document.text if document else "", document.spans if document else [])
        self._show_current_spans()
        self._update_title()
        self.view.setFocus()

    def _show_spans(self, doc_id: int) -> None:
        if doc_id == self.session.doc_id and self.session.document is not None:
            self.view.set_spans(self.session.document.spans)
            self._show_current_spans()

    def _show_current_spans(self) -> None:
        """The Spans tree lists what the view draws (no hidden predictions, no predicted twins of gold)."""
        colors = {label.name: label.color for label in self.session.labels}
        self.span_tree.item_model.titles = {label.name: label.title for label in self.session.labels}
        self.span_tree.set_spans(self.view.text, self.view.spans, colors)
        self.span_tree.select(self.view.selected_span())

    def _describe_selection(self, span) -> None:
        if span is None:
            self.statusBar().clearMessage()
        else:
            self.statusBar().showMessage(self.view.describe(span))

    def _show_script_warning(self, message: str) -> None:
        """A lasting mark in the status bar while the active model is for another script than the document."""
        self.script_warning.setToolTip(message)
        self.script_warning.setVisible(bool(message))
        if message:
            self.statusBar().showMessage(message, 12000)

    def _active_model_snapper(self) -> TokenSnapper:
        """Selections widen to the active model's tokens (to whole words without a model)."""
        project = self.session.project
        model = project.active_model() if project is not None else None
        return snapper_for_bundle(model.bundle_path if model is not None else None)

    def _update_title(self) -> None:
        project = self.session.project
        parts = ["nerdesk"]
        if project is not None:
            parts.append(Path(project.path).name + (" (read-only)" if project.read_only else ""))
        if self.session.document is not None:
            parts.append(self.session.document.title(40))
        self.setWindowTitle(" — ".join(parts))
        self._enable_project_commands(project is not None)
        self.view.set_hint(self._hint())

    def _enable_project_commands(self, has_project: bool) -> None:
        """Commands that need an open project are greyed out without one."""
        a = self.actions
        for action in (a.import_files, a.export_files, a.close_project, a.accept_all, a.mark_reviewed_next,
                       a.add_label, a.load_model, a.retrain, a.next_useful, a.next_document, a.previous_document):
            action.setEnabled(has_project)
        self._enable_prediction(self.model_panel.predict_document.isEnabled())

    def _enable_prediction(self, can_predict: bool) -> None:
        """Predict in the menu and the toolbar (Ctrl+P) as in the Model panel: greyed out without an active
        model or while a prediction runs."""
        for action in (self.actions.predict_document, self.actions.predict_all):
            action.setEnabled(can_predict)

    def _hint(self) -> str:
        """What the empty text area tells the user to do next."""
        if self.session.project is None:
            return (f"Open or create a project: File > Open project… ({_keys(self.actions.open_project)}) "
                    f"or File > New project… ({_keys(self.actions.new_project)})")
        if self.documents.model.total == 0:
            return f"Add documents: File > Import… ({_keys(self.actions.import_files)})"
        return "Pick a document in the Documents list (F6 moves between the panes)"

    # ------------------------------------------------------- import and export
    def import_files(self, paths: list[str] | None = None, format_name: str | None = None,
                     encoding: str | None = None, **options: Any) -> None:
        self.transfer.import_files(paths, format_name, encoding, **options)

    def export_files(self) -> None:
        self.transfer.export_files()

    def accept_all_predictions(self, **options) -> None:
        if not options:
            dialog = AcceptAllDialog(self.session.labels.names, self.model_panel.min_score, self)
            if dialog.exec() != AcceptAllDialog.DialogCode.Accepted:
                return
            options = dialog.options()
        with reporting_errors(self):
            count = self.session.accept_all(**options)
            self.statusBar().showMessage(f"Accepted {counted(count, 'prediction')}" if count else
                                         "No prediction to accept at that minimum score", 6000)

    # ------------------------------------------------------------------- misc
    def show_keys(self) -> None:
        policy = POLICY_DESCRIPTIONS[self.review.policy].removeprefix("Ctrl+Enter ")
        KeysDialog(shortcut_lines(list(self.session.labels), self.actions.command_keys(policy)), self).exec()

    # -------------------------------------------- retraining and active learning
    def _connect_retraining(self) -> None:
        self.model_panel.retrain.clicked.connect(self.retrain)
        self.retrain_panel.runningChanged.connect(self.model_panel.set_retraining)
        self.retrain_panel.modelActivated.connect(lambda _version: self._models_changed())
        self.versions_panel.versionActivated.connect(lambda _version: self._models_changed())
        self.versions_panel.versionActivated.connect(self.retrain_panel.predict_unreviewed)
        self.retrain_panel.versionKept.connect(lambda _version: self.versions_panel.refresh())
        self.versions_panel.versionsChanged.connect(self.model_panel.refresh)
        self.versions_panel.versionsChanged.connect(self.retrain_panel.check_kept_version)
        self.retrain_panel.predictionProgressed.connect(self.versions_panel.show_prediction_progress)
        self.retrain_panel.trainingShown.connect(self.versions_panel.show_training)
        self.versions_panel.cancelPrediction.connect(self.retrain_panel.cancel_prediction)
        self.retrain_panel.repredicted.connect(self._say_repredicted)
        self.retrain_panel.failed.connect(lambda message: show_error(self, NerdeskError(message), "Retraining failed"))

    def _say_repredicted(self, count: int) -> None:
        active = self.session.project.active_model() if self.session.project else None
        name = spoken_name(active.name) if active else "The active model"
        self.statusBar().showMessage(f"{name} active; {counted(count, 'unreviewed document')} predicted again",
                                     8000)

    def _models_changed(self) -> None:
        self.model_panel.refresh()
        self.versions_panel.refresh()

    def retrain(self) -> None:
        """Train a new model on the reviewed documents (the Retrain panel, brought to the front of its tabbed
        dock, shows progress)."""
        dock = self.retrain_panel.parentWidget()
        dock.show()
        dock.raise_()
        self.retrain_panel.retrain()

    def open_next_useful(self) -> None:
        """Open the unreviewed document the model is least sure about (active learning)."""
        from nerdesk.workflows.active_learning import next_most_useful

        with reporting_errors(self):
            doc_id = next_most_useful(self.session.require_project(), skip=[self.session.doc_id or 0])
            if doc_id is None:
                self.statusBar().showMessage("Every document is reviewed", 6000)
                return
            self.session.open_document(doc_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.retrain_panel.may_close(self.confirm):  # a training running is stopped only if the user says so
            event.ignore()
            return
        self.retrain_panel.shutdown()
        self.cancel_prediction(wait=True)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.preferences.font_size = self.view.font().pointSizeF()
        self.save_preferences()
        self.session.close_project()
        super().closeEvent(event)
