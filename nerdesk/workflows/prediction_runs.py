"""Undo after a model run: an undone edit must not bring back the predictions the run replaced.

Accepting or rejecting a prediction is an edit that removes it; undoing the edit puts it back. When a model
run (Predict, Retrain's re-prediction, a roll-back) has replaced the document's predictions since, the
prediction put back would stand beside the new model's, or where the new model predicts nothing. So the
session counts its model runs, remembers the last run that replaced each document's predictions, and an
undo or redo of a step made before that run writes the step's gold spans only; the predictions it leaves
out are released, so that later runs may propose them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nerdesk.core.edits import Edit
from nerdesk.core.spans import PRED, Span
from nerdesk.storage.project import Project


class PredictionRuns:
    def __init__(self) -> None:
        self.count = 0  # model runs whose predictions the session stored
        self._last_run: dict[int, int] = {}  # document id -> the run that last replaced its predictions

    def store(self, project: Project, results: Sequence[tuple[int, list[Span]]], model_version: str, *,
              unreviewed_only: bool = False) -> int:
        """``Project.replace_predictions_many``, remembering which documents' predictions it replaced (with
        ``unreviewed_only``, a reviewed document keeps its own); returns how many were left as they were."""
        ids = [doc_id for doc_id, _ in results]
        reviewed = {doc_id for doc_id, status in project.document_statuses(ids).items()
                    if status == "reviewed"} if unreviewed_only else set()
        left = project.replace_predictions_many(results, model_version, unreviewed_only=unreviewed_only)
        self.count += 1
        for doc_id in ids:
            if doc_id not in reviewed:
                self._last_run[doc_id] = self.count
        return left

    def current(self, edit: Edit, made_at: int) -> Edit:
        """``edit`` (of a step made when ``count`` was ``made_at``) without the predictions it would put back
        into documents predicted again since."""
        stale = {doc_id for doc_id in edit.documents if self._last_run.get(doc_id, 0) > made_at}
        if not stale:
            return edit
        return Edit(edit.description, tuple(
            replace(change, added=tuple(span for span in change.added if span.source != PRED),
                    released=tuple(span for span in change.added if span.source == PRED))
            if change.doc_id in stale else change for change in edit.changes))
