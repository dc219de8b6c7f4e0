"""Label keys ignore case: Shift or Caps Lock still applies a label, and two labels cannot share q and Q."""

from __future__ import annotations

from conftest import press, select_with_keyboard, window_with_labels_gpe_per
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from nerdesk.core.document import Document
from nerdesk.core.labels import LabelSet
from nerdesk.gui.label_dialogs import LabelDialog

TEXT = "Greta flew from Paris to Rome."


def test_shift_or_caps_lock_with_a_label_key_applies_the_label(qtbot, make_window, tmp_path):
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document(TEXT)])
    select_with_keyboard(qtbot, window.view, 16, 5)  # Paris
    press(window.view, Qt.Key.Key_G, "G", Qt.KeyboardModifier.ShiftModifier)
    select_with_keyboard(qtbot, window.view, 0, 5)  # Greta
    press(window.view, Qt.Key.Key_P, "P")  # Caps Lock: the upper-case text without Shift
    assert {(s.start, s.end, s.label) for s in window.session.document.spans} == {(16, 21, "GPE"), (0, 5, "PER")}


def test_the_label_dialog_refuses_a_key_that_differs_only_in_case(qtbot):
    labels = LabelSet()
    labels.add("GPE", "#0072b2", "q")
    dialog = LabelDialog(labels)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "ORG")
    qtbot.keyClicks(dialog.key, "Q")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "already used by label 'GPE'" in dialog.error.text()
