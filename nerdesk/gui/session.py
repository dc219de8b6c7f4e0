"""The window's side of the editing session: Qt signals for the views and a ``QUndoStack`` for the Edit menu.

The state and every change live in ``nerdesk.workflows.session.EditingSession`` (Qt-free, tested without a
QApplication); this adapter forwards the widgets' calls to it, turns what it reports into signals and
mirrors its undo history in ``undo_stack``. Widgets never talk to the store directly, so every change
of spans or labels goes through one path, written at once to the project file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nerdesk.core.document import Document, Status
from nerdesk.core.edits import Edit
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


Scope = Callable[..., "Iterable[int] | None"]  # the documents a call may change; None: any of them


def _open_document(session: ProjectSession, *_args: Any, **_kwargs: Any) -> list[int]:
    return [] if session.doc_id is None else [session.doc_id]


def _edited_documents(_session: ProjectSession, edit: Edit, *_args: Any, **_kwargs: Any) -> set[int]:
    return edit.documents


def _any_document(_session: ProjectSession, *_args: Any, **_kwargs: Any) -> None:
    return None


def _forward_keeping_statuses(name: str, scope: Scope) -> Callable[..., Any]:
    """Like ``_forward``, and the undo step it adds puts back exactly the review statuses it changed."""
    target = getattr(EditingSession, name)

    @functools.wraps(target)
    def method(self: ProjectSession, *args: Any, **kwargs: Any) -> Any:
        project, doc_ids = self.project, scope(self, *args, **kwargs)
        before = {} if project is None else project.document_statuses(doc_ids)
        pushes = self._pushes
        result = target(self.editing, *args, **kwargs)
        if project is not None and self._pushes != pushes and self._last_command is not None:
            self._last_command.keep_statuses(before, project.document_statuses(doc_ids), self._write_statuses)
        return result

    return method


class ProjectSession(QObject):
    projectChanged = Signal()  # a project was opened or closed
    documentChanged = Signal()  # another document (or none) is open
    spansChanged = Signal(int)  # the spans of this document changed
    labelsChanged = Signal()
    documentsChanged = Signal()  # statuses, counts or the set of documents changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.editing = EditingSession(_SignalRelay(self))
        self._pushes = 0  # undo steps added so far
        self._last_command: HistoryStepCommand | None = None

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
    push = _forward_keeping_statuses("push", _edited_documents)
    add_span = _forward_keeping_statuses("add_span", _open_document)
    delete_spans = _forward_keeping_statuses("delete_spans", _open_document)
    relabel = _forward_keeping_statuses("relabel", _open_document)
    resize = _forward_keeping_statuses("resize", _open_document)
    accept = _forward_keeping_statuses("accept", _open_document)
    reject = _forward_keeping_statuses("reject", _open_document)
    accept_all = _forward_keeping_statuses("accept_all", _any_document)
    refresh_labels = _forward("refresh_labels")
    add_label = _forward("add_label")
    update_label = _forward("update_label")
    delete_label = _forward_keeping_statuses("delete_label", _any_document)
    merge_labels = _forward_keeping_statuses("merge_labels", _any_document)
    mark_reviewed = _forward_keeping_statuses("mark_reviewed", _open_document)

    def _write_statuses(self, statuses: Mapping[int, str]) -> None:
        """Put review statuses back (undo and redo of a step that changed them) and show them."""
        project = self.editing.project
        if project is None:
            return
        for status in set(statuses.values()):
            project.set_status([doc_id for doc_id, value in statuses.items() if value == status], status)
        document = self.editing.document
        if document is not None and document.id is not None and document.id in statuses:
            document.status = cast(Status, statuses[document.id])
        self.documentsChanged.emit()


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
        command = HistoryStepCommand(self.session.editing.history, step.text)
        self.session._pushes += 1
        self.session._last_command = command
        self.session.undo_stack.push(command)

    def history_cleared(self) -> None:
        self.session._last_command = None
        self.session.undo_stack.clear()
