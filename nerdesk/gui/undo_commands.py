"""The Edit menu's view of the session's undo history (``nerdesk.workflows.history``).

The history lives in the Qt-free session; the window's ``QUndoStack`` holds one ``HistoryStepCommand``
per step only to give the Edit menu its "Undo add PER" texts, its enabled states and its shortcuts.
Both stacks move together: a step is pushed to both after it was applied, and undoing or redoing a
command undoes or redoes the history's step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QUndoCommand

from nerdesk.workflows.history import History

StatusWriter = Callable[[Mapping[int, str]], None]


def _write_nothing(_statuses: Mapping[int, str]) -> None:
    return None


class HistoryStepCommand(QUndoCommand):
    """One step of ``history``. Its first ``redo`` (run by ``QUndoStack.push``) is skipped: the step already happened."""

    def __init__(self, history: History, text: str) -> None:
        super().__init__(text)
        self.history = history
        self._applied = True
        self._statuses_before: Mapping[int, str] = {}
        self._statuses_after: Mapping[int, str] = {}
        self._write_statuses: StatusWriter = _write_nothing

    def keep_statuses(self, before: Mapping[int, str], after: Mapping[int, str], write: StatusWriter) -> None:
        """Undoing writes back ``before`` (the review statuses the step changed), redoing writes ``after``:
        the store moves a document to in-progress on any change of its gold spans, undoing one too."""
        changed = [doc_id for doc_id, status in before.items() if after.get(doc_id, status) != status]
        self._statuses_before = {doc_id: before[doc_id] for doc_id in changed}
        self._statuses_after = {doc_id: after[doc_id] for doc_id in changed}
        self._write_statuses = write

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        if self.history.redo() and self._statuses_after:
            self._write_statuses(self._statuses_after)

    def undo(self) -> None:
        if self.history.undo() and self._statuses_before:
            self._write_statuses(self._statuses_before)
