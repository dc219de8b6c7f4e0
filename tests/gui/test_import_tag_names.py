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


ONTONOTES = [{"document_id": "bc/cctv/00/cctv_0001", "sentences": [
    {"part_id": 0, "words": ["In", "Hong", "Kong", "."], "named_entities": [0, 9, 10, 0]},
    {"part_id": 0, "words": ["With", "charm", "."], "named_entities": [0, 0, 0]}]}]


def test_the_names_are_asked_for_with_the_feature_of_the_field_the_records_have(make_window, tmp_path):
    source = json_lines_file(tmp_path / "english_v4-train.jsonl", ONTONOTES)
    window = window_on_new_project(make_window, tmp_path / "onto.nerdesk")
    asked = []

    def read_and_cancel(dialog):
        asked.append(dialog.labelText())
        dialog.reject()

    when_shown(QInputDialog, read_and_cancel)
    window.import_files([str(source)])
    assert len(asked) == 1
    assert "features['sentences'][0]['named_entities'].feature.names" in asked[0]
    assert "ner_tags" not in asked[0]
