"""A small window keeps room for the text: the side docks narrow, down to their minimum widths, before the
annotation view does (Qt took every pixel of a shrinking window from the text: 88 of 800 were left)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from nerdesk.gui.dock_widths import TEXT_SHARE, RightColumnHeights


def settle(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: not window.text_room.timer.isActive(), timeout=2000)
    qtbot.wait(50)


def test_the_text_keeps_its_share_as_the_window_shrinks(make_window, qtbot):
    window = make_window()
    documents, labels = window._side_docks
    for width, height in ((1280, 800), (1024, 640)):
        settle(qtbot, window, width, height)
        assert window.centralWidget().width() >= TEXT_SHARE * width - 2, width
    settle(qtbot, window, 800, 600)
    assert documents.width() <= documents.minimumSizeHint().width() + 2
    assert window.centralWidget().width() >= 280  # was 88: the docks kept the widths of a 1280-pixel window


def test_a_hidden_dock_is_left_alone_and_a_wider_window_gives_the_room_to_the_text(make_window, qtbot):
    window = make_window()
    documents, labels = window._side_docks
    documents.hide()
    settle(qtbot, window, 900, 640)
    assert labels.width() >= labels.minimumSizeHint().width()
    assert window.centralWidget().width() >= TEXT_SHARE * 900 - 2
    text = window.centralWidget().width()
    settle(qtbot, window, 1400, 800)
    assert window.centralWidget().width() > text


def test_growing_the_window_again_gives_the_docks_their_widths_back(make_window, qtbot):
    window = make_window()
    settle(qtbot, window, 1280, 800)
    widths = [dock.width() for dock in window._side_docks]
    settle(qtbot, window, 800, 600)
    assert all(dock.width() < width for dock, width in zip(window._side_docks, widths, strict=True))
    settle(qtbot, window, 1280, 800)
    assert [dock.width() for dock in window._side_docks] == pytest.approx(widths, abs=3)


def test_the_label_buttons_keep_their_whole_text_in_the_narrowest_dock(make_window, qtbot):
    # Fusion draws a button's text inside 2 x (6 margin + 2 frame) pixels; with 16 pixels to spare "Apply"
    # lost its first letter in a dock at its narrowest (a screenshot at 301 pixels). 20 show it whole.
    window = make_window()
    settle(qtbot, window, 800, 600)
    for text, button in window.palette.buttons.items():
        assert button.width() - button.fontMetrics().horizontalAdvance(text) >= 20, text


def test_a_small_window_still_shows_four_labels(make_window, qtbot):
    # At 1024 x 640 the Labels panel showed two labels: rows 30 pixels high and a 140-pixel Retrain chart.
    window = make_window()
    settle(qtbot, window, 1024, 640)
    table = window.palette.table
    assert table.viewport().height() >= 4 * table.verticalHeader().defaultSectionSize()


def test_the_retrain_panels_lines_are_never_squeezed_under_its_chart(make_window, qtbot):
    window = make_window()
    panel = window.retrain_panel
    panel.status.setText("v4: F1 69.4 on your 40 evaluation documents; the active model has 69.0; v4 is now "
                         "active. 10 unreviewed documents predicted again.")
    for line in ("Start: continuing the active model with its head: its labels cover all 8 labels you reviewed",
                 "5 characters of the training documents were unknown to the start model and join its vocabulary",
                 "60 documents read as 73 windows of text; 381 of 381 gold spans usable"):
        panel.notes.add(line)
    panel.parentWidget().raise_()
    settle(qtbot, window, 1024, 640)
    for label in (panel.status, panel.notes):
        assert label.height() >= label.heightForWidth(label.width())
    assert panel.curve.geometry().top() >= panel.notes.geometry().bottom()


def test_a_finished_runs_notes_scroll_instead_of_squeezing_the_labels(make_window, qtbot):
    # At 1366 x 768 a run's status and four notes made the Retrain dock 367 pixels at least: Labels showed two rows.
    window = make_window()
    panel = window.retrain_panel
    panel.parentWidget().raise_()
    panel.status.setText("v1: F1 69.5 on your 40 evaluation documents; the active zh-medical-cmeee has 69.3; v1 is "
                         "now active. 10 unreviewed documents predicted again. 14 Latin-script documents keep their "
                         "predictions (the model was trained on Chinese (CJK) text).")
    for line in ("Start: continuing the active model zh-medical-cmeee@dcde5f4fd20a with its head: its labels cover "
                 "all 8 labels you reviewed; it learnt from 4,000 documents, no fewer than the 60 it has now",
                 "5 characters of the training documents were unknown to the start model and join its vocabulary",
                 "60 documents read as 73 windows of text; 381 of 381 gold spans usable",
                 "Decision threshold 0.45 chosen on the evaluation set"):
        panel.notes.add(line)
    table = window.palette.table
    for width, height in ((1366, 768), (1024, 640)):
        settle(qtbot, window, width, height)
        assert table.viewport().height() >= 4 * table.verticalHeader().defaultSectionSize(), (width, height)
        assert panel.status.height() >= panel.status.heightForWidth(panel.status.width())  # whole, and
        assert panel.status.visibleRegion().boundingRect().height() >= 3 * panel.status.fontMetrics().height()


def test_at_first_start_the_model_panel_is_as_high_as_its_buttons_and_labels_get_the_rest(qtbot, tmp_path):
    # Qt's even share left the Model panel blank at its bottom while Labels showed six rows at 1366x768.
    from PySide6.QtCore import QSettings

    from nerdesk.gui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), tmp_path / "p.json")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    labels, spans, model = window._right_stack
    qtbot.waitUntil(lambda: model.height() <= model.sizeHint().height() + 8, timeout=2000)
    assert labels.height() > spans.height() > model.height() - 100
    table = window.palette.table
    assert table.viewport().height() >= 7 * table.verticalHeader().defaultSectionSize()


def test_a_narrow_document_list_keeps_room_for_the_documents_beginnings(make_window, qtbot, tmp_path):
    # At 800 x 600 the Gold and Pred headers took 97 of the list's 159 pixels: each document showed one character.
    from nerdesk.core.document import Document
    from nerdesk.storage.project import Project

    path = tmp_path / "narrow.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(f"文档{n}：上海市第{n}人民医院。") for n in range(5)])
    window = make_window()
    window.open_project(path)
    table, model = window.documents.table, window.documents.model
    settle(qtbot, window, 800, 600)
    header = table.horizontalHeader()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (2, 3)] == ["G", "P"]
    assert header.sectionSize(0) >= 70
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole).startswith("Gold spans")
    settle(qtbot, window, 1280, 800)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (2, 3)] == ["Gold", "Pred"]


def test_a_project_with_nine_labels_shows_every_label_and_its_key(make_window, qtbot, tmp_path):
    # At 1366x768 the palette showed eight of CMeEE's nine labels; the ninth key was found only by scrolling it.
    from nerdesk.core.document import Document
    from nerdesk.storage.project import Project

    path = tmp_path / "nine.nerdesk"
    with Project.create(path) as project:
        for name in ("sym", "pro", "bod", "dis", "mic", "dep", "ite", "dru", "equ"):
            project.add_label(name)
        project.add_documents([Document("眼底检查可见玻璃体下出血。")])
    window = make_window()
    window.resize(1366, 768)
    window.open_project(path)
    table, spans = window.palette.table, window.span_tree
    row = table.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: table.viewport().height() >= 9 * row, timeout=2000)
    assert spans.viewport().height() >= RightColumnHeights.LEAST_SPAN_ROWS * row  # Spans keeps room too
