"""The open project, the open document and the undo stack: the state behind every widget.

Widgets read from the session and call its methods; they never talk to the store directly, so
every change of spans or labels goes through one path (an undoable command written at once to the
project file: there is no Save button and nothing is lost if the app is killed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nerdesk.core import edits
from nerdesk.core.document import Document
from nerdesk.core.edits import Edit
from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.spans import PRED, Span
from nerdesk.gui.undo_commands import (
    DocumentValuesCommand,
    EditCommand,
    LabelAddCommand,
    LabelRemoveCommand,
    LabelUpdateCommand,
    status_command,
)
from nerdesk.storage.project import Project
from nerdesk.workflows import span_edits
from nerdesk.workflows.evaluation_set import EVALUATION_SPLIT, TRAINING_SPLIT
from nerdesk.workflows.label_edits import delete_label_edit, merge_label_edit


class ProjectSession(QObject):
    projectChanged = Signal()  # a project was opened or closed
    documentChanged = Signal()  # another document (or none) is open
    spansChanged = Signal(int)  # the spans of this document changed
    labelsChanged = Signal()
    documentsChanged = Signal()  # statuses, counts or the set of documents changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.document: Document | None = None
        self.labels = LabelSet()
        self.undo_stack = QUndoStack(self)

    # ---------------------------------------------------------------- project
    def open_project(self, path: str | Path, *, create: bool = False) -> None:
        project = Project.create(path) if create else Project.open(path)
        self.close_project()
        self.project = project
        self.labels = project.label_set()
        self.projectChanged.emit()
        self.labelsChanged.emit()
        self.documentsChanged.emit()

    def close_project(self) -> None:
        if self.project is None:
            return
        self.undo_stack.clear()
        self.document = None
        self.project.close()
        self.project = None
        self.labels = LabelSet()
        self.documentChanged.emit()
        self.projectChanged.emit()

    def require_project(self) -> Project:
        if self.project is None:
            raise ProjectError("no project is open; create one with File > New project or open one")
        return self.project

    # -------------------------------------------------------------- documents
    def open_document(self, doc_id: int | None) -> None:
        self.document = None if doc_id is None else self.require_project().document(doc_id)
        self.documentChanged.emit()

    @property
    def doc_id(self) -> int | None:
        return None if self.document is None else self.document.id

    def _reload_spans(self, doc_id: int) -> None:
        if self.document is not None and self.document.id == doc_id:
            self.document.spans = self.require_project().spans(doc_id)
        self.spansChanged.emit(doc_id)

    def _follow_edit(self, doc_id: int, edit: Edit) -> None:
        """After the store applied ``edit``: the open document applies it to its spans in memory, as the
        store did in SQL (``core.edits.apply_to_spans``), instead of reading thousands of spans back."""
        if self.document is None or self.document.id != doc_id:
            self.spansChanged.emit(doc_id)
            return
        for change in edit.changes:
            if change.doc_id == doc_id:
                self.document.spans = edits.apply_to_spans(self.document.spans, change)
        self.spansChanged.emit(doc_id)

    def set_status(self, doc_ids: Sequence[int], status: str) -> None:
        """Change the review status of documents; one undo step restores each one's previous status."""
        project = self.require_project()
        before = {doc_id: project.document(doc_id).status for doc_id in doc_ids}
        self.write_statuses({doc_id: status for doc_id in doc_ids})
        self.undo_stack.push(status_command(self, before, status))

    def write_statuses(self, statuses: dict[int, str]) -> None:
        self._write_document_field("status", statuses, self.require_project().set_status)

    def set_evaluation_only(self, doc_ids: Sequence[int], evaluation_only: bool) -> None:
        """Keep documents for scoring models only (never trained on), or give them back to training.

        A document given back is marked ``train`` so that the automatic evaluation set never picks it again.
        """
        project = self.require_project()
        before = {doc_id: project.document(doc_id).split for doc_id in doc_ids}
        split = EVALUATION_SPLIT if evaluation_only else TRAINING_SPLIT
        noun = "document" if len(before) == 1 else f"{len(before)} documents"
        what = "evaluation only" if evaluation_only else "for training"
        self.write_splits({doc_id: split for doc_id in doc_ids})
        self.undo_stack.push(DocumentValuesCommand(f"mark {noun} {what}", before, split, self.write_splits))

    def write_splits(self, splits: dict[int, str | None]) -> None:
        self._write_document_field("split", splits, self.require_project().set_split)

    def _write_document_field(self, field: str, values: dict[int, str | None], store) -> None:
        """Store a per-document value (one call per distinct value) and keep the open document in step."""
        for value in set(values.values()):
            store([doc_id for doc_id, v in values.items() if v == value], value)
        if self.document is not None and self.document.id in values:
            setattr(self.document, field, values[self.document.id])
        self.documentsChanged.emit()

    def add_documents(self, documents: Sequence[Document], progress=None) -> list[int]:
        ids = self.require_project().add_documents(documents, progress=progress)
        self.refresh_labels()
        self.documentsChanged.emit()
        return ids

    def store_predictions(self, results: Sequence[tuple[int, list[Span]]], model_version: str) -> None:
        """Replace the predictions of each document (not undoable: it is a model run, not an edit)."""
        self.require_project().replace_predictions_many(results, model_version)
        if any(doc_id == self.doc_id for doc_id, _ in results):
            self._reload_spans(self.doc_id)
        self.refresh_labels()
        self.documentsChanged.emit()

    # ------------------------------------------------------------------ edits
    def push(self, edit: Edit) -> None:
        """Apply ``edit`` to the project now and put it on the undo stack."""
        if edit.is_empty:
            return
        self.write_edit(edit, reveal=False)
        self.undo_stack.push(EditCommand(self, edit))

    def write_edit(self, edit: Edit, *, reveal: bool) -> None:
        """Write an edit; with ``reveal``, open the document it touched so the user sees the change."""
        self.require_project().apply_edit(edit)
        touched = sorted(edit.documents)
        if reveal and len(touched) == 1 and touched[0] != self.doc_id:
            self.open_document(touched[0])
        for doc_id in touched:
            self._follow_edit(doc_id, edit)
        if any(span.label not in self.labels for change in edit.changes for span in change.added):
            self.refresh_labels()
        self.documentsChanged.emit()

    def current_document(self) -> Document:
        """The open document; raises ``ProjectError`` when none is open."""
        return self._current()

    def _current(self) -> Document:
        if self.document is None or self.document.id is None:
            raise ProjectError("no document is open; pick one in the document list")
        return self.document

    def add_span(self, start: int, end: int, label: str) -> None:
        """Add a gold span; a prediction with the same range and label is consumed."""
        document = self._current()
        self.push(span_edits.add_gold(document.id, Span(start, end, label), document.spans))

    def delete_spans(self, spans: Sequence[Span]) -> None:
        if spans:
            self.push(edits.delete_spans(self._current().id, list(spans)))

    def relabel(self, span: Span, label: str) -> None:
        """Relabel a span; a relabelled prediction becomes gold."""
        document = self._current()
        self.push(span_edits.relabel_to_gold(document.id, span, label, document.spans))

    def resize(self, span: Span, start: int, end: int) -> None:
        """Move a span's boundaries; a resized prediction becomes gold."""
        document = self._current()
        self.push(span_edits.resize_to_gold(document.id, span, start, end, len(document.text), document.spans))

    def accept(self, predictions: Sequence[Span]) -> None:
        document = self._current()
        if predictions:
            self.push(edits.accept_predictions(document.id, list(predictions), document.spans))

    def reject(self, predictions: Sequence[Span]) -> None:
        if predictions:
            self.push(edits.reject_predictions(self._current().id, list(predictions)))

    def accept_all(self, *, min_score: float = 0.0, label: str | None = None,
                   all_documents: bool = False) -> int:
        """Accept every prediction scoring at least ``min_score`` (of one label if given); one undo step."""
        project = self.require_project()
        doc_ids = project.document_ids(label=label) if all_documents else [self._current().id]
        per_document = []
        for doc_id in doc_ids:
            spans = project.spans(doc_id)
            chosen = [s for s in spans if s.source == PRED and (label is None or s.label == label)
                      and (s.score is None or s.score >= min_score)]
            if chosen:
                per_document.append(edits.accept_predictions(doc_id, chosen, spans))
        count = sum(len(e.changes[0].removed) for e in per_document)
        noun = "prediction" if count == 1 else "predictions"
        self.push(edits.combine(f"accept {count} {noun}", per_document))
        return count

    # ----------------------------------------------------------------- labels
    def refresh_labels(self) -> None:
        self.labels = self.require_project().label_set()
        self.labelsChanged.emit()

    def add_label(self, name: str, color: str | None = None, key: str | None = None) -> Label:
        project = self.require_project()
        if name in self.labels:
            raise NerdeskError(f"a label named {name!r} already exists")
        label = project.add_label(name, color, key)
        self.refresh_labels()
        self.undo_stack.push(LabelAddCommand(self, label))
        return label

    def update_label(self, name: str, *, new_name: str | None = None, color: str | None = None,
                     key: str | None | bool = False) -> None:
        """Change a label; ``key=False`` leaves the shortcut alone, ``key=None`` removes it."""
        before = self.labels.get(name)
        after = Label(new_name or before.name, color or before.color, before.key if key is False else key)
        if after == before:
            return
        self.write_label(before, after)
        self.undo_stack.push(LabelUpdateCommand(self, before, after, f"change label {name}"))

    def write_label(self, before: Label, after: Label) -> None:
        self.require_project().update_label(before.name, new_name=after.name, color=after.color, key=after.key)
        self._after_label_change()

    def write_new_label(self, label: Label, position: int | None = None) -> None:
        """Add ``label`` (at ``position`` in the set when given: an undone delete puts it back in its place)."""
        self.require_project().add_label(label.name, label.color, label.key, position=position)
        self.refresh_labels()

    def write_label_removal(self, label: Label, span_edit: Edit) -> None:
        project = self.require_project()
        if not span_edit.is_empty:
            project.apply_edit(span_edit)
        project.delete_label(label.name)
        self._after_label_change()

    def _after_label_change(self) -> None:
        self.refresh_labels()
        if self.document is not None and self.document.id is not None:
            self._reload_spans(self.document.id)
        self.documentsChanged.emit()

    def delete_label(self, name: str) -> int:
        """Delete a label and all its spans (gold and predicted); one undo step. Returns the spans removed."""
        label = self.labels.get(name)
        span_edit = delete_label_edit(self.require_project(), name)
        position = self.labels.names.index(name)
        self.write_label_removal(label, span_edit)
        self.undo_stack.push(LabelRemoveCommand(self, label, span_edit, f"delete label {name}", position))
        return sum(len(change.removed) for change in span_edit.changes)

    def merge_labels(self, source: str, target: str) -> int:
        """Relabel every ``source`` span as ``target`` and remove ``source``; one undo step."""
        label = self.labels.get(source)
        self.labels.get(target)
        span_edit = merge_label_edit(self.require_project(), source, target)
        position = self.labels.names.index(source)
        self.write_label_removal(label, span_edit)
        self.undo_stack.push(LabelRemoveCommand(self, label, span_edit, f"merge {source} into {target}", position))
        return sum(len(change.removed) for change in span_edit.changes)

    # ----------------------------------------------------------------- review
    def mark_reviewed(self, settle: Edit | None = None) -> None:
        """Mark the open document reviewed; ``settle`` (accepting or rejecting what is still pending)
        is applied first, and both are one undo step."""
        doc_id = self._current().id
        if settle is None or settle.is_empty:
            self.set_status([doc_id], "reviewed")
            return
        self.undo_stack.beginMacro(f"review document {doc_id}")
        try:
            self.push(settle)
            self.set_status([doc_id], "reviewed")
        finally:
            self.undo_stack.endMacro()
