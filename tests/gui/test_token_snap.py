"""Latin-script selections snap to whole words (Alt keeps them exact); CJK selections stay per character."""

from __future__ import annotations

import pytest
from conftest import press, select_with_keyboard
from PySide6.QtCore import Qt

from nerdesk.core.labels import LabelSet
from nerdesk.gui.annotation_view import AnnotationView
from nerdesk.workflows.token_snap import snap_to_tokens

TEXT = "Treated with interleukin 2 (IL-2) in 北京大学医院 since 2019."


@pytest.fixture
def view(qtbot):
    widget = AnnotationView()
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.set_labels(LabelSet.from_names(["PRO", "ORG"]))
    widget.set_document(TEXT, [])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("partial, whole", [("nterleukin 2", "interleukin 2"), ("interleukin", "interleukin"),
                                            ("leuk", "interleukin"), ("rleukin 2 (IL", "interleukin 2 (IL"),
                                            ("L-", "IL-"), ("京大", "京大"), ("019", "2019"), (" with ", "with")])
def test_snap_to_tokens(partial, whole):
    start = TEXT.index(partial)
    snapped = snap_to_tokens(TEXT, start, start + len(partial))
    assert TEXT[snapped[0]:snapped[1]].strip() == whole


def drag(qtbot, view, start: int, end: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press before ``start``, move, and release before ``end`` (code points), as a mouse drag does."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, view.caret_point(start))
    qtbot.mouseMove(viewport, view.caret_point(end))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, view.caret_point(end))


def selected_text(view) -> str:
    return view.textCursor().selectedText()


def test_a_partial_mouse_selection_shows_and_labels_the_whole_words(qtbot, view):
    start = TEXT.index("nterleukin 2")
    drag(qtbot, view, start, start + len("nterleukin 2"))
    assert selected_text(view) == "interleukin 2"  # the user sees what the key will take
    with qtbot.waitSignal(view.labelRequested) as signal:
        press(view, Qt.Key.Key_1, "1")
    assert signal.args == [TEXT.index("interleukin 2"), TEXT.index("interleukin 2") + 13, "PRO"]


def test_alt_keeps_the_selection_exact(qtbot, view):
    start = TEXT.index("nterleukin")
    drag(qtbot, view, start, start + len("nterleukin"), Qt.KeyboardModifier.AltModifier)
    assert selected_text(view) == "nterleukin"
    with qtbot.waitSignal(view.labelRequested) as signal:
        press(view, Qt.Key.Key_1, "1")
    assert signal.args == [start, start + len("nterleukin"), "PRO"]


def test_keyboard_selections_snap_too_and_cjk_stays_per_character(qtbot, view):
    start = TEXT.index("leukin")
    select_with_keyboard(qtbot, view, start, 3)
    with qtbot.waitSignal(view.labelRequested) as signal:
        press(view, Qt.Key.Key_1, "1")
    assert signal.args[:2] == [TEXT.index("interleukin"), TEXT.index("interleukin") + len("interleukin")]
    start = TEXT.index("京大")
    select_with_keyboard(qtbot, view, start, 2)
    with qtbot.waitSignal(view.labelRequested) as signal:
        press(view, Qt.Key.Key_2, "2")
    assert signal.args == [start, start + 2, "ORG"]


def test_snapping_can_be_turned_off(qtbot, view):
    view.snap_tokens = False
    start = TEXT.index("nterleukin 2")
    drag(qtbot, view, start, start + len("nterleukin 2"))
    assert selected_text(view) == "nterleukin 2"
    assert view.selected_range() == (start, start + len("nterleukin 2"))
