"""Writing annotation changes: undoable edits of gold spans, and model predictions.

Gold and predictions live side by side (``source`` column); neither path ever touches the other's
rows except through an explicit edit (accepting a prediction removes the pred row and adds a gold one).
A prediction an edit turns down is remembered, and storing a model's predictions leaves it out
(``rejected_predictions.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlite_utils import Database

from nerdesk.core.edits import Change, Edit
from nerdesk.core.errors import ProjectError, SpanError
from nerdesk.core.label_changes import LabelChanges
from nerdesk.core.labels import Label
from nerdesk.core.spans import GOLD, PRED, Span
from nerdesk.storage import rejected_predictions
from nerdesk.storage.connection import write_transaction
from nerdesk.storage.documents import check_span
from nerdesk.storage.rows import INSERT_SPAN_IF_ABSENT, now, span_identity, span_row

DELETE_SPAN = 'DELETE FROM spans WHERE doc_id = ? AND "start" = ? AND "end" = ? AND label = ? AND source = ?'


class EditsMixin:
    """Needs ``ensure_labels`` from ``LabelsMixin`` (both are parts of ``Project``)."""

    db: Database
    if TYPE_CHECKING:
        def ensure_labels(self, names: Iterable[str]) -> list[Label]: ...
        def label_changes(self) -> LabelChanges: ...

    def apply_edit(self, edit: Edit) -> None:
        """Apply every change of ``edit`` in one transaction, matching spans by value.

        Same meaning as ``core.edits.apply_to_spans``: removed spans that are absent and added spans
        that exist already are skipped. An edit built from the current spans (as ``core.edits`` builds
        them) is therefore undone exactly by ``apply_edit(edit.inverse())``, and a stale one never fails
        half-way. A document whose gold spans change moves from new/predicted to in-progress.
        """
        with write_transaction(self.db):
            for change in edit.changes:
                self._apply_change(change)

    def replace_predictions(self, doc_id: int, spans: Iterable[Span], model_version: str) -> None:
        """Drop the document's predictions and store ``spans`` as predictions of ``model_version``.

        Gold spans are never touched, even where a prediction has the same position and label.
        A new document becomes ``predicted``. A label renamed since the model learnt it is stored under
        the name it has now; predictions of a label deleted since, and predictions the user rejected in
        this document (``rejected_predictions``), are dropped.
        """
        with write_transaction(self.db):
            self._replace_predictions(doc_id, spans, model_version, self.label_changes(),
                                      rejected_predictions.rejected(self.db, [doc_id]).get(doc_id, set()))

    def replace_predictions_many(self, predictions: Iterable[tuple[int, Iterable[Span]]],
                                 model_version: str, *, unreviewed_only: bool = False) -> int:
        """``replace_predictions`` for many documents in one transaction (all or nothing); returns how
        many documents were left as they are.

        Re-predicting a whole project this way avoids one commit per document. With ``unreviewed_only``
        a document reviewed since its text was sent to the model (in this window, another one, or by
        another program) keeps its spans: new predictions would stand pending in it.
        """
        chunk = list(predictions)
        with write_transaction(self.db):
            statuses = self.document_statuses(doc_id for doc_id, _ in chunk) if unreviewed_only else {}
            kept = [(doc_id, spans) for doc_id, spans in chunk if statuses.get(doc_id) != "reviewed"]
            labels_now = self.label_changes()
            rejected = rejected_predictions.rejected(self.db, [doc_id for doc_id, _ in kept])
            for doc_id, spans in kept:
                self._replace_predictions(doc_id, spans, model_version, labels_now, rejected.get(doc_id, set()))
        return len(chunk) - len(kept)

    def count_rejected_predictions(self, doc_id: int) -> int:
        """How many predictions the user turned down in the document (``rejected_predictions``)."""
        return rejected_predictions.count(self.db, doc_id)

    def forget_rejected_predictions(self, doc_id: int) -> int:
        """Forget the document's rejected predictions, so that the next model run may propose them again;
        returns how many were forgotten. The spans of the document are left as they are."""
        with write_transaction(self.db):
            return rejected_predictions.forget_document(self.db, doc_id)

    def _replace_predictions(self, doc_id: int, spans: Iterable[Span], model_version: str,
                             labels_now: LabelChanges, rejected: set[rejected_predictions.Key]) -> None:
        predictions = [replace(span, source=PRED, model_version=model_version)
                       for span in labels_now.applied(spans) if span.key not in rejected]
        text = self._document_text(doc_id)
        self._check_spans(doc_id, predictions, text)
        self.ensure_labels(span.label for span in predictions)
        self.db.execute("DELETE FROM spans WHERE doc_id = ? AND source = ?", [doc_id, PRED])
        self.db.conn.executemany(INSERT_SPAN_IF_ABSENT, [span_row(doc_id, span) for span in predictions])
        self.db.execute(
            "UPDATE documents SET status = 'predicted', updated = ? WHERE id = ? AND status = 'new'",
            [now(), doc_id],
        )

    def _apply_change(self, change: Change) -> None:
        text = self._document_text(change.doc_id)
        self._check_spans(change.doc_id, change.added, text)
        self.ensure_labels(span.label for span in change.added)
        self.db.conn.executemany(DELETE_SPAN, [span_identity(change.doc_id, s) for s in change.removed])
        self.db.conn.executemany(INSERT_SPAN_IF_ABSENT, [span_row(change.doc_id, s) for s in change.added])
        rejected_predictions.record(self.db, change)
        self.db.execute("UPDATE documents SET updated = ? WHERE id = ?", [now(), change.doc_id])
        if any(span.source == GOLD for span in (*change.removed, *change.added)):
            self.db.execute(
                "UPDATE documents SET status = 'in-progress' WHERE id = ? AND status IN ('new', 'predicted')",
                [change.doc_id],
            )

    def document_statuses(self, doc_ids: Iterable[int] | None = None) -> dict[int, str]:
        """The review status of each of ``doc_ids`` (of every document when None).

        ``apply_edit`` moves a document to in-progress whichever way its gold spans change, undoing too;
        the editing session reads them before and after an edit so that undo and redo write them back.
        """
        if doc_ids is None:
            rows = self.db.execute("SELECT id, status FROM documents").fetchall()
        else:
            wanted = sorted(set(doc_ids))
            marks = ", ".join("?" for _ in wanted)
            rows = self.db.execute(f"SELECT id, status FROM documents WHERE id IN ({marks})", wanted).fetchall()
        return {int(doc_id): str(status) for doc_id, status in rows}

    def _document_text(self, doc_id: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise ProjectError(f"the project has no document with id {doc_id}; it may have been deleted",
                               code="E230")
        return str(row[0])

    @staticmethod
    def _check_spans(doc_id: int, spans: Iterable[Span], text: str) -> None:
        for span in spans:
            try:
                check_span(span, text)
            except SpanError as error:
                raise SpanError(f"document {doc_id}: {error}; nothing was changed",
                                code=error.code) from error
