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
