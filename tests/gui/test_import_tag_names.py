"""Hugging Face token records whose tags are numbers: the window asks for the tag names, as
``nerdesk import --tag-names`` takes them, and imports the spans they name."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog
from test_import_options import documents, json_lines_file, visible, when_shown, window_on_new_project

from nerdesk.gui.transfer_dialogs import WarningsDialog

RECORDS = [{"id": "0", "tokens": ["Greta", "flew", "to", "Paris", "."], "ner_tags": [1, 0, 0, 3, 0]},
           {"id": "1", "tokens": ["Marco", "stayed", "."], "ner_tags": [1, 0, 0]}]


def numeric_file(tmp_path):
    return json_lines_file(tmp_path / "train.jsonl", RECORDS)


def test_numeric_tags_ask_for_their_names_and_import_the_spans(make_window, tmp_path):
    source, project = numeric_file(tmp_path), tmp_path / "hf.nerdesk"
    window = window_on_new_project(make_window, project)

    def name_them(dialog):
        dialog.setTextValue("O, B-PER, I-PER, B-LOC, I-LOC")
        dialog.accept()

    when_shown(QInputDialog, name_them)
    window.import_files([str(source)])
    docs = documents(project)
    assert [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in docs] == [
        ("Greta flew to Paris .", [("Greta", "PER"), ("Paris", "LOC")]), ("Marco stayed .", [("Marco", "PER")])]
    assert visible(WarningsDialog) is None


def test_cancelling_the_names_imports_nothing(make_window, tmp_path):
    source, project = numeric_file(tmp_path), tmp_path / "hf.nerdesk"
    window = window_on_new_project(make_window, project)
    when_shown(QInputDialog, lambda dialog: dialog.reject())
    window.import_files([str(source)])
    assert documents(project) == []
    assert "cancelled" in window.statusBar().currentMessage()
