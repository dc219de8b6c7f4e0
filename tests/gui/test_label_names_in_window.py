"""Display names and descriptions of labels in the window: entered in the label dialog (checked before
it closes), shown in the palette and in span tooltips, one undoable edit."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from nerdesk.core.document import Document
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.spans import Span
from nerdesk.gui.label_dialogs import LabelDialog
from nerdesk.storage.project import Project

TEXT = "头痛三天，伴发热。"


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "medical.nerdesk"
    with Project.create(path) as project:
        project.add_label("sym", "#0072b2", "1")
        project.add_documents([Document(TEXT, [Span(0, 2, "sym"), Span(6, 8, "sym")])])
    built = make_window()
    built.open_project(path)
    built.session.open_document(built.session.project.document_ids()[0])
    return built


def palette_row(window) -> tuple[str, str]:
    item = window.palette.table.item(0, 0)
    return item.text(), item.toolTip()


def test_edit_display_name_shows_in_palette_and_tooltips_and_undoes(window):
    label = window.session.labels.get("sym")
    window.edit_label("sym", Label("sym", label.color, label.key, "symptom", "What the patient feels"))
    text, tooltip = palette_row(window)
    assert text == "sym — symptom" and "What the patient feels" in tooltip
    assert window.view.describe(Span(0, 2, "sym")) == "sym — symptom  “头痛”"
    with Project.open(window.session.project.path) as project:
        assert project.label_set().get("sym").display_name == "symptom"
    window.session.undo_stack.undo()
    assert palette_row(window)[0] == "sym"
    assert window.view.describe(Span(0, 2, "sym")) == "sym  “头痛”"
    window.session.undo_stack.redo()
    assert palette_row(window)[0] == "sym — symptom"


def test_the_dialog_takes_display_name_and_description(qtbot):
    dialog = LabelDialog(LabelSet.from_names(["dis"]))
    qtbot.addWidget(dialog)
    dialog.name.setText("sym")
    dialog.display_name.setText("  symptom ")
    dialog.description.setPlainText("What the patient feels")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    result = dialog.result_label()
    assert (result.name, result.display_name, result.description) == ("sym", "symptom", "What the patient feels")


def test_a_description_too_long_is_refused_before_closing_and_kept(qtbot):
    existing = Label("sym", "#0072b2", "1", "symptom", "short")
    dialog = LabelDialog(LabelSet([existing]), existing)
    qtbot.addWidget(dialog)
    assert (dialog.display_name.text(), dialog.description.toPlainText()) == ("symptom", "short")
    dialog.description.setPlainText("y" * 501)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.error.isHidden() and "keep it to 500" in dialog.error.text()
    assert dialog.description.toPlainText() == "y" * 501  # what was typed is still there


def test_the_spans_list_names_labels_by_their_display_names(window, qtbot):
    label = window.session.labels.get("sym")
    window.edit_label("sym", Label("sym", label.color, label.key, "symptom", ""))
    model = window.span_tree.item_model

    def first_cells() -> list[str]:
        return [model.index(row, 0).data().strip() for row in range(model.rowCount())]

    qtbot.waitUntil(lambda: first_cells() == ["sym — symptom", "sym — symptom"], timeout=3000)
