"""Label management from the window: rename, recolour, shortcut, merge, delete — each undoable."""

from __future__ import annotations

import pytest
from conftest import click_character
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton

from nerdesk.core.document import Document
from nerdesk.core.errors import NerdeskError
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.spans import Span
from nerdesk.gui.label_dialogs import LabelDialog
from nerdesk.gui.shortcuts import check_label_key
from nerdesk.storage.project import Project

TEXT = "张伟在北京大学读书。"


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "labels.nerdesk"
    with Project.create(path) as project:
        project.add_label("ORG", "#e6194b", "1")
        project.add_label("LOC", "#3cb44b", "2")
        project.add_documents([Document(TEXT, [Span(3, 7, "ORG"), Span(3, 5, "LOC"), Span(3, 5, "ORG")])])
    built = make_window()
    built.open_project(path)
    return built


def spans_in_file(window) -> set[tuple]:
    with Project.open(window.session.project.path) as project:
        return {(s.start, s.end, s.label) for s in project.spans(1)}


def labels_in_file(window) -> list[Label]:
    with Project.open(window.session.project.path) as project:
        return list(project.label_set())


def test_rename_recolour_and_rebind_then_undo(window):
    window.edit_label("LOC", Label("PLACE", "#000075", "5"))
    assert Label("PLACE", "#000075", "5") in labels_in_file(window)
    assert (3, 5, "PLACE") in spans_in_file(window)
    assert "PLACE" in window.palette.table.item(1, 0).text()
    window.session.undo_stack.undo()
    assert Label("LOC", "#3cb44b", "2") in labels_in_file(window)
    assert (3, 5, "LOC") in spans_in_file(window)


def test_merge_then_undo_restores_every_span(window):
    before = spans_in_file(window)
    window.merge_label("LOC", "ORG")
    assert spans_in_file(window) == {(3, 7, "ORG"), (3, 5, "ORG")}
    assert [label.name for label in labels_in_file(window)] == ["ORG"]
    window.session.undo_stack.undo()
    assert spans_in_file(window) == before
    window.session.undo_stack.redo()
    assert spans_in_file(window) == {(3, 7, "ORG"), (3, 5, "ORG")}


def test_delete_asks_first_and_can_be_undone(window, monkeypatch):
    monkeypatch.setattr(window, "confirm", lambda title, question: False)
    window.delete_label("ORG")
    assert len(labels_in_file(window)) == 2
    monkeypatch.setattr(window, "confirm", lambda title, question: True)
    window.delete_label("ORG")
    assert spans_in_file(window) == {(3, 5, "LOC")}
    assert window.view.spans == [Span(3, 5, "LOC")]
    window.session.undo_stack.undo()
    assert spans_in_file(window) == {(3, 7, "ORG"), (3, 5, "LOC"), (3, 5, "ORG")}
    assert {label.name for label in labels_in_file(window)} == {"ORG", "LOC"}


def test_label_keys_cannot_take_editing_keys_or_another_labels_key():
    labels = LabelSet([Label("ORG", "#e6194b", "1"), Label("LOC", "#3cb44b", "2")])
    for key in ("a", "R", "x", "2"):
        with pytest.raises(NerdeskError):
            check_label_key(key, labels, label_name="ORG")
    check_label_key("7", labels, label_name="ORG")
    check_label_key("1", labels, label_name="ORG")  # its own key


def test_the_label_dialog_reports_a_clashing_shortcut(window):
    dialog = LabelDialog(window.session.labels, window.session.labels.get("LOC"), parent=window)
    dialog.key.setText("1")
    with pytest.raises(NerdeskError, match="already used by label 'ORG'") as caught:
        dialog.result_label()
    assert caught.value.code == "E012"


def test_adding_a_label_with_an_existing_name_shows_an_error(window):
    window.add_label(Label("ORG", "#000000", None))
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "already exists" in box.text()
    assert box.windowModality() != Qt.WindowModality.NonModal


