"""The annotation view on its own: offsets at the Qt border, selection, keys, clicks, painting."""

from __future__ import annotations

import time

import pytest
from conftest import click_character, press, select_with_keyboard
from PySide6.QtCore import QPoint, Qt

from nerdesk.core.labels import LabelSet
from nerdesk.core.spans import Span
from nerdesk.gui.annotation_view import AnnotationView

TEXT = "Zoë met 王小明 at 北京大学 👩‍🔬 lab.\r\nNext line 😀 ok\r\nEnd"


@pytest.fixture
def view(qtbot):
    widget = AnnotationView()
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.set_labels(LabelSet.from_names(["PER", "ORG", "LOC"]))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_qt_holds_the_text_with_each_crlf_as_one_break(view):
    view.set_document(TEXT, [])
    assert view.document().toPlainText() == TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize("mention, graphemes", [("王小明", 3), ("北京大学", 4), ("👩‍🔬", 1), ("😀", 1),
                                                ("End", 3), ("Zoë", 3)])
def test_keyboard_selection_and_label_key_give_code_point_offsets(qtbot, view, mention, graphemes):
    view.set_document(TEXT, [])
    start = TEXT.index(mention)
    with qtbot.waitSignal(view.labelRequested) as signal:
        select_with_keyboard(qtbot, view, start, graphemes)
        press(view, Qt.Key.Key_1, "1")
    assert signal.args == [start, start + len(mention), "PER"]
    assert TEXT[signal.args[0]:signal.args[1]] == mention


def test_selection_over_a_crlf_keeps_both_characters(qtbot, view):
    view.set_document(TEXT, [])
    start = TEXT.index("lab.")
    with qtbot.waitSignal(view.labelRequested) as signal:
        select_with_keyboard(qtbot, view, start, len("lab.") + 1 + len("Next"))
        press(view, Qt.Key.Key_2, "2")
    assert TEXT[signal.args[0]:signal.args[1]] == "lab.\r\nNext"


def test_selection_inside_an_emoji_snaps_to_the_whole_grapheme(view):
    view.set_document(TEXT, [])
    scientist = TEXT.index("👩‍🔬")
    view.select_range(scientist + 1, scientist + 2)  # inside the ZWJ sequence
    assert view.selected_range() == (scientist, scientist + len("👩‍🔬"))


def test_click_selects_innermost_span_then_cycles_outward(qtbot, view):
    start = TEXT.index("北京大学")
    inner, outer = Span(start, start + 2, "LOC"), Span(start, start + 4, "ORG")
    view.set_document(TEXT, [outer, inner])
    click_character(qtbot, view, start)
    assert view.selected_span() == inner
    qtbot.wait(qtbot_double_click_interval())
    click_character(qtbot, view, start)
    assert view.selected_span() == outer
    qtbot.wait(qtbot_double_click_interval())
    click_character(qtbot, view, start + 3)
    assert view.selected_span() == outer


def qtbot_double_click_interval() -> int:
    from PySide6.QtWidgets import QApplication

    return QApplication.doubleClickInterval() + 20


def test_keys_on_a_selected_prediction_request_accept_reject_and_delete(qtbot, view):
    start = TEXT.index("王小明")
    prediction = Span(start, start + 3, "PER", "pred", 0.9, "m1")
    view.set_document(TEXT, [prediction])
    view.select_span(prediction)
    with qtbot.waitSignal(view.acceptRequested) as accepted:
        press(view, Qt.Key.Key_A, "a")
    assert accepted.args == [[prediction]]
    view.set_spans([prediction])
    view.select_span(prediction)
    with qtbot.waitSignal(view.rejectRequested) as rejected:
        press(view, Qt.Key.Key_X, "x")
    assert rejected.args == [[prediction]]
    view.set_spans([prediction])
    view.select_span(prediction)
    with qtbot.waitSignal(view.deleteRequested) as deleted:
        press(view, Qt.Key.Key_Delete)
    assert deleted.args == [[prediction]]


