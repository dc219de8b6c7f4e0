"""The label palette counts the spans the view shows: no predictions below the minimum score."""

from __future__ import annotations

from conftest import window_with_labels_gpe_per

from nerdesk.core.document import Document
from nerdesk.core.spans import Span

TEXT = "Greta flew from Paris to Rome."


def test_the_palette_does_not_count_predictions_below_the_minimum_score(make_window, tmp_path):
    shown, hidden = Span(16, 21, "GPE", "pred", 0.9), Span(25, 29, "GPE", "pred", 0.2)
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document(TEXT, [shown, hidden])])
    palette = window.palette.table
    assert (palette.item(0, 0).text(), palette.item(0, 3).text()) == ("GPE", "1")
    window.model_panel.set_min_score(0.1)
    assert palette.item(0, 3).text() == "2"
