"""Label chips and fills: chips stay inside their span, scores on demand, opaque fills that never mix."""

from __future__ import annotations

import itertools
import json

import pytest
from PySide6.QtGui import QColor

from nerdesk.core.labels import PALETTE, LabelSet, color_distance
from nerdesk.core.spans import Span
from nerdesk.gui.annotation_view import AnnotationView
from nerdesk.storage.project import Project

OKABE_ITO = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}


@pytest.fixture
def view(qtbot):
    widget = AnnotationView()
    qtbot.addWidget(widget)
    widget.resize(520, 260)
    widget.set_labels(LabelSet.from_names(["PERSON", "ORG", "LOC"]))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def pieces_of(view, span: Span):
    return [piece for piece in view._pieces() if piece.span == span]


def test_chips_of_one_character_cjk_spans_stay_over_their_character(view):
    first, second, third = Span(0, 1, "PERSON"), Span(1, 2, "PERSON"), Span(2, 3, "LOC")
    view.set_document("张伟在北京大学读书。", [first, second, third])
    assert view.level_of(first) == view.level_of(second) == view.level_of(third) == 0  # no extra rows
    for span in (first, second, third):
        (piece,) = pieces_of(view, span)
        chip = view._painter.chip_rect(piece)
        assert piece.left <= chip.left() and chip.right() <= piece.right  # never under the next character


def test_a_chip_at_the_right_margin_is_not_clipped(view):
    text = "word " * 60
    view.set_document(text, [])
    line_ends = [i for i in range(0, len(text), 5) if view.point_of(i).y() != view.point_of(i + 5).y()]
    last = line_ends[0]  # the last word of the first visual line
    span = Span(last, last + 4, "PERSON")
    view.set_document(text, [span])
    (piece, *_rest) = pieces_of(view, span)
    chip = view._painter.chip_rect(piece)
    assert chip.right() <= view.viewport().width()
    assert chip.width() < view._painter.chip_width("PERSON")  # shrunk to the word, its label elided


def test_scores_on_chips_on_demand(view):
    prediction = Span(0, 5, "LOC", "pred", 0.873)
    view.set_document("Paris is big.", [prediction])
    assert view._painter.chip_text(prediction) == "LOC"
    view.set_show_scores(True)
    assert view._painter.chip_text(prediction) == "LOC 0.87"
    assert view._painter.chip_text(Span(0, 5, "LOC")) == "LOC"  # gold spans have no score


def colour_at(view, x: float, y: float) -> QColor:
    return view.viewport().grab().toImage().pixelColor(round(x), round(y))


def test_nested_fills_do_not_mix_and_the_outer_span_keeps_an_outline(view):
    text = "mmmm ooo nnnn mmmm"
    outer, inner = Span(0, 13, "ORG"), Span(5, 8, "LOC")
    view.set_labels(LabelSet.from_names(["ORG", "LOC"]))
    view.set_document(text, [outer, inner])
    colors = {label.name: QColor(label.color) for label in view._labels}
    (inner_piece,) = pieces_of(view, inner)
    (outer_piece,) = pieces_of(view, outer)
    middle_x = (inner_piece.left + inner_piece.right) / 2
    top = inner_piece.text_top + 2
    expected_inner = view._painter.fill_color(colors["LOC"], is_prediction=False)
    assert colour_at(view, middle_x, top) == expected_inner  # the inner label's own tint, not a blend
    expected_outer = view._painter.fill_color(colors["ORG"], is_prediction=False)
    assert colour_at(view, outer_piece.left + 3, top) == expected_outer
    space_x = view.point_of(text.index(" ")).x()
    assert colour_at(view, space_x, outer_piece.text_top) == colors["ORG"]  # the outline of the outer span
    view.grab().save("/tmp/shots/nested-fills.png")


def test_new_labels_get_colour_blind_safe_colours(tmp_path):
    assert {color.lower() for color in PALETTE[:7]} == OKABE_ITO
    assert "#f032e6" not in PALETTE and "#e6194b" not in PALETTE  # no magenta beside red
    with Project.create(tmp_path / "p.nerdesk") as project:
        colors = [project.add_label(name).color for name in ("sym", "dis", "bod")]
    assert [c.lower() for c in colors] == [c.lower() for c in PALETTE[:3]]



def test_forty_labels_get_forty_colours_and_a_deleted_labels_colour_is_free_again(tmp_path):
    # Label colours repeated after the palette's 14: 35 labels shared 14 colours.
    with Project.create(tmp_path / "many.nerdesk") as project:
        project.ensure_labels([f"L{n}" for n in range(40)])
        colors = [label.color.lower() for label in project.label_set()]
        assert len(set(colors)) == 40 and colors[:len(PALETTE)] == [c.lower() for c in PALETTE]
        assert min(color_distance(a, b) for a, b in itertools.combinations(colors, 2)) >= 15  # CIE76: told apart
        project.delete_label("L3")
        assert project.add_label("NEW").color.lower() == PALETTE[3].lower()


def test_show_scores_is_a_view_menu_preference(make_window, tmp_path):
    window = make_window()
    assert not window.show_scores_action.isChecked() and not window.view.show_scores
    window.show_scores_action.trigger()
    assert window.view.show_scores
    assert json.loads((tmp_path / "preferences.json").read_text())["show_scores"] is True
    window.close()
    assert make_window().view.show_scores
