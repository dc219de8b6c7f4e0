"""The window takes in what another window or program commits to its project (``nerdesk import`` of a new
batch, ``nerdesk retrain``, the same project open in a second window): every ``POLL_MS`` it asks SQLite
whether the file changed elsewhere (``PRAGMA data_version``, nothing read otherwise) and, when it did,
shows the project again and says so. The window's own retraining registers its version through a
connection of its own; it is not taken for an outside change."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from nerdesk.workflows.outside_changes import take_outside_changes

POLL_MS = 1000
TAKEN_IN = ("The project was changed in another window or program: shown as it is now (the undo history, built "
            "on what was shown before, was cleared)")


class OutsideChangesWatch(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self, interval=POLL_MS, timeout=self.look)
        self.timer.start()

    def look(self) -> bool:
        """Take in outside changes now; True when there were some."""
        window = self.window
        if window.retrain_panel.process.is_completing:  # its own connection is writing the new version
            return False
        if not take_outside_changes(window.session.editing):
            return False
        window.model_panel.refresh()
        window.versions_panel.refresh()
        window.retrain_panel.refresh()
        window.statusBar().showMessage(TAKEN_IN, 12000)
        return True