def test_nudges_move_boundaries_by_whole_graphemes(qtbot, view):
    scientist = TEXT.index("👩‍🔬")
    span = Span(scientist - 5, scientist - 1, "ORG")  # "大学" plus... any span ending before the emoji
    view.set_document(TEXT, [span])
    view.select_span(span)
    with qtbot.waitSignal(view.resizeRequested) as grown:
        press(view, Qt.Key.Key_Right, modifiers=Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert grown.args == [span, span.start, scientist]
    view.set_spans([span.moved(span.start, scientist)])
    view.select_span(span.moved(span.start, scientist))
    with qtbot.waitSignal(view.resizeRequested) as over_emoji:
        press(view, Qt.Key.Key_Right, modifiers=Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert over_emoji.args[2] == scientist + len("👩‍🔬")
    with qtbot.waitSignal(view.resizeRequested) as start_moved:
        press(view, Qt.Key.Key_Right, modifiers=Qt.KeyboardModifier.AltModifier)
    assert start_moved.args[1] == span.start + 1


def test_predictions_below_the_threshold_are_hidden(view):
    low = Span(0, 3, "PER", "pred", 0.3)
    high = Span(8, 11, "PER", "pred", 0.8)
    view.set_document(TEXT, [low, high, Span(15, 19, "ORG")])
    view.set_min_score(0.5)
    assert low not in view.spans and high in view.spans and len(view.spans) == 2


def test_a_long_document_with_many_nested_spans_paints_quickly(view):
    sentence = "北京大学的王小明教授在 Microsoft Research 工作。"
    text = sentence * 700
    spans = []
    for offset in range(0, len(text) - len(sentence), len(sentence)):
        spans += [Span(offset, offset + 4, "ORG"), Span(offset, offset + 2, "LOC"),
                  Span(offset + 5, offset + 8, "PER")]
    started = time.perf_counter()
    view.set_document(text, spans)
    view.repaint()
    elapsed = time.perf_counter() - started
    assert len(text) > 20_000 and len(spans) >= 2000
    assert elapsed < 2.0  # the benchmark measures the real figure; this only catches a blow-up


def test_tab_walks_through_spans_in_reading_order(view):
    start = TEXT.index("北京大学")
    person = Span(TEXT.index("王小明"), TEXT.index("王小明") + 3, "PER")
    outer, inner = Span(start, start + 4, "ORG"), Span(start, start + 2, "LOC")
    view.set_document(TEXT, [inner, outer, person])
    press(view, Qt.Key.Key_Tab)
    assert view.selected_span() == person
    press(view, Qt.Key.Key_Tab)
    assert view.selected_span() == outer
    press(view, Qt.Key.Key_Tab)
    assert view.selected_span() == inner
    press(view, Qt.Key.Key_Backtab, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() == outer


def test_rows_for_bars_are_reserved_per_visual_line(qtbot, view):
    """One long paragraph: only the line holding the deep stack gets its empty rows."""
    text = "The interleukin 2 receptor alpha chain is expressed by activated human T cells. " * 12
    deep = [Span(4, 38, "PER"), Span(4, 26, "ORG"), Span(4, 15, "LOC")]  # three levels on the first line
    view.set_document(text, deep)
    later = [text.index("activated", 400 + step * 80) for step in range(3)]
    lines = sorted({view.point_of(index).y() for index in [0, *later]})
    assert len(lines) == 4, "the paragraph wraps into several visual lines"
    gaps = [below - above for above, below in zip(lines, lines[1:], strict=False)]
    assert gaps[0] > gaps[1] + view._painter.level_height  # room for three levels under line one only
    assert abs(gaps[1] - gaps[2]) <= 1  # lines without a stack of their own: one level each


def test_wrapped_lines_keep_offsets_and_copy_the_documents_own_text(qtbot, view):
    text = "甲乙丙丁戊己庚辛壬癸" * 20 + "\r\nEnd"
    view.set_document(text, [])
    assert "\n" in view.toPlainText()[:150]  # wrapped by the view itself
    start = next(i for i in range(1, 200) if view.point_of(i).y() != view.point_of(i - 1).y()) - 2
    view.select_range(start, start + 4)  # across a visual line break
    assert view.selected_range() == (start, start + 4)
    assert view.createMimeDataFromSelection().text() == text[start:start + 4]
    with qtbot.waitSignal(view.labelRequested) as labelled:
        press(view, Qt.Key.Key_1, "1")
    assert labelled.args == [start, start + 4, "PER"]
    view.select_range(len(text) - 6, len(text))
    assert view.createMimeDataFromSelection().text() == "癸\r\nEnd"


def test_a_wider_view_wraps_again_and_keeps_the_selection(qtbot, view):
    text = "甲乙丙丁戊己庚辛壬癸" * 30
    view.set_document(text, [Span(250, 260, "LOC")])
    view.select_range(200, 204)
    lines_before = view.document().blockCount()
    view.resize(1100, 300)
    qtbot.waitUntil(lambda: view.wrap_width() == view._wrapped_at, timeout=2000)
    assert view.document().blockCount() < lines_before
    assert view.selected_range() == (200, 204)
    assert view.level_of(Span(250, 260, "LOC")) == 0 and view.spans_at_point(view.point_of(255))


def test_right_to_left_words_are_drawn_and_clicked_where_their_glyphs_are(view):
    # The tint of a Hebrew or Arabic word lay on its neighbour: x of its start to x of its end is not where it is.
    text = "Hello שלום עולם world مرحبا بالعالم end."
    words = ("שלום", "بالعالم", "world")
    view.set_document(text, [Span(text.index(w), text.index(w) + len(w), "LOC") for w in words])
    pieces = {text[piece.span.start:piece.span.end]: piece for piece in view._pieces()}
    assert sorted(pieces) == sorted(words)
    for word, piece in pieces.items():
        middle = int((piece.text_top + piece.text_bottom) / 2)
        for share in (0.15, 0.5, 0.85):
            index = view.index_at(QPoint(int(piece.left + share * (piece.right - piece.left)), middle))
            assert text.index(word) <= index < text.index(word) + len(word), (word, share)


def test_a_wrapped_line_that_starts_in_hebrew_keeps_its_paragraphs_direction(view):
    from nerdesk.gui.view_wrap import visual_line_starts

    hebrew = "שלום עולם גדול מאוד"
    text = next(t for n in range(1, 120) if (t := "word " * n + hebrew + " end of it and more words here.").index(
        hebrew) in visual_line_starts(t, view.font(), view.wrap_width()))
    start = text.index(hebrew)
    view.set_document(text, [Span(start, start + 4, "LOC"), Span(text.index("end"), text.index("end") + 3, "ORG")])
    hebrew_piece, english_piece = sorted(view._pieces(), key=lambda piece: piece.span.start)
    assert hebrew_piece.text_top == english_piece.text_top, "both on the wrapped line"
    assert hebrew_piece.right < english_piece.left, "read left to right, as the paragraph it was cut from"


def test_an_arabic_paragraph_is_flush_right_on_every_wrapped_line(view):
    # Each line was drawn right to left but from the left edge, ragged at the right.
    view.set_document("زار محمد مدينة الرياض في المملكة العربية السعودية يوم الأحد. " * 6, [])
    rights, lefts = [], []
    block = view.document().begin()
    while block.isValid():
        line = block.layout().lineAt(0)
        rights.append(round(line.naturalTextRect().right()))
        lefts.append(round(line.naturalTextRect().left()))
        block = block.next()
    assert len(rights) > 3
    assert lefts[-1] > 0 and abs(rights[-1] - rights[-2]) <= 2, (lefts, rights)  # the short last line: at the right