def _palette_row_point(palette, name):
    row = next(r for r in range(palette.table.rowCount()) if palette.table.item(r, 0).text() == name)
    return palette.table.visualItemRect(palette.table.item(row, 0)).center()


def _button(palette, text):
    return next(b for b in palette.findChildren(QPushButton) if b.text() == text)


def test_clicking_a_palette_row_chooses_it_without_relabelling(qtbot, window):
    view, palette = window.view, window.palette
    click_character(qtbot, view, 6)  # 学: inside the ORG span only
    assert view.selected_span() == Span(3, 7, "ORG")
    qtbot.mouseClick(palette.table.viewport(), Qt.MouseButton.LeftButton, pos=_palette_row_point(palette, "LOC"))
    assert palette.current_label() == "LOC"
    assert spans_in_file(window) == {(3, 7, "ORG"), (3, 5, "LOC"), (3, 5, "ORG")}  # nothing relabelled
    qtbot.mouseClick(_button(palette, "Apply"), Qt.MouseButton.LeftButton)
    assert spans_in_file(window) == {(3, 7, "LOC"), (3, 5, "LOC"), (3, 5, "ORG")}
    assert view.selected_span() == Span(3, 7, "LOC")
    org = _palette_row_point(palette, "ORG")
    qtbot.mouseClick(palette.table.viewport(), Qt.MouseButton.LeftButton, pos=org)  # a double-click's first click
    qtbot.mouseDClick(palette.table.viewport(), Qt.MouseButton.LeftButton, pos=org)
    assert spans_in_file(window) == {(3, 7, "ORG"), (3, 5, "LOC"), (3, 5, "ORG")}


def test_the_add_dialog_stays_open_until_the_label_is_usable(qtbot, window):
    seen = []

    def fill_in():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LabelDialog):
            QTimer.singleShot(20, fill_in)
            return
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        dialog.name.setText("ORG")
        ok.click()
        seen.append((dialog.isVisible(), dialog.name.text(), dialog.error.text()))
        dialog.name.setText("PER")
        dialog.key.setText("a")
        ok.click()
        seen.append((dialog.isVisible(), dialog.name.text(), dialog.error.text()))
        dialog.key.setText("3")
        ok.click()
        seen.append((dialog.isVisible(),))

    QTimer.singleShot(0, fill_in)
    window.add_label()
    assert seen[0] == (True, "ORG", "A label named 'ORG' already exists; choose another name or merge the labels.")
    assert seen[1][:2] == (True, "PER") and "A accepts the selected prediction" in seen[1][2]
    assert "Backtab" not in seen[1][2] and "Return" not in seen[1][2]
    assert seen[2] == (False,)
    assert Label("PER", labels_in_file(window)[-1].color, "3") == labels_in_file(window)[-1]


def test_undoing_delete_or_merge_restores_the_order_keys_and_colours(window, monkeypatch):
    window.add_label(Label("PER", "#009e73", "3"))
    window.add_label(Label("TIME", "#cc79a7", "4"))
    original = labels_in_file(window)
    assert [label.name for label in original] == ["ORG", "LOC", "PER", "TIME"]
    monkeypatch.setattr(window, "confirm", lambda title, question: True)
    window.delete_label("LOC")
    window.session.undo_stack.undo()
    assert labels_in_file(window) == original
    assert [window.palette.table.item(row, 1).text() for row in range(4)] == ["1", "2", "3", "4"]
    window.merge_label("ORG", "PER")
    assert [label.name for label in labels_in_file(window)] == ["LOC", "PER", "TIME"]
    window.session.undo_stack.undo()
    assert labels_in_file(window) == original
    assert [window.palette.table.item(row, 0).text() for row in range(4)] == ["ORG", "LOC", "PER", "TIME"]
    window.session.undo_stack.redo()
    window.session.undo_stack.undo()
    assert labels_in_file(window) == original
