"""The label palette counts the spans the view shows: no predictions below the minimum score."""

from __future__ import annotations

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project

TEXT = "Greta flew from Paris to Rome."


def open_window(make_window, tmp_path, documents):
    path = tmp_path / "keys.nerdesk"
    with Project.create(path) as project:
        project.add_label("GPE", "#0072b2", "g")
        project.add_label("PER", "#e69f00", "p")
        project.add_documents(documents)
    window = make_window()
    window.open_project(path)
    return window


def test_the_palette_does_not_count_predictions_below_the_minimum_score(make_window, tmp_path):
    shown, hidden = Span(16, 21, "GPE", "pred", 0.9), Span(25, 29, "GPE", "pred", 0.2)
    window = open_window(make_window, tmp_path, [Document(TEXT, [shown, hidden])])
    palette = window.palette.table
    assert (palette.item(0, 0).text(), palette.item(0, 3).text()) == ("GPE", "1")
    window.model_panel.set_min_score(0.1)
    assert palette.item(0, 3).text() == "2"
