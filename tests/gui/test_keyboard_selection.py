"""Selecting text with the keyboard alone: the caret moved with arrows, the selection made with Shift+arrows and
Ctrl+Shift+arrows, Shift let go between taps, then a label key; in English, Chinese, emoji, ZWJ sequences and
across ``\\r\\n``."""

from __future__ import annotations

from conftest import press, window_with_labels_gpe_per
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.core.spans import PRED, Span

SHIFT, CONTROL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
ENGLISH = "He met Phil Simmons today in Leicester"
MIXED = "头痛😀3天\r\n患者👨\u200d👩\u200d👧家属 met José"


def tap(qtbot, view, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
    """Press ``key`` with ``modifiers`` ``times`` times, pressing and letting go of Shift and Ctrl each time."""
    for _ in range(times):
        qtbot.keyClick(view, key, modifiers)


def gold(window) -> set[tuple[str, str]]:
    text = window.session.document.text
    return {(text[span.start:span.end], span.label) for span in window.session.document.spans}


def open_keyboard_window(make_window, tmp_path, text: str):
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document(text)])
    window.view.setFocus()
    return window


def test_ctrl_shift_right_tapped_goes_on_past_the_space_it_stepped_over(qtbot, make_window, tmp_path):
    window = open_keyboard_window(make_window, tmp_path, ENGLISH)
    view = window.view
    tap(qtbot, view, Qt.Key.Key_Right, CONTROL, times=2)  # the caret before "Phil"
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT | CONTROL, times=2)  # "Phil ", then "Phil Simmons "
    assert view.textCursor().selectedText() == "Phil Simmons "
    press(view, Qt.Key.Key_P, "p")
    assert gold(window) == {("Phil Simmons", "PER")}  # the space the caret stepped over is not labelled


def test_a_selection_made_leftwards_keeps_growing_leftwards(qtbot, make_window, tmp_path):
    window = open_keyboard_window(make_window, tmp_path, ENGLISH)
    view = window.view
    tap(qtbot, view, Qt.Key.Key_Right, CONTROL, times=4)  # the caret before "today"
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT | CONTROL)  # "Simmons ": widened, but the caret stays at its start
    assert view.text_selection() == (ENGLISH.index("today"), ENGLISH.index("Simmons"))
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT | CONTROL)
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT)  # one character back: "hil Simmons " widens to the whole word
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT)
    press(view, Qt.Key.Key_P, "p")
    assert gold(window) == {("Phil Simmons", "PER")}


def test_a_character_selected_leftwards_widens_to_its_word_with_the_caret_at_the_start(qtbot, make_window,
                                                                                       tmp_path):
    window = open_keyboard_window(make_window, tmp_path, ENGLISH)
    view = window.view
    tap(qtbot, view, Qt.Key.Key_End)
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT)  # "r"
    assert view.text_selection() == (len(ENGLISH), ENGLISH.index("Leicester"))  # the whole word, caret at its start
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT, times=2)  # the space, then "in": a word further
    assert view.textCursor().selectedText() == "in Leicester"
    press(view, Qt.Key.Key_G, "g")
    assert gold(window) == {("in Leicester", "GPE")}


def test_characters_emoji_zwj_sequences_and_crlf_by_keyboard(qtbot, make_window, tmp_path):
    window = open_keyboard_window(make_window, tmp_path, MIXED)
    view = window.view
    tap(qtbot, view, Qt.Key.Key_Right)  # after 头
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT, times=3)  # 痛, 😀, 3: one character each, Shift let go between
    press(view, Qt.Key.Key_G, "g")
    tap(qtbot, view, Qt.Key.Key_End)  # the end of the first line, before "\r\n"
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT, times=4)  # the line break, 患, 者, the family (five code points)
    assert view.text_selection()[1] == MIXED.index("家")
    press(view, Qt.Key.Key_P, "p")
    tap(qtbot, view, Qt.Key.Key_End)
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT | CONTROL)  # "José" leftwards
    press(view, Qt.Key.Key_P, "p")
    assert gold(window) == {("痛😀3", "GPE"), ("患者👨\u200d👩\u200d👧", "PER"), ("José", "PER")}
    assert all(len(view.text) >= span.end for span in window.session.document.spans)


def test_the_caret_stays_where_it_was_when_the_text_wraps_again(qtbot, make_window, tmp_path):
    text = "甲乙丙丁戊己庚辛壬癸" * 300
    window = open_keyboard_window(make_window, tmp_path, text)
    view = window.view
    tap(qtbot, view, Qt.Key.Key_Down, times=20)
    caret = view.text_selection()
    assert caret[0] > 500
    window.resize(window.width() - 200, window.height())  # narrower: the text wraps again
    qtbot.waitUntil(lambda: view.wrap_width() == view._wrapped_at, timeout=2000)
    assert view.text_selection() == caret  # it went back to the start of the document
    window.zoom(1)  # a larger font wraps again too
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT | CONTROL, times=3)  # a selection made leftwards keeps its caret at
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT)  # its start
    selection = view.text_selection()
    window.zoom(0)
    assert view.text_selection() == selection
    press(view, Qt.Key.Key_G, "g")
    assert [(span.start, span.end) for span in window.session.document.spans] == [(min(selection), caret[0])]


