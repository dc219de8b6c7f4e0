"""A question whose yes throws something away (stop a retraining, delete a label) has No as its default
button: Enter keeps what the user has."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def test_enter_on_a_confirmation_answers_no(qtbot, make_window):
    window = make_window()
    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.defaultButton().text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(200, press_enter)
    assert window.confirm("Stop the retraining?", "A retraining has been running for 3:10. Stop it?") is False
    assert seen == ["&No"]
