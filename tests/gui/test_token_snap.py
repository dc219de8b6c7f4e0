"""Selections snap to the active model's tokens, to whole words without a model (Alt keeps them exact);
CJK selections stay per character."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import press, select_with_keyboard
from PySide6.QtCore import Qt
from tokenizers import Tokenizer, pre_tokenizers
from tokenizers.models import WordLevel

from nerdesk.core.document import Document
from nerdesk.core.labels import LabelSet
from nerdesk.gui.annotation_view import AnnotationView
from nerdesk.storage.project import Project
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


def window_with_model(make_window, tmp_path, model_folder: Path | None):
    """A window on a project with one English document and ``model_folder`` as its active model (or none)."""
    path = tmp_path / "snap.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(TEXT)])
        if model_folder is not None:
            project.set_active_model(project.register_model(name="word-pieces", bundle_path=model_folder,
                                                            metrics={}, settings={}, trained_on={}))
    window = make_window()
    window.open_project(path)
    return window


def test_the_window_snaps_to_the_active_models_tokens(qtbot, make_window, tmp_path):
    model = tmp_path / "whitespace-tokens"
    model.mkdir()
    tokenizer = Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()  # "(IL-2)" is one token
    tokenizer.save(str(model / "tokenizer.json"))
    window = window_with_model(make_window, tmp_path, model)
    assert window.view.token_snapper.uses_model
    start = TEXT.index("L-")
    drag(qtbot, window.view, start, start + 2)
    assert selected_text(window.view) == "(IL-2)"  # the model's token, not the word rule's "IL-"
    window.session.project.set_active_model(None)
    assert not window.view.token_snapper.uses_model
    window.view.clear_text_selection()  # a press inside a selection would drag it instead
    drag(qtbot, window.view, start, start + 2)
    assert selected_text(window.view) == "IL-"  # without a model: whole words
