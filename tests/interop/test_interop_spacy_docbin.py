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
