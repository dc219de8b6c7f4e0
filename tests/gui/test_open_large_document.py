"""Opening a long document: the room under every line is given at once, and a text wrapped a moment ago is
not wrapped again (going back to a 2 MB document laid it out anew, seconds of Qt's line breaking).

Offsets stay code points through it all: CJK, emoji, ZWJ sequences and ``\\r\\n`` in the text.
"""

from __future__ import annotations

import pytest
from conftest import press, select_with_keyboard
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextBlockFormat

from nerdesk.core.labels import LabelSet
from nerdesk.core.spans import Span
from nerdesk.gui import view_wrap
from nerdesk.gui.annotation_view import AnnotationView

LINE = "Zoë met 王小明 at 北京大学 👩‍🔬 lab, then 😀 ok.\r\n"
ARABIC = "زار محمد مدينة الرياض في المملكة العربية السعودية يوم الأحد. " * 4 + "\r\n"
TEXT = LINE * 40 + ARABIC + LINE * 40


@pytest.fixture
def view(qtbot):
    widget = AnnotationView()
    qtbot.addWidget(widget)
    widget.resize(420, 300)  # narrow: long lines wrap
    widget.set_labels(LabelSet.from_names(["PER", "ORG", "LOC"]))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def line_rooms(view) -> list[tuple[float, Qt.LayoutDirection]]:
    """(room under the line, direction) of every visual line."""
    rooms = []
    block = view.document().begin()
    while block.isValid():
        block_format = block.blockFormat()
        assert block_format.lineHeightType() == QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value
        rooms.append((block_format.lineHeight(), block_format.layoutDirection()))
        block = block.next()
    return rooms


def test_every_line_gets_its_room_and_keeps_its_direction(view):
    deep_at = TEXT.index("北京大学", len(LINE) * 60)
    stack = [Span(deep_at, deep_at + 4, "ORG"), Span(deep_at, deep_at + 2, "LOC"), Span(deep_at + 2, deep_at + 4, "LOC"),
             Span(deep_at, deep_at + 1, "PER")]
    view.set_document(TEXT, stack)
    rooms = line_rooms(view)
    least, three = view._painter.room_below_line(1), view._painter.room_below_line(3)
    deep_line = view.document().findBlock(view._display.to_qt(deep_at)).blockNumber()
    assert rooms[deep_line][0] == three
    assert {room for number, (room, _) in enumerate(rooms) if number != deep_line} == {least}
    arabic = [direction for (_, direction), number in zip(rooms, range(len(rooms)), strict=True)
              if view.document().findBlockByNumber(number).text().startswith(("زار", "مدينة", "المملكة", "يوم", "في"))]
    assert arabic and set(arabic) == {Qt.LayoutDirection.RightToLeft}
    assert rooms[0][1] == Qt.LayoutDirection.LeftToRight
    view.set_spans(stack[:1])  # an edit gives the line its least room again
    assert {room for room, _ in line_rooms(view)} == {least}


def test_a_document_opened_again_is_not_wrapped_again(qtbot, view, monkeypatch):
    wrapped = []
    wrap = view_wrap.visual_line_starts
    monkeypatch.setattr(view_wrap, "_recent_wraps", view_wrap.RecentWraps())  # none from the tests before
    monkeypatch.setattr(view_wrap, "visual_line_starts", lambda text, *rest: wrapped.append(len(text)) or wrap(text, *rest))
    other = "Another document 北京 😀.\r\n" * 30
    view.set_document(TEXT, [])
    shown = view.document().toPlainText()
    view.set_document(other, [])
    view.set_document("".join(TEXT), [])  # the same text read again: another string object
    assert wrapped == [len(TEXT), len(other)]
    assert view.document().toPlainText() == shown
    start = TEXT.index("王小明", len(LINE) * 50)
    with qtbot.waitSignal(view.labelRequested) as signal:
        select_with_keyboard(qtbot, view, start, 3)
        press(view, Qt.Key.Key_1, "1")
    assert signal.args == [start, start + 3, "PER"]
    scientist = TEXT.index("👩‍🔬", len(LINE) * 70)
    view.select_range(scientist + 1, scientist + 2)  # inside the ZWJ sequence
    assert view.selected_range() == (scientist, scientist + len("👩‍🔬"))
    view.resize(520, 300)  # another width: wrapped anew
    qtbot.waitUntil(lambda: len(wrapped) == 3)
    assert view.document().toPlainText() != shown and view.text == TEXT
