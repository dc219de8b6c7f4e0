"""At the default window size (1280x800) every header of the Spans, Model versions and Documents tables is shown
whole and no column is hidden to the right; a value cut short ends in "…" and its tooltip gives it whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.gui.main_window import PANELS_WIDTH
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import embedded_model

LONG_LABEL = "ADVERSE_DRUG_REACTION_REPORTED_BY_THE_PATIENT_AT_FOLLOW_UP_0"
TEXT = ("Greta Lindqvist of the Springfield General Hospital cardiology outpatient programme reported persistent "
        "dizziness after starting metoprolol succinate.")
MENTION = (13, 81)  # "the Springfield General Hospital cardiology outpatient programme"
NAME = "clinical-notes-2024-batch-07-springfield-cardiology-record-{:05d}"
LONG_VERSION = "cardiology-notes-retrained-on-the-reviewed-december-batch@1234abcd"


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "columns.nerdesk"
    bundle = embedded_model("en-general-conll")
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "1")
        project.add_label(LONG_LABEL, "#e69f00", "2")
        spans = [Span(0, 15, "PER", "gold"), Span(*MENTION, LONG_LABEL, "pred", 0.87)]
        project.add_documents([Document(TEXT, spans=spans, name=NAME.format(0))])
        project.add_documents([Document(f"Patient {number} was seen by Greta Lindqvist in Springfield.",
                                        spans=[Span(28, 43, "PER", "gold")], name=NAME.format(number),
                                        status="reviewed", split="eval") for number in range(1, 4)])
        for name in ("en-general-conll@1", LONG_VERSION):
            model_id = project.register_model(name=name, bundle_path=bundle, metrics={}, settings={},
                                              trained_on={"train_documents": 17291})
        project.set_active_model(model_id)
    built = make_window()
    built.open_project(path)
    assert built.size().toTuple() == (1280, 800)
    return built


def assert_headers_whole(view) -> None:
    """Each header's text fits its section, and the sections fit the view (no column hidden to the right)."""
    header = view.header() if hasattr(view, "header") else view.horizontalHeader()
    for section in range(header.count()):
        text = view.model().headerData(section, Qt.Orientation.Horizontal)
        assert header.sectionSize(section) >= header.fontMetrics().horizontalAdvance(text), text
    assert header.length() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0


def test_the_spans_panel_shows_every_column_and_cuts_a_long_label_short(qtbot, window):
    tree = window.span_tree
    qtbot.waitUntil(lambda: tree.item_model.rowCount() == 2)
    assert_headers_whole(tree)
    model, header = tree.item_model, tree.header()
    row = next(row for row, (_depth, span) in enumerate(model.rows()) if span.label == LONG_LABEL)
    for column in (2, 3):  # Range and Source show their values whole
        value = model.index(row, column).data()
        assert header.sectionSize(column) >= tree.fontMetrics().horizontalAdvance(value), value
    assert model.index(row, 3).data() == "pred 0.87"
    label, text = model.index(row, 0), model.index(row, 1)
    assert header.sectionSize(0) < tree.fontMetrics().horizontalAdvance(label.data())  # cut short...
    assert LONG_LABEL in label.data(Qt.ItemDataRole.ToolTipRole)  # ...and whole in the tooltip
    assert text.data(Qt.ItemDataRole.ToolTipRole) == TEXT[slice(*MENTION)]
    assert header.sectionSize(1) >= header.fontMetrics().horizontalAdvance("Text")


def test_the_model_versions_table_shows_every_column_with_scores(qtbot, window):
    panel = window.versions_panel
    dock = panel.parentWidget()
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: not panel.scoring, timeout=60_000)
    panel.tree.expandAll()
    assert panel.tree.topLevelItem(0).text(1) not in ("", "–")  # scored: F1, P and R have their numbers
    assert_headers_whole(panel.tree)
    newest = panel.tree.topLevelItem(0)
    assert LONG_VERSION in newest.toolTip(0)


def test_the_document_list_shows_each_documents_beginning_not_its_shared_name(window):
    model, table = window.documents.model, window.documents.table
    assert_headers_whole(table)
    titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert titles[0] == TEXT[:119] + "…"
    assert titles[1:] == [f"Patient {n} was seen by Greta Lindqvist in Springfield." for n in range(1, 4)]
    width = table.horizontalHeader().sectionSize(0)
    shown = {table.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, width - 8) for title in titles}
    assert len(shown) == len(titles)  # distinct documents look distinct
    tip = model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert titles[2] in tip and NAME.format(2) in tip and f"document {model.doc_id(2)}" in tip


def test_the_label_palette_shows_every_column_and_keeps_the_docks_width(window):
    palette = window.palette
    assert_headers_whole(palette.table)
    assert palette.parentWidget().width() == PANELS_WIDTH, "its buttons must not widen the right docks"
    for text, button in palette.buttons.items():
        assert button.width() >= button.fontMetrics().horizontalAdvance(text), text


def test_a_label_added_to_the_open_document_widens_the_label_column(qtbot, make_window, tmp_path):
    # The Label column was measured only when a document opened: the first span of an unannotated document
    # showed "MI…", a nested one only "…".
    path = tmp_path / "grow.nerdesk"
    with Project.create(path) as project:
        project.add_label("Disease_or_syndrome", "#e69f00", "1")
        project.add_documents([Document(TEXT)])
    window = make_window()
    window.open_project(path)
    tree = window.span_tree
    window.session.add_span(0, 15, "Disease_or_syndrome")
    qtbot.waitUntil(lambda: tree.item_model.rowCount() == 1 and tree.settled)
    label = tree.item_model.index(0, 0).data()
    assert tree.header().sectionSize(0) >= tree.fontMetrics().horizontalAdvance(label)
