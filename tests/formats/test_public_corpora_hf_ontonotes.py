"""OntoNotes 5.0 as the Hugging Face hub serves it (conll2012_ontonotesv5, Dataset.to_json): a document a line,
``{"document_id", "sentences": [{"part_id", "words", "pos_tags", "named_entities": [numbers], ...}]}``, the
numbers naming ``O,B-PERSON,I-PERSON,B-NORP,...``. A record in that shape."""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main
from nerdesk.formats import detect_format, read_file

NAMES = ("O,B-PERSON,I-PERSON,B-NORP,I-NORP,B-FAC,I-FAC,B-ORG,I-ORG,B-GPE,I-GPE,B-LOC,I-LOC,B-PRODUCT,I-PRODUCT,"
         "B-DATE,I-DATE")
DOCUMENT = {"document_id": "bc/cctv/00/cctv_0001", "sentences": [
    {"part_id": 0, "words": ["In", "the", "summer", "of", "2005", "in", "Hong", "Kong", "."],
     "pos_tags": [25, 18, 22, 25, 12, 25, 23, 23, 8], "speaker": "Speaker#1",
     "named_entities": [0, 15, 16, 16, 16, 0, 9, 10, 0], "srl_frames": [], "coref_spans": []},
    {"part_id": 0, "words": ["With", "charm", "."], "pos_tags": [25, 22, 8], "speaker": "Speaker#1",
     "named_entities": [0, 0, 0], "srl_frames": [], "coref_spans": []}]}


def test_a_document_of_sentences_gives_a_document_a_sentence(tmp_path):
    path = tmp_path / "english_v4-train.jsonl"
    path.write_text(json.dumps(DOCUMENT) + "\n", encoding="utf-8")
    assert detect_format(path) == "hf-tokens"
    docs = read_file(path, tag_names=NAMES).documents
    assert [(doc.name, doc.text, [(s.mention(doc.text), s.label) for s in doc.spans]) for doc in docs] == [
        ("bc/cctv/00/cctv_0001#0", "In the summer of 2005 in Hong Kong .",
         [("the summer of 2005", "DATE"), ("Hong Kong", "GPE")]),
        ("bc/cctv/00/cctv_0001#1", "With charm .", [])]
    assert docs[0].meta["pos_tags"] == DOCUMENT["sentences"][0]["pos_tags"]


@pytest.mark.parametrize("command", ["import", "train", "eval"])
def test_the_tag_names_option_names_the_ontonotes_feature_too(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # no line breaks inside the feature names
    with pytest.raises(SystemExit):
        main([command, "--help"])
    said = capsys.readouterr().out
    assert "features['ner_tags'].feature.names" in said
    assert "features['sentences'][0]['named_entities'].feature.names (conll2012_ontonotesv5)" in said
