"""Undo-stack entries. Each one is a value-based change, so undo works after switching documents.

Commands are pushed only after their first application succeeded (``session.push`` does the
first write itself), so a failing change never leaves a command on the stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from nerdesk.core.edits import Edit
from nerdesk.core.labels import Label

if TYPE_CHECKING:
    from nerdesk.gui.session import ProjectSession


class _AppliedCommand(QUndoCommand):
    """A command whose first ``redo`` (run by ``QUndoStack.push``) is skipped: it already happened."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.do()

    def do(self) -> None:
        raise NotImplementedError

    def undo(self) -> None:
        raise NotImplementedError


class EditCommand(_AppliedCommand):
    """A change of spans in one or several documents."""

    def __init__(self, session: ProjectSession, edit: Edit) -> None:
        super().__init__(edit.description)
        self.session = session
        self.edit = edit

    def do(self) -> None:
        self.session.write_edit(self.edit, reveal=True)

    def undo(self) -> None:
        self.session.write_edit(self.edit.inverse(), reveal=True)


class LabelUpdateCommand(_AppliedCommand):
    """Rename, recolour or rebind one label."""

    def __init__(self, session: ProjectSession, before: Label, after: Label, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.before = before
        self.after = after

    def do(self) -> None:
        self.session.write_label(self.before, self.after)

    def undo(self) -> None:
        self.session.write_label(self.after, self.before)


class LabelAddCommand(_AppliedCommand):
    def __init__(self, session: ProjectSession, label: Label) -> None:
        super().__init__(f"add label {label.name}")
        self.session = session
        self.label = label

    def do(self) -> None:
        self.session.write_new_label(self.label)

    def undo(self) -> None:
        self.session.write_label_removal(self.label, Edit("", ()))


class LabelRemoveCommand(_AppliedCommand):
    """Delete a label, or merge it into another: ``span_edit`` removes or relabels all of its spans.
    Undo puts the label back at ``position`` in the set, with its colour and key."""

    def __init__(self, session: ProjectSession, label: Label, span_edit: Edit, text: str,
                 position: int | None = None) -> None:
        super().__init__(text)
        self.session = session
        self.label = label
        self.span_edit = span_edit
        self.position = position

    def do(self) -> None:
        self.session.write_label_removal(self.label, self.span_edit)

    def undo(self) -> None:
        self.session.write_new_label(self.label, self.position)
        self.session.write_edit(self.span_edit.inverse(), reveal=False)


class DocumentValuesCommand(_AppliedCommand):
    """Setting one field of documents to a value; undo restores each document's previous value."""

    def __init__(self, description: str, before: dict, value, write) -> None:
        super().__init__(description)
        self.before = dict(before)
        self.value = value
        self.write = write  # write({doc_id: value}) stores the values and refreshes the views

    def do(self) -> None:
        self.write({doc_id: self.value for doc_id in self.before})

    def undo(self) -> None:
        self.write(self.before)


def status_command(session: ProjectSession, before: dict[int, str], status: str) -> DocumentValuesCommand:
    """Marking documents with a review status."""
    noun = "document" if len(before) == 1 else f"{len(before)} documents"
    return DocumentValuesCommand(f"mark {noun} {status}", before, status, session.write_statuses)
