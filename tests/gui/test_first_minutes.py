"""What an annotator does in the first minutes, on the real window offscreen: keys must act on what is shown."""

from __future__ import annotations

from conftest import press, select_with_keyboard, window_with_labels_gpe_per
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.core.spans import Span

TEXT = "Ada Lovelace met 王小明 in London 👩‍🔬.\r\nThen Paris."


def _window(make_window, tmp_path, spans=()):
    return window_with_labels_gpe_per(make_window, tmp_path, [Document(TEXT, spans=list(spans))])


def _gold(window) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in window.view.spans if s.source == "gold"}


def test_tab_to_a_span_drops_the_text_selection_so_a_label_key_relabels_that_span(qtbot, make_window, tmp_path):
    london = TEXT.index("London")
    window = _window(make_window, tmp_path, [Span(london, london + 6, "PER")])
    view = window.view
    select_with_keyboard(qtbot, view, 0, 3)  # "Ada" selected with Shift+arrows
    press(view, Qt.Key.Key_Tab)  # then the user moves to the span, which the status bar names
    assert view.selected_span() == Span(london, london + 6, "PER")
    assert not view.textCursor().hasSelection()
    press(view, Qt.Key.Key_G, "g")
    assert _gold(window) == {(london, london + 6, "GPE")}


def _click_span_row(qtbot, window, row: int) -> None:
    tree = window.span_tree
    qtbot.waitUntil(lambda: tree.settled)
    rect = tree.visualRect(tree.model().index(row, 1))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_keys_act_on_a_span_chosen_in_the_spans_panel(qtbot, make_window, tmp_path):
    london, paris = TEXT.index("London"), TEXT.index("Paris")
    ada = Span(0, 12, "PER", source="pred", score=0.9)
    window = _window(make_window, tmp_path, [ada, Span(london, london + 6, "GPE", source="pred", score=0.8),
                                             Span(paris, paris + 5, "PER")])
    tree = window.span_tree
    _click_span_row(qtbot, window, 0)  # the user clicks "Ada Lovelace" in the Spans panel: the keyboard is there
    assert window.view.selected_span() == ada and tree.hasFocus()
    press(tree, Qt.Key.Key_A, "a")  # accept it
    assert (0, 12, "PER") in _gold(window)
    assert window.view.selected_span().start == london  # on to the next prediction, as in the text
    press(tree, Qt.Key.Key_R, "r")  # reject that one
    assert all(s.source == "gold" for s in window.view.spans)
    _click_span_row(qtbot, window, 1)  # Paris, gold PER
    press(tree, Qt.Key.Key_G, "g")
    assert (paris, paris + 5, "GPE") in _gold(window)
    press(tree, Qt.Key.Key_Delete)
    assert _gold(window) == {(0, 12, "PER")}


def _search_window(make_window, tmp_path):
    documents = [Document("Greta flew to Rome."), Document("A day in Paris."), Document("Back in Oslo.")]
    return window_with_labels_gpe_per(make_window, tmp_path, documents)


def test_enter_in_the_search_box_opens_the_first_match_and_gives_the_keyboard_to_the_text(qtbot, make_window,
                                                                                          tmp_path):
    window = _search_window(make_window, tmp_path)
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.documents.search
    assert search.hasFocus()
    qtbot.keyClicks(search, "Paris")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # at once: no waiting for the search to settle
    assert window.session.document.text == "A day in Paris."
    assert window.view.hasFocus()
    window.view.select_range(9, 14)
    qtbot.keyClick(window.view, Qt.Key.Key_G)  # the label keys work straight away
    assert _gold(window) == {(9, 14, "GPE")}


def test_keys_that_find_nothing_say_so(qtbot, make_window, tmp_path):
    # Enter on a search with no match, and F8 in a document with no prediction, left the last message standing.
    window = _search_window(make_window, tmp_path)
    window.statusBar().showMessage("an older message")
    press(window.view, Qt.Key.Key_F8)
    assert window.statusBar().currentMessage().startswith("No pending prediction shown in this document")
    search = window.documents.search
    qtbot.keyClicks(search, "Lisbon")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "No document matches \u201cLisbon\u201d"


def test_down_in_the_search_box_moves_to_the_list_where_enter_opens(qtbot, make_window, tmp_path):
    window = _search_window(make_window, tmp_path)
    search, table = window.documents.search, window.documents.table
    search.setFocus()
    qtbot.keyClicks(search, "in")
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 2)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.session.document.text == "Back in Oslo."
    assert window.view.hasFocus()


