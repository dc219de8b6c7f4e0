"""A lasting mark in the status bar while the open project cannot be written.

Every change is refused in such a project (E220); without the mark an annotator learned it only from a
message box after selecting a span and pressing its key, and again after every later key.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from nerdesk.gui.session import ProjectSession

SHOWN_FOR_MS = 15000


def read_only_message(reason: str) -> str:
    return f"Read-only ({reason}): to annotate, copy the project to a folder you can write and open the copy"


class ReadOnlyMark(QLabel):
    def __init__(self, window: QMainWindow, session: ProjectSession) -> None:
        super().__init__("Read-only project", objectName="readOnlyMark", visible=False)
        self.window_ = window
        self.session = session
        window.statusBar().insertPermanentWidget(0, self)
        session.projectChanged.connect(self._follow_project)

    def _follow_project(self) -> None:
        project = self.session.project
        reason = None if project is None else project.read_only
        self.setVisible(bool(reason))
        self.setToolTip(read_only_message(reason) if reason else "")
        if reason:
            self.window_.statusBar().showMessage(read_only_message(reason), SHOWN_FOR_MS)
