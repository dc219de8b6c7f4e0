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


def test_an_edit_or_another_document_sets_the_counts_without_building_the_rows_again(make_window, tmp_path):
    """Each edit, and each step to another document, built every label row again: a tenth of a second a key
    with 28 labels."""
    window = window_with_labels_gpe_per(make_window, tmp_path, [Document(TEXT), Document(TEXT, [Span(0, 5, "GPE")])])
    palette = window.palette.table
    window.session.open_document(window.session.project.document_ids()[0])
    name_item = palette.item(0, 0)
    palette.selectRow(1)
    window.session.add_span(16, 21, "GPE")
    assert palette.item(0, 0) is name_item  # the row stayed, its count changed
    assert palette.item(0, 2).text() == "1" and palette.item(1, 2).text() == "0"
    assert window.palette.current_label() == "PER"
    window.session.undo_stack.undo()
    assert palette.item(0, 2).text() == "0"
    window.session.open_document(window.session.project.document_ids()[1])  # another document: its counts
    assert palette.item(0, 0) is name_item and palette.item(0, 2).text() == "1"
    window.session.add_label("LOC", "#009e73", "l")  # a new label still builds the rows
    assert palette.rowCount() == 3 and palette.item(2, 0).text() == "LOC"
