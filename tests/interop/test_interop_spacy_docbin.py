"""DocBin files spaCy writes (``spacy convert``, Docs built in code) read by nerdesk and written back: what
spaCy trains on stays as it was."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nerdesk.formats import read_file, write_file

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


def entity_tags(path):
    return [[token.ent_iob_ for token in doc] for doc in DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab)]


def test_a_corpus_from_spacy_convert_keeps_its_o_tokens_through_nerdesk(tmp_path):
    # Imported as new, its documents were exported with every O token missing: spacy train no longer
    # learnt "no entity" from a complete gold corpus.
    conll = tmp_path / "train.conll"
    conll.write_text("Ann\tB-PER\nmet\tO\nBob\tB-PER\n.\tO\n\nEve\tB-PER\nruns\tO\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(conll), str(tmp_path), "-c", "ner", "-n", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    original = tmp_path / "train.spacy"
    imported = read_file(original).documents
    assert [d.status for d in imported] == ["reviewed", "reviewed"]
    write_file(imported, tmp_path / "back.spacy", "spacy")
    assert entity_tags(tmp_path / "back.spacy") == entity_tags(original) == [["B", "O", "B", "O"], ["B", "O"]]


def test_a_doc_with_missing_entity_tags_stays_unreviewed(tmp_path):
    nlp = spacy.blank("en")
    doc = nlp("Ann met Bob")
    doc.set_ents([doc.char_span(0, 3, "PER")], default="missing")
    DocBin(docs=[doc, nlp("no tags at all")]).to_disk(tmp_path / "partial.spacy")
    assert [d.status for d in read_file(tmp_path / "partial.spacy").documents] == ["new", "new"]


def test_text_categories_come_back_and_what_is_not_kept_is_said(tmp_path):
    # doc.cats, knowledge-base ids, a second span group and custom user_data were dropped without a word.
    nlp = spacy.blank("en")
    doc = nlp("Apple buys U.K. startup 😀 for $1 billion")
    doc.ents = [doc.char_span(0, 5, "ORG", kb_id="Q312")]
    doc.spans["sc"] = [doc.char_span(0, 5, "ORG")]
    doc.spans["nested"] = [doc.char_span(11, 15, "GPE")]
    doc.cats = {"BUSINESS": 1.0, "SPORTS": 0.0}
    doc.user_data["source"] = "news"
    DocBin(store_user_data=True, docs=[doc]).to_disk(tmp_path / "in.spacy")
    imported = read_file(tmp_path / "in.spacy")
    (document,) = imported.documents
    assert sorted(s.key for s in document.spans) == [(0, 5, "ORG"), (11, 15, "GPE")]
    assert document.meta == {"cats": {"BUSINESS": 1.0, "SPORTS": 0.0}}
    assert len(imported.warnings) == 3
    assert "1 span had a knowledge-base id" in imported.warnings[0]
    assert "span group nested" in imported.warnings[1]
    assert "user_data" in imported.warnings[2]
    write_file(imported.documents, tmp_path / "out.spacy", "spacy")
    (back,) = DocBin().from_disk(tmp_path / "out.spacy").get_docs(nlp.vocab)
    assert back.cats == {"BUSINESS": 1.0, "SPORTS": 0.0}
    assert [(e.text, e.label_) for e in back.ents] == [("Apple", "ORG"), ("U.K.", "GPE")]


def test_token_layers_of_a_parsed_corpus_are_said_to_be_left_out(tmp_path):
    nlp = spacy.blank("en")
    doc = nlp("Ann runs")
    doc[0].tag_, doc[1].tag_ = "NNP", "VBZ"
    doc[0].lemma_, doc[1].lemma_ = "Ann", "run"
    DocBin(docs=[doc]).to_disk(tmp_path / "tagged.spacy")
    assert read_file(tmp_path / "tagged.spacy").warnings == [
        "the documents' lemmas, tags are not kept (nerdesk keeps the text, its spans and the categories)"]
