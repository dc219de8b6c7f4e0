"""Expected failures shown as message boxes, never as tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from nerdesk.core.errors import NerdeskError


def show_error(parent: QWidget, error: BaseException, title: str = "nerdesk") -> QMessageBox:
    """A window-modal warning that does not block the caller (so long work and tests carry on).

    An error with a code shows it under the message, as the CLI prints it (docs/errors.md lists them).
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(error), QMessageBox.StandardButton.Ok, parent)
    code = getattr(error, "code", None)
    if code:
        box.setInformativeText(f"Error {code}")
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box


@contextmanager
def reporting_errors(parent: QWidget, title: str = "nerdesk") -> Iterator[None]:
    """Run a user action; a ``NerdeskError`` becomes a message box and the action simply stops."""
    try:
        yield
    except NerdeskError as error:
        show_error(parent, error, title)
