"""A document of megabytes: keys act at once, whatever the length of the text."""

from __future__ import annotations

from conftest import press, window_with_labels_gpe_per
from PySide6.QtCore import Qt

from nerdesk.core import offsets
from nerdesk.core.document import Document

LINE = "Greta flew from Paris to Rome.\n"


def test_labelling_and_nudging_in_a_long_text_segment_only_the_lines_around(make_window, tmp_path, monkeypatch):
    """Every selection segmented the whole text into graphemes: 11 s a label key in a 2 MB document."""
    text = LINE * 20_000  # 620,000 characters
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document(text)])
    window.session.open_document(window.session.project.document_ids()[0])
    segmented: list[int] = []
    whole = offsets.graphemes_boundaries
    monkeypatch.setattr(offsets, "graphemes_boundaries", lambda part: segmented.append(len(part)) or whole(part))
    paris = len(LINE) * 10_000 + LINE.index("Paris")
    window.view.select_range(paris, paris + 5)
    press(window.view, Qt.Key.Key_G, "g")
    [span] = window.session.document.spans
    assert (span.start, span.end, span.label) == (paris, paris + 5, "GPE")
    window.view.select_span(span)
    press(window.view, Qt.Key.Key_Right, "", Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [(s.start, s.end) for s in window.session.document.spans] == [(paris, paris + 6)]
    assert segmented and max(segmented) <= len(LINE)


def test_an_edit_reserves_room_only_where_a_stack_changed_without_going_over_every_line(qtbot):
    """After each edit every one of a text's lines was gone over (a tenth of a second an edit with 143,000
    lines); now only the lines holding stacks deeper than one bar are, and the others keep their room."""
    from nerdesk.core.labels import LabelSet
    from nerdesk.core.spans import Span
    from nerdesk.gui.annotation_view import AnnotationView

    view = AnnotationView()
    qtbot.addWidget(view)
    view.resize(700, 300)
    view.set_labels(LabelSet.from_names(["PER", "ORG", "LOC"]))
    view.show()
    text = LINE * 3000
    middle = len(LINE) * 1500
    view.set_document(text, [Span(16, 21, "LOC")])
    one_bar = view.point_of(middle + len(LINE)).y() - view.point_of(middle).y()
    document, lines_counted = view.document(), []
    real_block_count = document.blockCount

    def counting() -> int:
        lines_counted.append(True)
        return real_block_count()

    document.blockCount = counting
    deep = [Span(middle, middle + 29, "PER"), Span(middle + 16, middle + 29, "ORG"), Span(middle + 16, middle + 21, "LOC")]
    view.set_spans([Span(16, 21, "LOC"), *deep])
    assert view.point_of(middle + len(LINE)).y() - view.point_of(middle).y() >= one_bar + 2 * view._painter.level_height
    view.set_spans([Span(16, 21, "LOC")])
    assert view.point_of(middle + len(LINE)).y() - view.point_of(middle).y() == one_bar
    assert view.point_of(len(LINE)).y() - view.point_of(0).y() == one_bar
    assert not lines_counted
