"""spaCy's own .iob reader (what `spacy convert -c iob` runs) and nerdesk read the same entities from a
word|POS|TAG file of CoNLL-2003 sentences."""

from __future__ import annotations

import pytest

from nerdesk.formats import read_file
from tests.conftest import dataset_file

converters = pytest.importorskip("spacy.training.converters")


def iob_lines(conll_path, sentences: int) -> str:
    """CoNLL-2003 rows (token POS chunk NER) written as spaCy's .iob: a sentence a line of word|POS|NER."""
    lines, current = [], []
    for row in conll_path.read_text(encoding="utf-8").splitlines():
        fields = row.split()
        if fields and fields[0] != "-DOCSTART-":
            current.append(f"{fields[0]}|{fields[1]}|{fields[-1]}")
        elif current:
            lines.append(" ".join(current))
            current = []
        if len(lines) == sentences:
            break
    return "\n".join(lines) + "\n"


def test_spacy_and_nerdesk_read_the_same_entities(tmp_path):
    text = iob_lines(dataset_file("conll2003", "dev.conll"), 200)
    path = tmp_path / "valid.iob"
    path.write_text(text, encoding="utf-8")
    theirs = [[(doc.text[e.start_char:e.end_char], e.label_) for e in doc.ents]
              for doc in converters.iob_to_docs(text, n_sents=1, no_print=True) if len(doc)]
    ours = [[(span.mention(doc.text), span.label) for span in sorted(doc.spans, key=lambda s: s.start)]
            for doc in read_file(path).documents]
    assert len(ours) == 200 and sum(map(len, ours)) > 200
    assert ours == theirs
