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
