"""spaCy v2's JSON training format against spaCy 3's own code: files ``docs_to_json`` writes (and spaCy 2's
``spacy convert`` wrote: tokens without ``space``, with or without ``raw``) read by nerdesk with the entities
``json_to_docs`` finds; nerdesk's export read back by ``json_to_docs`` and ``spacy convert``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.formats import detect_format, read_file, write_file

spacy = pytest.importorskip("spacy")
from spacy.training import docs_to_json  # noqa: E402
from spacy.training.converters import json_to_docs  # noqa: E402

TEXT = "Apple buys U.K. startup 😀 for $1 billion.\r\nTim Cook said so in 東京."
TIM = TEXT.index("Tim Cook")


def spacy_entities(data):
    return [[(e.text, e.label_) for e in doc.ents] for doc in json_to_docs(json.dumps(data))]


def nerdesk_entities(path):
    return [[(s.mention(d.text), s.label) for s in sorted(d.spans, key=lambda s: s.start)]
            for d in read_file(path).documents]


def test_a_file_docs_to_json_writes(tmp_path):
    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    doc = nlp(TEXT)
    tim, tokyo = TEXT.index("Tim Cook"), TEXT.index("東京")
    doc.ents = [doc.char_span(0, 5, "ORG"), doc.char_span(11, 15, "GPE"), doc.char_span(tim, tim + 8, "PER"),
                doc.char_span(tokyo, tokyo + 2, "LOC")]
    doc.cats = {"NEWS": 1.0}
    data = [docs_to_json([doc], doc_id=3)]
    path = tmp_path / "train.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert detect_format(path) == "spacy-v2"
    imported = read_file(path)
    (document,) = imported.documents
    assert document.text == TEXT == next(json_to_docs(json.dumps(data))).text
    assert nerdesk_entities(path) == spacy_entities(data)
    assert document.meta == {"cats": {"NEWS": 1.0}} and document.name == "3" and document.status == "reviewed"
    assert imported.warnings == []


def test_a_spacy_2_file_without_spaces_or_raw(tmp_path):
    tokens = [("Tim", "B-PER"), ("Cook", "L-PER"), ("visits", "O"), ("Paris", "U-LOC"), (".", "-")]
    data = [{"id": 0, "paragraphs": [
        {"sentences": [{"tokens": [{"id": i, "orth": o, "ner": t, "tag": "NN", "head": 0, "dep": "dep"}
                                   for i, (o, t) in enumerate(tokens)], "brackets": []}]},
        {"raw": "Tim  Cook\nvisits Paris.", "sentences": [{"tokens": [{"orth": o, "ner": t} for o, t in tokens]}]}]}]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    imported = read_file(path)
    assert spacy_entities(data) == [[("Tim Cook", "PER"), ("Paris", "LOC")]] * 2
    # the same tokens; nerdesk keeps raw's whitespace, which spaCy 3 rebuilds as single spaces
    assert nerdesk_entities(path) == [[("Tim Cook", "PER"), ("Paris", "LOC")], [("Tim  Cook", "PER"), ("Paris", "LOC")]]
    assert [d.text for d in imported.documents] == ["Tim Cook visits Paris .", "Tim  Cook\nvisits Paris."]
    assert [d.name for d in imported.documents] == ["0.1", "0.2"]
    assert [d.status for d in imported.documents] == ["new", "new"]  # a token without a tag: not complete
    assert imported.warnings == ["the file's dependencies, tags are not kept (nerdesk keeps the text, its "
                                 "entities and the categories)"]


def test_nerdesk_export_read_by_spacy(tmp_path):
    docs = [Document(TEXT, [Span(0, 5, "ORG"), Span(TIM, TIM + 8, "PER"), Span(TIM, TIM + 3, "FIRST")], status="reviewed",
                     meta={"cats": {"NEWS": 1.0}}),
            Document("e\u0301cole 👨\u200d👩\u200d👧 Zoe\u0308 in Paris", [Span(0, 6, "ORG"), Span(13, 17, "PER")])]
    path = tmp_path / "out.json"
    warnings = write_file(docs, path, "spacy-v2")
    assert warnings == ["1 nested span was not written: a token has one entity tag in spaCy's JSON format (a .spacy "
                        "DocBin keeps them in its span group)"]
    data = json.loads(path.read_text("utf-8"))
    read_by_spacy = list(json_to_docs(json.dumps(data)))
    assert [d.text for d in read_by_spacy] == [d.text for d in docs]
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in read_by_spacy] == [
        [(0, 5, "ORG"), (TIM, TIM + 8, "PER")], [(0, 6, "ORG"), (13, 17, "PER")]]
    assert read_by_spacy[0].cats == {"NEWS": 1.0}
    assert [[t.ent_iob_ for t in d][-2:] for d in read_by_spacy] == [["O", "O"], ["", ""]]  # not reviewed: missing
    back = read_file(path).documents
    assert [sorted(s.key for s in d.spans) for d in back] == [[(0, 5, "ORG"), (TIM, TIM + 8, "PER")],
                                                             [(0, 6, "ORG"), (13, 17, "PER")]]
    assert [d.status for d in back] == ["reviewed", "new"]
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(path), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    assert read_file(tmp_path / "out.spacy").documents[0].text == TEXT


def test_documents_without_spans(tmp_path):
    docs = [Document("Nothing here", [], status="reviewed"), Document("Not yet read", []), Document("   \n ", [])]
    path = tmp_path / "empty.json"
    write_file(docs, path, "spacy-v2")
    tokens = [p["sentences"][0]["tokens"] for d in json.loads(path.read_text("utf-8")) for p in d["paragraphs"]]
    assert [[t.get("ner") for t in sentence] for sentence in tokens] == [["O", "O"], [None, None, None], [None]]
    read_by_spacy = list(json_to_docs(path.read_text("utf-8")))
    assert [[t.ent_iob_ for t in d] for d in read_by_spacy] == [["O", "O"], ["", "", ""], [""]]
    assert [d.status for d in read_file(path).documents] == ["reviewed", "new", "new"]
