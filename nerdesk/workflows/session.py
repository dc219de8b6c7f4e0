"""The editing session: the open project, the open document, its labels and the undo history, without Qt.

Every change of spans, labels or document fields goes through one path: it is written at once to the
project file (there is no Save button and nothing is lost if the app is killed) and then recorded as a
step of the history, so a change that fails leaves no step behind. Steps hold value edits
(``core.edits``), so undo works after switching documents.

The session tells a listener what changed (``SessionListener``); the window's Qt adapter
(``gui/session.py``) turns that into signals and mirrors the history in a ``QUndoStack`` for the Edit menu.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from nerdesk.core import edits
from nerdesk.core.document import Document
from nerdesk.core.edits import Edit
from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project
from nerdesk.workflows import span_edits
from nerdesk.workflows.evaluation_set import EVALUATION_SPLIT, TRAINING_SPLIT
from nerdesk.workflows.history import History, Step
from nerdesk.workflows.label_edits import delete_label_edit, merge_label_edit
from nerdesk.workflows.prediction_runs import PredictionRuns
from nerdesk.workflows.review_policy import pending_predictions

NO_EDIT = Edit("", ())


class SessionListener:
    """What the session reports; each method does nothing here, a front end overrides the ones it needs."""

    def project_changed(self) -> None:
        """A project was opened or closed."""

    def document_changed(self) -> None:
        """Another document (or none) is open."""

    def spans_changed(self, doc_id: int) -> None:
        """The spans of this document changed."""

    def labels_changed(self) -> None:
        """The label set changed."""

    def documents_changed(self) -> None:
        """Statuses, counts or the set of documents changed."""

    def step_added(self, step: Step) -> None:
        """A step was added on top of the undo history."""

    def history_cleared(self) -> None:
        """The undo history was emptied (the project was closed)."""


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{count} {noun}s"


class EditingSession:
    def __init__(self, listener: SessionListener | None = None) -> None:
        self.listener = listener or SessionListener()
        self.project: Project | None = None
        self.document: Document | None = None
        self.labels = LabelSet()
        self.history = History(pushed=lambda step: self.listener.step_added(step),
                               cleared=lambda: self.listener.history_cleared())
        self.prediction_runs = PredictionRuns()

    # ---------------------------------------------------------------- project
    def open_project(self, path: str | Path, *, create: bool = False) -> None:
        project = Project.create(path) if create else Project.open(path)
        self.close_project()
        self.project = project
        self.labels = project.label_set()
        self.listener.project_changed()
        self.listener.labels_changed()
        self.listener.documents_changed()

    def close_project(self) -> None:
        if self.project is None:
            return
        self.history.clear()
        self.document = None
        self.project.close()
        self.project = None
        self.labels = LabelSet()
        self.listener.document_changed()
        self.listener.project_changed()

    def require_project(self) -> Project:
        if self.project is None:
            raise ProjectError("no project is open; create one with File > New project or open one",
                               code="E560")
        return self.project

    # ---------------------------------------------------------------- history
    def undo(self) -> bool:
        """Undo the last step (in whichever document it happened); False when there is nothing to undo."""
        return self.history.undo()

    def redo(self) -> bool:
        return self.history.redo()

    # -------------------------------------------------------------- documents
    def open_document(self, doc_id: int | None) -> None:
        self.document = None if doc_id is None else self.require_project().document(doc_id)
        self.listener.document_changed()

    @property
    def doc_id(self) -> int | None:
        return None if self.document is None else self.document.id

    def current_document(self) -> Document:
        """The open document; raises ``ProjectError`` when none is open."""
        return self._open()[1]

    def _open(self) -> tuple[int, Document]:
        """The id and the document that is open; raises ``ProjectError`` when none is open."""
        if self.document is None or self.document.id is None:
            raise ProjectError("no document is open; pick one in the document list", code="E561")
        return self.document.id, self.document

    def _reload_spans(self, doc_id: int) -> None:
        if self.document is not None and self.document.id == doc_id:
            self.document.spans = self.require_project().spans(doc_id)
        self.listener.spans_changed(doc_id)

    def _follow_edit(self, doc_id: int, edit: Edit) -> None:
        """After the store applied ``edit``: the open document applies it to its spans in memory, as the
        store did in SQL (``core.edits.apply_to_spans``), instead of reading thousands of spans back."""
        if self.document is not None and self.document.id == doc_id:
            for change in edit.changes:
                if change.doc_id == doc_id:
                    self.document.spans = edits.apply_to_spans(self.document.spans, change)
        self.listener.spans_changed(doc_id)

    def add_documents(self, documents: Sequence[Document],
                      progress: Callable[[int], None] | None = None) -> list[int]:
        ids = self.require_project().add_documents(documents, progress=progress)
        self.refresh_labels()
        self.listener.documents_changed()
        return ids

    def store_predictions(self, results: Sequence[tuple[int, list[Span]]], model_version: str, *,
                          unreviewed_only: bool = False) -> int:
        """Replace the predictions of each document (not undoable: it is a model run, not an edit); with
        ``unreviewed_only``, of each not reviewed by now. Returns how many documents were left as they are."""
        left = self.prediction_runs.store(self.require_project(), results, model_version,
                                          unreviewed_only=unreviewed_only)
        open_id = self.doc_id
        if open_id is not None and any(doc_id == open_id for doc_id, _ in results):
            self._reload_spans(open_id)
        self.refresh_labels()
        self.listener.documents_changed()
        return left

    # -------------------------------------------------------- document fields
    def set_status(self, doc_ids: Sequence[int], status: str) -> None:
        """Change the review status of documents; one undo step restores each one's previous status."""
        project = self.require_project()
        before = {doc_id: project.document(doc_id).status for doc_id in doc_ids}
        self._record_values(f"mark {_plural(len(before), 'document')} {status}", before, status,
                            self._write_statuses)

    def set_evaluation_only(self, doc_ids: Sequence[int], evaluation_only: bool) -> None:
        """Keep documents for scoring models only (never trained on), or give them back to training.

        A document given back is marked ``train`` so that the automatic evaluation set never picks it again.
        """
        project = self.require_project()
        before = {doc_id: project.document(doc_id).split for doc_id in doc_ids}
        split = EVALUATION_SPLIT if evaluation_only else TRAINING_SPLIT
        what = "evaluation only" if evaluation_only else "for training"
        self._record_values(f"mark {_plural(len(before), 'document')} {what}", before, split, self._write_splits)

    def _record_values(self, text: str, before: Mapping[int, str | None], value: str,
                       write: Callable[[Mapping[int, str | None]], None]) -> None:
        """Set one field of documents to ``value``; undo writes back each document's previous value. Documents
        that already have it are left out, and no step is recorded when none is left (Ctrl+Enter on a reviewed
        document is no edit to undo)."""
        before = {doc_id: old for doc_id, old in before.items() if old != value}
        if not before:
            return
        after: dict[int, str | None] = {doc_id: value for doc_id in before}
        write(after)
        self.history.push(Step(text, redo=lambda: write(after), undo=lambda: write(before)))

    def _write_statuses(self, statuses: Mapping[int, str | None]) -> None:
        if statuses:
            self._write_document_field("status", statuses, self.require_project().set_status)

    def _write_splits(self, splits: Mapping[int, str | None]) -> None:
        self._write_document_field("split", splits, self.require_project().set_split)

    def _write_document_field(self, field: str, values: Mapping[int, str | None],
                              store: Callable[[list[int], Any], None]) -> None:
        """Store a per-document value (one call per distinct value) and keep the open document in step."""
        for value in set(values.values()):
            store([doc_id for doc_id, v in values.items() if v == value], value)
        open_id = self.doc_id
        if self.document is not None and open_id is not None and open_id in values:
            setattr(self.document, field, values[open_id])
        self.listener.documents_changed()

    # ------------------------------------------------------------------ spans
    def push(self, edit: Edit) -> None:
        """Apply ``edit`` to the project now and record it; undoing or redoing it opens the document it
        touched, so the user sees what changed."""
        if edit.is_empty:
            return
        before, after = self._status_changes(edit, lambda: self._write_edit(edit, reveal=False))
        made_at, runs = self.prediction_runs.count, self.prediction_runs

        def redo() -> None:
            self._write_edit(runs.current(edit, made_at), reveal=True)
            self._write_statuses(after)

        def undo() -> None:
            self._write_edit(runs.current(edit.inverse(), made_at), reveal=True)
            self._write_statuses(before)

        self.history.push(Step(edit.description, redo=redo, undo=undo))

    def _status_changes(self, edit: Edit, write: Callable[[], None]) -> tuple[dict[int, str], dict[int, str]]:
        """Run ``write`` (which applies ``edit``) and return the review statuses it changed, before and after.

        The store moves a document to in-progress on any change of its gold spans, undoing one too; so
        undo and redo write these statuses back and a document never touched comes back as it was.
        """
        project = self.require_project()
        before = project.document_statuses(edit.documents)
        write()
        after = project.document_statuses(edit.documents)
        changed = [doc_id for doc_id, status in before.items() if after.get(doc_id, status) != status]
        return {doc_id: before[doc_id] for doc_id in changed}, {doc_id: after[doc_id] for doc_id in changed}

    def _write_edit(self, edit: Edit, *, reveal: bool) -> None:
        """Write an edit; with ``reveal``, open the document it touched first, so that the window sees the
        edit as a change of the open document's spans (and selects what an undo brought back)."""
        touched = sorted(edit.documents)
        if reveal and len(touched) == 1 and touched[0] != self.doc_id:
            self.open_document(touched[0])
        self.require_project().apply_edit(edit)
        for doc_id in touched:
            self._follow_edit(doc_id, edit)
        if any(span.label not in self.labels for change in edit.changes for span in change.added):
            self.refresh_labels()
        self.listener.documents_changed()

    def add_span(self, start: int, end: int, label: str) -> None:
        """Add a gold span; a prediction with the same range and label is consumed."""
        doc_id, document = self._open()
        self.push(span_edits.add_gold(doc_id, Span(start, end, label), document.spans))

    def delete_spans(self, spans: Sequence[Span]) -> None:
        """Delete spans; a gold span's hidden prediction twin goes with it (``span_edits.delete_with_twins``)."""
        if spans:
            doc_id, document = self._open()
            self.push(span_edits.delete_with_twins(doc_id, list(spans), document.spans))

    def relabel(self, span: Span, label: str) -> None:
        """Relabel a span; a relabelled prediction becomes gold."""
        doc_id, document = self._open()
        self.push(span_edits.relabel_to_gold(doc_id, span, label, document.spans))

    def resize(self, span: Span, start: int, end: int) -> None:
        """Move a span's boundaries; a resized prediction becomes gold."""
        doc_id, document = self._open()
        self.push(span_edits.resize_to_gold(doc_id, span, start, end, len(document.text), document.spans))

    def accept(self, predictions: Sequence[Span]) -> None:
        doc_id, document = self._open()
        if predictions:
            self.push(edits.accept_predictions(doc_id, list(predictions), document.spans))

    def reject(self, predictions: Sequence[Span]) -> None:
        if predictions:
            self.push(edits.reject_predictions(self._open()[0], list(predictions)))

    def accept_all(self, *, min_score: float = 0.0, label: str | None = None,
                   all_documents: bool = False) -> int:
        """Accept every prediction scoring at least ``min_score`` (of one label if given); one undo step."""
        project = self.require_project()
        doc_ids = project.document_ids(label=label) if all_documents else [self._open()[0]]
        per_document = []
        for doc_id in doc_ids:
            spans = project.spans(doc_id)
            shown = pending_predictions(spans, min_score).shown  # a gold span's twin is hidden: nothing to accept
            chosen = [s for s in shown if label is None or s.label == label]
            if chosen:
                per_document.append(edits.accept_predictions(doc_id, chosen, spans))
        count = sum(len(e.changes[0].removed) for e in per_document)
        self.push(edits.combine(f"accept {count} {'prediction' if count == 1 else 'predictions'}", per_document))
        return count

    # ----------------------------------------------------------------- labels
    def refresh_labels(self) -> None:
        self.labels = self.require_project().label_set()
        self.listener.labels_changed()

    def add_label(self, name: str, color: str | None = None, key: str | None = None, *,
                  display_name: str = "", description: str = "") -> Label:
        project = self.require_project()
        if name in self.labels:
            raise NerdeskError(f"a label named {name!r} already exists", code="E014")
        label = project.add_label(name, color, key, display_name=display_name, description=description)
        self.refresh_labels()
        self.history.push(Step(f"add label {label.name}", redo=lambda: self._write_new_label(label),
                               undo=lambda: self._write_label_removal(label, NO_EDIT)))
        return label

    def update_label(self, name: str, *, new_name: str | None = None, color: str | None = None,
                     key: str | None | Literal[False] = False, display_name: str | None = None,
                     description: str | None = None) -> None:
        """Change a label; ``key=False`` leaves the shortcut alone, ``key=None`` removes it; a display name
        or description of None is left alone."""
        before = self.labels.get(name)
        after = replace(before, name=new_name or before.name, color=color or before.color,
                        key=before.key if key is False else key,
                        display_name=before.display_name if display_name is None else display_name,
                        description=before.description if description is None else description)
        if after == before:
            return
        self._write_label(before, after)
        self.history.push(Step(f"change label {name}", redo=lambda: self._write_label(before, after),
                               undo=lambda: self._write_label(after, before)))

    def delete_label(self, name: str) -> int:
        """Delete a label and all its spans (gold and predicted); one undo step. Returns the spans removed."""
        label = self.labels.get(name)
        return self._remove_label(label, delete_label_edit(self.require_project(), name), f"delete label {name}")

    def merge_labels(self, source: str, target: str) -> int:
        """Relabel every ``source`` span as ``target`` and remove ``source``; one undo step."""
        label = self.labels.get(source)
        self.labels.get(target)
        span_edit = merge_label_edit(self.require_project(), source, target)
        return self._remove_label(label, span_edit, f"merge {source} into {target}", merged_into=target)

    def _remove_label(self, label: Label, span_edit: Edit, text: str, merged_into: str | None = None) -> int:
        """Apply ``span_edit`` (removing or relabelling every span of ``label``) and remove the label.
        Undo puts the label back in its place in the set, with its colour and key, then its spans."""
        position = self.labels.names.index(label.name)
        before, after = self._status_changes(span_edit, lambda: self._write_label_removal(label, span_edit,
                                                                                          merged_into))

        def redo() -> None:
            self._write_label_removal(label, span_edit, merged_into)
            self._write_statuses(after)

        def undo() -> None:
            self._write_new_label(label, position)
            self._write_edit(span_edit.inverse(), reveal=False)
            self._write_statuses(before)

        self.history.push(Step(text, redo=redo, undo=undo))
        return sum(len(change.removed) for change in span_edit.changes)

    def _write_label(self, before: Label, after: Label) -> None:
        self.require_project().update_label(before.name, new_name=after.name, color=after.color, key=after.key,
                                            display_name=after.display_name, description=after.description)
        self._after_label_change()

    def _write_new_label(self, label: Label, position: int | None = None) -> None:
        """Add ``label`` (at ``position`` in the set when given: an undone delete puts it back in its place)."""
        self.require_project().add_label(label.name, label.color, label.key, position=position,
                                         display_name=label.display_name, description=label.description)
        self.refresh_labels()

    def _write_label_removal(self, label: Label, span_edit: Edit, merged_into: str | None = None) -> None:
        project = self.require_project()
        if not span_edit.is_empty:
            project.apply_edit(span_edit)
        project.delete_label(label.name, merged_into=merged_into)
        self._after_label_change()

    def _after_label_change(self) -> None:
        self.refresh_labels()
        if self.document is not None and self.document.id is not None:
            self._reload_spans(self.document.id)
        self.listener.documents_changed()

    # ----------------------------------------------------------------- review
    def mark_reviewed(self, settle: Edit | None = None) -> None:
        """Mark the open document reviewed; ``settle`` (accepting or rejecting what is still pending,
        ``workflows.review_policy.settle_pending``) is applied first, and both are one undo step."""
        doc_id = self._open()[0]
        if settle is None or settle.is_empty:
            self.set_status([doc_id], "reviewed")
            return
        with self.history.group(f"review document {doc_id}"):
            self.push(settle)
            self.set_status([doc_id], "reviewed")
