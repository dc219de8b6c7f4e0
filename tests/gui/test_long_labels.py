"""A long label name is cut short with "…" (whole in the tooltip) and never widens a dock or the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from nerdesk.core.document import Document
from nerdesk.core.labels import Label
from nerdesk.gui.theme import apply_theme
from nerdesk.storage.project import Project

LONG = "ADVERSE_DRUG_REACTION_REPORTED_BY_THE_PATIENT_AT_FOLLOW_UP_0"  # 60 characters


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "long-labels.nerdesk"
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "1")
        project.add_documents([Document("Greta flew to Paris."), Document("Rome.")])
    built = make_window()
    built.open_project(path)
    return built


def dock_sizes(window) -> dict[str, tuple[int, int]]:
    """Each dock's width and the least width its contents ask for."""
    return {dock.windowTitle(): (dock.width(), dock.minimumSizeHint().width())
            for dock in window.findChildren(QDockWidget)}


def test_adding_a_long_label_keeps_every_dock_and_the_window_as_wide(qtbot, window):
    assert len(LONG) == 60
    docks, width, least = dock_sizes(window), window.width(), window.minimumSizeHint().width()
    window.add_label(Label(LONG, "#e69f00", "q"))
    try:
        window.theme_actions["dark"].trigger()  # size hints are measured again, as at the next start
        qtbot.wait(50)
        assert dock_sizes(window) == docks
        assert (window.width(), window.minimumSizeHint().width()) == (width, least)
    finally:
        apply_theme("light")


def test_the_label_filter_elides_a_long_name_and_says_it_whole_in_its_tooltip(qtbot, window):
    combo = window.documents.label
    narrow = combo.sizeHint().width()
    window.add_label(Label(LONG, "#e69f00", "q"))
    combo.setCurrentText(LONG)
    assert combo.currentText() == LONG and combo.toolTip() == LONG
    assert combo.itemData(combo.findText(LONG), Qt.ItemDataRole.ToolTipRole) == LONG  # in the list too
    assert combo.sizeHint().width() == narrow < combo.fontMetrics().horizontalAdvance(LONG)
    assert window.documents.model.filter.label == LONG  # the whole name filters, not the elided one


def test_the_palette_row_of_a_long_label_fits_the_panel(qtbot, window):
    window.add_label(Label(LONG, "#e69f00", "q"))
    table = window.palette.table
    qtbot.waitUntil(lambda: table.horizontalHeader().length() <= table.viewport().width())
    row = next(row for row in range(table.rowCount()) if table.item(row, 0).text() == LONG)
    assert LONG in table.item(row, 0).toolTip()
    assert table.horizontalScrollBar().maximum() == 0