def test_a_key_that_can_do_nothing_says_why_in_the_status_bar(qtbot, make_window, tmp_path):
    paris = TEXT.index("Paris")
    window = _window(make_window, tmp_path, [Span(paris, paris + 1, "GPE")])
    view, status = window.view, window.statusBar()
    press(view, Qt.Key.Key_Escape)  # nothing selected
    for key, text, words in ((Qt.Key.Key_G, "g", "select text"), (Qt.Key.Key_Delete, "", "select a span"),
                             (Qt.Key.Key_A, "a", "f8"), (Qt.Key.Key_R, "r", "f8")):
        status.clearMessage()
        press(view, key, text)
        assert words in status.currentMessage().lower(), (text, status.currentMessage())
    view.select_span(Span(paris, paris + 1, "GPE"))  # a gold span of one character
    for key, text in ((Qt.Key.Key_A, "a"), (Qt.Key.Key_R, "r")):
        status.clearMessage()
        press(view, key, text)
        assert "gold" in status.currentMessage(), status.currentMessage()
    status.clearMessage()
    press(view, Qt.Key.Key_Right, modifiers=Qt.KeyboardModifier.AltModifier)  # its start cannot pass its end
    assert "one character" in status.currentMessage(), status.currentMessage()
    assert _gold(window) == {(paris, paris + 1, "GPE")}


def _long_note_with_rome_deleted(make_window, tmp_path):
    """A window on a 200-line note whose first word, a GPE span, the user has just deleted."""
    text = "Rome is far.\n" + "".join(f"Line {number} of a long note.\n" for number in range(200))
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document(text, spans=[Span(0, 4, "GPE")])])
    window.view.select_span(Span(0, 4, "GPE"))
    press(window.view, Qt.Key.Key_Delete)
    return window


def _is_on_screen(view, index: int) -> bool:
    return view.viewport().rect().contains(view.point_of(index))


def test_undo_shows_and_selects_what_it_brought_back_and_says_what_it_undid(qtbot, make_window, tmp_path):
    window = _long_note_with_rome_deleted(make_window, tmp_path)
    view = window.view
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # the user reads on, far below
    assert not _is_on_screen(view, 0)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.selected_span() == Span(0, 4, "GPE")
    assert _is_on_screen(view, 0)
    assert window.statusBar().currentMessage().startswith("Undone: ")
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _is_on_screen(view, 0)  # the redone delete: where the span was
    assert window.statusBar().currentMessage().startswith("Redone: ")


def test_an_undo_in_another_document_opens_it_and_selects_what_it_brought_back(qtbot, make_window, tmp_path):
    documents = [Document("Rome is far.", spans=[Span(0, 4, "GPE")]), Document("Paris is near.")]
    window = window_with_labels_gpe_per(make_window, tmp_path, documents)
    first = window.session.doc_id
    window.view.select_span(Span(0, 4, "GPE"))
    press(window.view, Qt.Key.Key_Delete)
    qtbot.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # on to the next document
    assert window.session.doc_id != first
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == first
    assert window.view.selected_span() == Span(0, 4, "GPE")
    assert window.statusBar().currentMessage().startswith("Undone: ")


def test_undoing_a_step_without_spans_does_not_jump_to_the_span_of_an_earlier_edit(qtbot, make_window, tmp_path):
    window = _long_note_with_rome_deleted(make_window, tmp_path)
    view = window.view
    window.session.set_evaluation_only([window.session.doc_id], True)  # from the document list's menu
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undoes that only
    assert Span(0, 4, "GPE") not in view.spans
    assert not _is_on_screen(view, 0)
    assert window.statusBar().currentMessage().startswith("Undone: ")


def test_a_keyboard_selection_shows_its_whole_words_when_shift_is_let_go(qtbot, make_window, tmp_path):
    # "Lo" of "London" picked with Shift+arrows: the label key took all of "London", which nothing had shown.
    window = _window(make_window, tmp_path)
    view = window.view
    london = TEXT.index("London")
    select_with_keyboard(qtbot, view, london, 2)  # ends by letting go of Shift
    assert view.textCursor().selectedText() == "London"  # shown before the key is pressed
    press(view, Qt.Key.Key_G, "g")
    assert _gold(window) == {(london, london + len("London"), "GPE")}


def test_the_context_menu_copies_the_selection_and_names_each_labels_key(qtbot, make_window, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QMenu

    window = _window(make_window, tmp_path)
    view = window.view
    start = TEXT.index("London")
    view.select_range(start - 3, start + len("London 👩‍🔬"))
    seen: dict[str, list[str]] = {}

    def read_then_copy():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        actions = {action.text(): action for action in menu.actions()}
        seen["menu"] = list(actions)
        seen["labels"] = [a.text() for a in actions["Label selection as"].menu().actions()]
        next(a for name, a in actions.items() if name.startswith("Copy\t")).trigger()
        menu.close()

    QTimer.singleShot(100, read_then_copy)
    point = view.point_of(start)
    view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)))
    assert seen["menu"][0].startswith("Copy\t") and seen["menu"][1] == "Label selection as"
    assert seen["labels"] == ["GPE\tg", "PER\tp"]
    assert QApplication.clipboard().text() == "in London 👩‍🔬"
