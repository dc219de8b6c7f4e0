"""The window's side of the editing session: Qt signals for the views and a ``QUndoStack`` for the Edit menu.

The state and every change live in ``nerdesk.workflows.session.EditingSession`` (Qt-free, tested without a
QApplication); this adapter forwards the widgets' calls to it, turns what it reports into signals and
mirrors its undo history in ``undo_stack``. Widgets never talk to the store directly, so every change
of spans or labels goes through one path, written at once to the project file.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nerdesk.core.document import Document
from nerdesk.core.labels import LabelSet
from nerdesk.gui.undo_commands import HistoryStepCommand
from nerdesk.storage.project import Project
from nerdesk.workflows.history import Step
from nerdesk.workflows.session import EditingSession, SessionListener


def _forward(name: str):
    """A ``ProjectSession`` method that runs the editing session's method of the same name."""
    target = getattr(EditingSession, name)

    @functools.wraps(target)
    def method(self: ProjectSession, *args, **kwargs):
        return target(self.editing, *args, **kwargs)

    return method


class ProjectSession(QObject):
    projectChanged = Signal()  # a project was opened or closed
    documentChanged = Signal()  # another document (or none) is open
    spansChanged = Signal(int)  # the spans of this document changed
    labelsChanged = Signal()
    documentsChanged = Signal()  # statuses, counts or the set of documents changed
    historyStepping = Signal()  # an undo or redo is about to run

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.editing = EditingSession(_SignalRelay(self))

    @property
    def project(self) -> Project | None:
        return self.editing.project

    @property
    def document(self) -> Document | None:
        return self.editing.document

    @property
    def labels(self) -> LabelSet:
        return self.editing.labels

    @property
    def doc_id(self) -> int | None:
        return self.editing.doc_id

    open_project = _forward("open_project")
    close_project = _forward("close_project")
    require_project = _forward("require_project")
    open_document = _forward("open_document")
    current_document = _forward("current_document")
    add_documents = _forward("add_documents")
    store_predictions = _forward("store_predictions")
    set_status = _forward("set_status")
    set_evaluation_only = _forward("set_evaluation_only")
    push = _forward("push")
    add_span = _forward("add_span")
    delete_spans = _forward("delete_spans")
    relabel = _forward("relabel")
    resize = _forward("resize")
    accept = _forward("accept")
    reject = _forward("reject")
    accept_all = _forward("accept_all")
    refresh_labels = _forward("refresh_labels")
    add_label = _forward("add_label")
    update_label = _forward("update_label")
    delete_label = _forward("delete_label")
    merge_labels = _forward("merge_labels")
    mark_reviewed = _forward("mark_reviewed")


class _SignalRelay(SessionListener):
    """Turns what the editing session reports into the adapter's signals and undo-stack entries."""

    def __init__(self, session: ProjectSession) -> None:
        self.session = session

    def project_changed(self) -> None:
        self.session.projectChanged.emit()

    def document_changed(self) -> None:
        self.session.documentChanged.emit()

    def spans_changed(self, doc_id: int) -> None:
        self.session.spansChanged.emit(doc_id)

    def labels_changed(self) -> None:
        self.session.labelsChanged.emit()

    def documents_changed(self) -> None:
        self.session.documentsChanged.emit()

    def step_added(self, step: Step) -> None:
        self.session.undo_stack.push(HistoryStepCommand(self.session.editing.history, step.text,
                                                        self.session.historyStepping.emit))

    def history_cleared(self) -> None:
        self.session.undo_stack.clear()
