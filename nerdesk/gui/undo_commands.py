"""The Edit menu's view of the session's undo history (``nerdesk.workflows.history``).

The history lives in the Qt-free session; the window's ``QUndoStack`` holds one ``HistoryStepCommand``
per step only to give the Edit menu its "Undo add PER" texts, its enabled states and its shortcuts.
Both stacks move together: a step is pushed to both after it was applied, and undoing or redoing a
command undoes or redoes the history's step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from nerdesk.workflows.history import History


class HistoryStepCommand(QUndoCommand):
    """One step of ``history``. Its first ``redo`` (run by ``QUndoStack.push``) is skipped: the step already happened."""

    def __init__(self, history: History, text: str, stepping: Callable[[], None] = lambda: None) -> None:
        """``stepping`` is called before each undo and redo of the step."""
        super().__init__(text)
        self.history = history
        self._applied = True
        self._stepping = stepping

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._stepping()
        self.history.redo()

    def undo(self) -> None:
        self._stepping()
        self.history.undo()
