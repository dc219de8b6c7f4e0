"""A linear undo/redo history of steps that have already happened, independent of Qt.

A step is pushed only after its first application succeeded, so a failing change never leaves a
step behind. Undoing moves down the history and redoing moves back up; a new step drops every
undone one above it. Steps pushed inside ``group`` become one step (reviewing a document settles
its predictions and marks it reviewed: one Ctrl+Z undoes both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    """One undoable change: ``redo`` does it again, ``undo`` takes it back."""

    text: str
    redo: Callable[[], None]
    undo: Callable[[], None]


def _grouped(text: str, steps: list[Step]) -> Step:
    """One step made of ``steps``: redone in order, undone in reverse order."""
    def redo() -> None:
        for step in steps:
            step.redo()

    def undo() -> None:
        for step in reversed(steps):
            step.undo()

    return Step(text, redo, undo)


def _nothing(*_args: object) -> None:
    return None


class History:
    """Steps below ``index`` can be undone, steps from ``index`` on can be redone.

    ``pushed(step)`` and ``cleared()`` tell a front end (the Edit menu) what changed.
    """

    def __init__(self, *, pushed: Callable[[Step], None] = _nothing, cleared: Callable[[], None] = _nothing) -> None:
        self._steps: list[Step] = []
        self._index = 0
        self._groups: list[list[Step]] = []
        self._pushed = pushed
        self._cleared = cleared

    @property
    def index(self) -> int:
        return self._index

    def __len__(self) -> int:
        return len(self._steps)

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._steps)

    @property
    def undo_text(self) -> str:
        return self._steps[self._index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self._steps[self._index].text if self.can_redo else ""

    def push(self, step: Step) -> None:
        """Record a step that has just been applied; undone steps above it are dropped."""
        if self._groups:
            self._groups[-1].append(step)
            return
        del self._steps[self._index:]
        self._steps.append(step)
        self._index = len(self._steps)
        self._pushed(step)

    @contextmanager
    def group(self, text: str) -> Iterator[None]:
        """Every step pushed inside becomes one step named ``text``; it is pushed even when the block
        fails part-way, so what was applied before the failure can still be undone."""
        self._groups.append([])
        try:
            yield
        finally:
            steps = self._groups.pop()
            if steps:
                self.push(_grouped(text, steps))

    def undo(self) -> bool:
        """Undo the step below ``index``; False when there is none. A step that fails stays undoable."""
        if not self.can_undo:
            return False
        self._steps[self._index - 1].undo()
        self._index -= 1
        return True

    def redo(self) -> bool:
        """Redo the step at ``index``; False when there is none."""
        if not self.can_redo:
            return False
        self._steps[self._index].redo()
        self._index += 1
        return True

    def clear(self) -> None:
        self._steps.clear()
        self._index = 0
        self._cleared()