def test_tab_and_f8_start_from_the_caret_and_a_selected_span_takes_the_caret(qtbot, make_window, tmp_path):
    window = open_keyboard_window(make_window, tmp_path, ENGLISH)
    view, session = window.view, window.session
    phil, leicester = ENGLISH.index("Phil"), ENGLISH.index("Leicester")
    session.add_span(phil, phil + len("Phil Simmons"), "PER")
    session.add_span(leicester, len(ENGLISH), "GPE")
    session.store_predictions([(session.doc_id, [Span(0, 2, "PER", PRED, 0.9),
                                                 Span(leicester, len(ENGLISH), "PER", PRED, 0.7)])], "m1")
    view.setFocus()
    tap(qtbot, view, Qt.Key.Key_Right, CONTROL, times=5)  # the caret before "in", past Phil Simmons
    tap(qtbot, view, Qt.Key.Key_Tab)
    assert view.selected_span().label == "GPE"  # the next span after the caret, not the document's first
    tap(qtbot, view, Qt.Key.Key_Escape)
    tap(qtbot, view, Qt.Key.Key_Backtab, SHIFT)
    assert view.selected_span().label == "PER"  # the one before
    assert view.text_selection() == (phil, phil)  # the caret went with the selection
    tap(qtbot, view, Qt.Key.Key_Right, CONTROL)  # ... so arrows go on from the span
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT | CONTROL)
    press(view, Qt.Key.Key_G, "g")
    assert ("Simmons", "GPE") in gold(window)
    tap(qtbot, view, Qt.Key.Key_F8)
    assert view.selected_span().start == leicester  # the next prediction after the caret


def test_accepting_and_rejecting_walk_down_a_long_document_with_the_selection_in_view(qtbot, make_window, tmp_path):
    line = "患者自述头痛三天，伴恶心。\n"
    text = line * 120
    window = open_keyboard_window(make_window, tmp_path, text)
    view, session = window.view, window.session
    session.store_predictions([(session.doc_id, [Span(at + 4, at + 6, "PER", PRED, 0.9)
                                                 for at in range(0, len(text), len(line))])], "m1")
    view.setFocus()
    tap(qtbot, view, Qt.Key.Key_F8)
    for number in range(60):
        tap(qtbot, view, Qt.Key.Key_A if number % 3 else Qt.Key.Key_R)
        selected = view.selected_span()
        assert selected.start == (number + 1) * len(line) + 4
        assert view.viewport().rect().contains(view.point_of(selected.start)), f"not in view after {number + 1}"


def test_an_arrow_at_the_end_of_a_wrapped_line_moves_one_character_on(qtbot, make_window, tmp_path):
    text = "甲乙丙丁戊己庚辛壬癸" * 40 + "\r\nEnd"
    window = open_keyboard_window(make_window, tmp_path, text)
    view = window.view
    wrapped_at = view._display.soft_breaks[0]  # where the view wrapped the first line
    tap(qtbot, view, Qt.Key.Key_Right, times=wrapped_at - 1)  # before the first line's last character
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT, times=2)  # its last character, then the next line's first
    assert view.selected_range() == (wrapped_at - 1, wrapped_at + 1)
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT)
    assert view.selected_range() == (wrapped_at - 1, wrapped_at)
    tap(qtbot, view, Qt.Key.Key_Escape)
    tap(qtbot, view, Qt.Key.Key_Right, times=2)  # the caret alone, too
    assert view.text_selection() == (wrapped_at + 2, wrapped_at + 2)


def test_selecting_text_with_the_keyboard_lets_go_of_the_selected_span(qtbot, make_window, tmp_path):
    window = open_keyboard_window(make_window, tmp_path, ENGLISH)
    view, session = window.view, window.session
    phil = ENGLISH.index("Phil")
    session.add_span(phil, phil + len("Phil Simmons"), "PER")
    view.setFocus()
    tap(qtbot, view, Qt.Key.Key_Tab)  # Phil Simmons, the caret at its start
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT | CONTROL)  # "met ": the text the keys now act on
    assert view.selected_span() is None and window.statusBar().currentMessage() == ""
    tap(qtbot, view, Qt.Key.Key_Delete)  # no span is selected: Del deletes nothing
    assert gold(window) == {("Phil Simmons", "PER")}
    press(view, Qt.Key.Key_G, "g")
    assert gold(window) == {("Phil Simmons", "PER"), ("met", "GPE")}


def test_ctrl_arrows_go_word_by_word_in_chinese_and_mixed_text(qtbot, make_window, tmp_path):
    text = "患者自述头痛三天，伴恶心。在Boston大学工作的José说：CT检查正常。"
    window = open_keyboard_window(make_window, tmp_path, text)
    view = window.view
    tap(qtbot, view, Qt.Key.Key_Right, CONTROL, times=2)  # a Chinese character is a word: not the paragraph's end
    assert view.text_selection() == (2, 2)
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT | CONTROL, times=4)
    press(view, Qt.Key.Key_G, "g")
    start = text.index("Boston") - 1
    view.set_text_selection(start, start)
    tap(qtbot, view, Qt.Key.Key_Right, SHIFT | CONTROL, times=2)  # 在, then Boston whole
    press(view, Qt.Key.Key_P, "p")
    tap(qtbot, view, Qt.Key.Key_End)
    tap(qtbot, view, Qt.Key.Key_Left, SHIFT | CONTROL, times=6)  # 。常正查检, then CT whole
    assert view.textCursor().selectedText() == "CT检查正常。"
    tap(qtbot, view, Qt.Key.Key_Left, CONTROL)  # without Shift: the caret alone, one word on
    assert view.text_selection() == (text.index("：CT"), text.index("：CT"))
    assert gold(window) == {("自述头痛", "GPE"), ("在Boston", "PER")}
