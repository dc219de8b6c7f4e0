"""DyGIE++/PURE documents (SciERC, GENIA, ACE as those projects ship them): ``sentences`` of tokens and ``ner``
per sentence as ``[first, last, label]`` over the document's tokens, last inclusive. Records in that shape."""

from __future__ import annotations

import json

from nerdesk.formats import detect_format, read_file, write_file

SCIERC = {"doc_key": "ACL_P98-1007", "sentences": [["English", "is", "trans-context-free", "."],
                                                   ["Parsing", "New", "York", "Times", "text", "."]],
          "ner": [[[0, 0, "Material"], [2, 2, "OtherScientificTerm"]], [[5, 7, "Material"], [5, 6, "Generic"]]],
          "relations": [[[0, 0, 2, 2, "HYPONYM-OF"]], []], "clusters": []}


def test_dygie_document_with_nested_entities_reads_and_writes_back(tmp_path):
    path = tmp_path / "train.json"
    path.write_text(json.dumps(SCIERC) + "\n", encoding="utf-8")
    assert detect_format(path) == "dygie"
    [doc] = read_file(path).documents
    assert doc.name == "ACL_P98-1007"
    assert doc.text == "English is trans-context-free .\nParsing New York Times text ."
    assert [(span.mention(doc.text), span.label) for span in doc.spans] == [
        ("English", "Material"), ("trans-context-free", "OtherScientificTerm"), ("New York Times", "Material"),
        ("New York", "Generic")]
    out = tmp_path / "out.jsonl"
    write_file([doc], out, "dygie")
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == SCIERC


def test_dygie_written_from_text_without_stored_sentences(tmp_path):
    doc = read_file_text(tmp_path, "Ada lives here.\nShe met Bob Smith.")
    out = tmp_path / "out.jsonl"
    write_file([doc], out, "dygie")
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["sentences"] == [["Ada", "lives", "here."], ["She", "met", "Bob", "Smith", "."]]
    assert written["ner"] == [[[0, 0, "PER"]], [[5, 6, "PER"]]]


def read_file_text(tmp_path, text):
    path = tmp_path / "in.jsonl"
    start = text.index("Bob")
    path.write_text(json.dumps({"text": text, "spans": [{"start": 0, "end": 3, "label": "PER", "source": "gold"},
                                                        {"start": start, "end": start + 9, "label": "PER",
                                                         "source": "gold"}], "status": "new"}) + "\n",
                    encoding="utf-8")
    [doc] = read_file(path).documents
    return doc
