"""The pane that has the keyboard is framed in the accent colour, in both themes: after F6 the annotator sees
where the keys go (the text looked the same with or without the keyboard, the Labels table nearly so)."""

from __future__ import annotations

import pytest
from conftest import window_with_labels_gpe_per
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from nerdesk.core.document import Document
from nerdesk.gui.theme import apply_theme


def _left_edge(widget) -> QColor:
    """The colour of the widget's left edge, half way down."""
    return QColor.fromRgb(widget.grab().toImage().pixel(0, widget.height() // 2))


def _distance(first: QColor, second: QColor) -> float:
    return sum((a - b) ** 2 for a, b in zip(first.getRgb()[:3], second.getRgb()[:3], strict=True)) ** 0.5


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_pane_with_the_keyboard_is_framed(qtbot, make_window, tmp_path, theme):
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document("Greta flew from Paris to Rome.")])
    try:
        window.set_theme(theme)
        view, labels = window.view, window.palette.table
        view.setFocus()
        qtbot.waitUntil(view.hasFocus, timeout=2000)
        view_framed, labels_plain = _left_edge(view), _left_edge(labels)
        qtbot.keyClick(view, Qt.Key.Key_F6)  # to the Labels
        qtbot.waitUntil(lambda: QApplication.focusWidget() is labels, timeout=2000)
        view_plain, labels_framed = _left_edge(view), _left_edge(labels)
        assert _distance(view_framed, view_plain) > 80
        assert _distance(labels_framed, labels_plain) > 80
    finally:
        apply_theme("light")
