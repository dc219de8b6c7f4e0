"""The document list: lazy pages, filters by status, label and text; and the span context menu."""

from __future__ import annotations

from conftest import press, press_shortcut
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from nerdesk import formats
from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project


def test_rows_arrive_a_page_at_a_time_and_filters_apply(qtbot, make_window, tmp_path):
    path = tmp_path / "many.nerdesk"
    with Project.create(path) as project:
        ids = project.add_documents(
            Document(f"文档 {n} 在上海" if n % 10 == 0 else f"document {n}",
                     [Span(0, 2, "LOC")] if n % 25 == 0 else []) for n in range(1000))
        project.set_status(ids[:3], "reviewed")
    window = make_window()
    window.open_project(path)
    panel = window.documents
    assert panel.model.total == 1000
    assert panel.model.rowCount() == panel.model.PAGE
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() > panel.model.PAGE)
    panel.status.setCurrentText("reviewed")
    assert panel.model.total == 3 and panel.model.rowCount() == 3
    panel.status.setCurrentText("any")
    panel.label.setCurrentText("LOC")
    assert panel.model.total == 40
    panel.label.setCurrentText("any")
    panel.search.setText("上海")
    qtbot.waitUntil(lambda: panel.model.total == 100)
    assert panel.count.text() == "100 documents"


def test_context_menu_lists_every_span_at_the_point(qtbot, make_window, tmp_path):
    text = "北京大学很大。"
    path = tmp_path / "menu.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(text, [Span(0, 4, "ORG"), Span(0, 2, "LOC"), Span(4, 6, "ORG")])])
    window = make_window()
    window.open_project(path)
    view = window.view
    titles: list[str] = []

    def read_and_close_menu():
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            titles.extend(action.text() for action in menu.actions())
            menu.close()

    QTimer.singleShot(100, read_and_close_menu)
    point = view.point_of(1)
    view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                                            view.viewport().mapToGlobal(point)))
    assert len(titles) == 2
    assert titles[0].startswith("LOC") and "北京" in titles[0]
    assert titles[1].startswith("ORG") and "北京大学" in titles[1]


def test_imported_documents_join_the_list_and_ctrl_down_reaches_them(qtbot, make_window, tmp_path):
    path = tmp_path / "grow.nerdesk"
    with Project.create(path) as project:
        project.add_documents(Document(f"旧文档 {n}") for n in range(10))
    incoming = tmp_path / "incoming.jsonl"
    formats.write_file([Document(f"new document {n} in 广州") for n in range(320)], incoming, "jsonl")
    window = make_window()
    window.open_project(path)
    panel, model = window.documents, window.documents.model
    window.open_document(10)
    window.import_files([str(incoming)], "jsonl")
    assert model.total == 330 and panel.count.text() == "330 documents"
    assert model.rowCount() == 10 + model.PAGE  # the first new page is listed at once, the rest on demand
    assert model.canFetchMore()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    press_shortcut(qtbot, window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == 11
    assert window.session.document.text == "new document 0 in 广州"
    window.open_document(model.doc_id(model.rowCount() - 1))
    press_shortcut(qtbot, window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == 10 + model.PAGE + 1  # past the loaded rows: the next page is fetched
    assert model.rowCount() == 330


def test_a_document_is_marked_evaluation_only_from_the_list_and_undo_gives_it_back(qtbot, make_window, tmp_path):
    from nerdesk.workflows.evaluation_set import ensure_evaluation_set, training_documents

    path = tmp_path / "eval.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(f"病例{n}咳嗽。", [Span(0, 2, "X")], status="reviewed") for n in range(8)])
    window = make_window()
    window.open_project(path)
    panel, project = window.documents, window.session.project
    first = panel.model.doc_id(0)
    menu = panel.evaluation_menu(0, first)
    action = menu.actions()[0]
    assert not action.isChecked()
    action.trigger()
    assert project.document(first).split == "eval"
    assert panel.model.data(panel.model.index(0, 1)) == "✔ eval"
    assert first in {doc.id for doc in ensure_evaluation_set(project).documents}
    assert first not in {doc.id for doc in training_documents(list(project.all_documents(status="reviewed")))}
    window.session.undo_stack.undo()
    assert project.document(first).split is None and not panel.model.is_evaluation(0)
    window.session.undo_stack.redo()
    panel.evaluation_menu(0, first).actions()[0].trigger()  # unchecking gives it back to training for good
    assert project.document(first).split == "train"
    assert first not in {doc.id for doc in ensure_evaluation_set(project).documents}


def test_the_pred_column_counts_what_the_view_shows_at_the_minimum_score(qtbot, make_window, tmp_path):
    path = tmp_path / "scores.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("李娜去了上海。", [Span(0, 2, "PER", "pred", 0.95, "m"),
                                                      Span(4, 6, "LOC", "pred", 0.3, "m")])])
    window = make_window()
    window.open_project(path)
    model = window.documents.model

    def pred_column() -> int:
        return model.data(model.index(0, 3))

    window.model_panel.set_min_score(0.5)
    assert pred_column() == 1
    window.session.open_document(model.doc_id(0))
    assert "1 pending here" in window.review.progress_label.text()  # the status bar and the list agree
    window.model_panel.set_min_score(0.2)
    assert pred_column() == 2
    window.model_panel.set_min_score(0.99)
    assert pred_column() == 0


def test_an_edit_reads_again_only_the_rows_in_sight_however_far_the_list_was_scrolled(qtbot, make_window, tmp_path):
    """Every edit refreshes the list: it read every loaded row again (2 s an edit with 52,000 rows loaded)."""
    path = tmp_path / "long.nerdesk"
    with Project.create(path) as project:
        project.add_label("LOC", "#0072b2", "l")
        project.add_documents(Document(f"文档 {n} 在上海") for n in range(1500))
    window = make_window()
    window.open_project(path)
    model, project = window.documents.model, window.session.project
    while model.canFetchMore():
        model.fetchMore()
    last = model.doc_id(model.rowCount() - 1)
    window.open_document(last)
    rows_read = []
    summaries = project.document_summaries

    def counting(**kwargs):
        found = summaries(**kwargs)
        rows_read.append(len(found))
        return found

    project.document_summaries = counting
    window.view.select_range(5, 7)
    press(window.view, Qt.Key.Key_L, "l")
    QApplication.processEvents()
    assert project.spans(last)[0].label == "LOC"
    assert sum(rows_read) <= 2 * model.PAGE  # the open document's page and its neighbour, not 1,500 rows
    assert model.data(model.index(model.rowCount() - 1, 2)) == 1  # its gold count is up to date
    window.session.set_status([model.doc_id(0)], "reviewed")  # a row out of sight: read again when asked
    assert model.data(model.index(0, 1)) == "✔"


def test_esc_in_the_search_box_clears_the_search_then_gives_the_keyboard_back_to_the_text(qtbot, make_window,
                                                                                            tmp_path):
    """Esc did nothing there: the list stayed filtered and the keyboard stayed in the box."""
    path = tmp_path / "esc.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("李娜去了上海。"), Document("Greta flew to Paris.")])
    window = make_window()
    window.open_project(path)
    panel = window.documents
    press_shortcut(qtbot, window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()
    panel.search.setText("Paris")
    qtbot.waitUntil(lambda: panel.model.total == 1)
    press_shortcut(qtbot, panel.search, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert panel.search.text() == "" and panel.model.total == 2 and panel.search.hasFocus()
    press_shortcut(qtbot, panel.search, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert window.view.hasFocus()
