"""Predictions and gold never stand side by side: no drawn twins, and hand edits consume predictions."""

from __future__ import annotations

import pytest
from conftest import click_character, press, press_shortcut, select_with_keyboard
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project

TEXT = "张伟在北京大学读书，后来去了上海。"
GOLD_ORG = Span(3, 7, "ORG")
TWIN = Span(3, 7, "ORG", "pred", 0.93, "m1")
INNER = Span(3, 5, "LOC", "pred", 0.81, "m1")
CITY = Span(14, 16, "ORG", "pred", 0.77, "m1")  # wrong label on purpose


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "twins.nerdesk"
    with Project.create(path) as project:
        project.add_label("ORG", "#4363d8", "1")
        project.add_label("LOC", "#3cb44b", "2")
        (doc_id,) = project.add_documents([Document(TEXT, [GOLD_ORG])])
        project.replace_predictions(doc_id, [TWIN, INNER, CITY], "m1")
    built = make_window()
    built.open_project(path)
    return built


def stored(window) -> set[tuple]:
    with Project.open(window.session.project.path) as project:
        return {(s.start, s.end, s.label, s.source) for s in project.spans(1)}


def tree_rows(tree) -> list[tuple[int, str, str]]:
    """(depth, label, source) of every row of the Spans list, and the indented label it shows."""
    model = tree.item_model
    shown = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert shown == [model.INDENT * depth + span.label for depth, span in model.rows()]
    return [(depth, span.label, model.index(row, 3).data()) for row, (depth, span) in enumerate(model.rows())]


def test_a_prediction_equal_to_gold_is_neither_drawn_nor_listed(window):
    view = window.view
    assert TWIN not in view.spans and GOLD_ORG in view.spans
    assert view.level_of(INNER) == 0 and view.level_of(GOLD_ORG) == 1  # no extra level for the twin
    assert tree_rows(window.span_tree) == [(0, "ORG", "gold"), (1, "LOC", "pred 0.81"), (0, "ORG", "pred 0.77")]


def test_labelling_over_a_prediction_consumes_it(qtbot, window):
    select_with_keyboard(qtbot, window.view, INNER.start, len(INNER))
    press(window.view, Qt.Key.Key_2, "2")
    assert (3, 5, "LOC", "gold") in stored(window) and (3, 5, "LOC", "pred") not in stored(window)
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (3, 5, "LOC", "pred") in stored(window) and (3, 5, "LOC", "gold") not in stored(window)


def test_relabelling_a_prediction_makes_it_gold(qtbot, window):
    click_character(qtbot, window.view, CITY.start)
    assert window.view.selected_span() == CITY
    press(window.view, Qt.Key.Key_2, "2")  # it is a place, not an organisation
    assert {(14, 16, "LOC", "gold")} == {s for s in stored(window) if s[0] == 14}
    assert window.view.selected_span() == Span(14, 16, "LOC")
    assert "prediction" not in window.statusBar().currentMessage()


def test_resizing_a_prediction_makes_it_gold(qtbot, window):
    click_character(qtbot, window.view, INNER.start)
    assert window.view.selected_span() == INNER
    press(window.view, Qt.Key.Key_Right, modifiers=Qt.KeyboardModifier.AltModifier
          | Qt.KeyboardModifier.ShiftModifier)  # the end moves one character right
    assert {(3, 6, "LOC", "gold")} == {s for s in stored(window) if s[2] == "LOC"}
    assert window.view.selected_span() == Span(3, 6, "LOC")


def test_f8_walks_pending_predictions_and_accepting_moves_to_the_next(qtbot, window):
    view = window.view
    view.setFocus()
    press(view, Qt.Key.Key_F8)
    assert view.selected_span() == INNER  # the first pending prediction in reading order (the twin is not one)
    press(view, Qt.Key.Key_F8)
    assert view.selected_span() == CITY
    press(view, Qt.Key.Key_F8, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() == INNER
    assert "prediction, score 0.81" in window.statusBar().currentMessage()
    press(view, Qt.Key.Key_A, "a")
    assert (3, 5, "LOC", "gold") in stored(window)
    assert view.selected_span() == CITY  # on to the next pending prediction
    assert "“上海”" in window.statusBar().currentMessage()
    press(view, Qt.Key.Key_Escape)
    assert view.selected_span() is None
    assert window.statusBar().currentMessage() == ""  # no longer describes the span


def test_the_spans_list_follows_an_edit_once_keys_pause(qtbot, window):
    tree = window.span_tree
    click_character(qtbot, window.view, CITY.start)
    press(window.view, Qt.Key.Key_Delete)
    assert (14, 16, "ORG", "pred") not in stored(window)
    qtbot.waitUntil(lambda: tree.settled, timeout=2000)
    assert [row[1:] for row in tree_rows(tree)] == [("ORG", "gold"), ("LOC", "pred 0.81")]
    assert tree.selectionModel().selectedRows() == []  # nothing selected, nothing highlighted
