"""The window takes in what another window or program commits to its project (``nerdesk import`` of a new
batch, ``nerdesk retrain``, the same project open in a second window): every ``POLL_MS`` it asks SQLite
whether the file changed elsewhere (``PRAGMA data_version``, nothing read otherwise) and, when it did,
shows the project again and says so. The window's own retraining registers its version through a
connection of its own; it is not taken for an outside change."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from nerdesk.workflows.outside_changes import take_outside_changes

POLL_MS = 1000
USER_ACTIONS = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress)
TAKEN_IN = "Changed in another window or program: shown as stored now; undo history cleared"


class OutsideChangesWatch(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self, interval=POLL_MS, timeout=self.look)
        self.timer.start()
        self._key_to_drop = False
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        """Before a key or a click reaches the window, take in what changed outside since the last poll; the key
        or click is then not passed on (it was aimed at what the window showed before), and the status bar says
        why. Without this an edit made within the second after another window's could be built on a stale copy."""
        if event.type() not in USER_ACTIONS or not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if self.look():
            self._key_to_drop = event.type() == QEvent.Type.ShortcutOverride  # its key press follows
            return True
        if self._key_to_drop and event.type() == QEvent.Type.KeyPress:
            self._key_to_drop = False
            return True
        return False

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
