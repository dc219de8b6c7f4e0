"""A text that starts with U+FEFF (21 of the 5,000 CMeEE-V2 texts) first in a CoNLL or plain-text export.

The file then started with that character, which every reader (nerdesk's too) takes for a UTF-8 byte-order
mark: the CoNLL file's first row lost its token ("1 tag column where the file has 2", nothing imported) and
the text file's first document lost its first character without a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

CMEEE_DEV = Path("/work/shared/datasets/cmeee_v2/dev.json")
TEXT = "\ufeff三、呼吸机撤离"  # as CMeEE-V2 dev record 477 starts


def spans_of(doc: Document) -> list[tuple[int, int, str]]:
    return sorted(s.key for s in doc.spans)


@pytest.mark.parametrize("level", ["char", "auto"])
def test_conll_export_of_a_text_that_starts_with_the_mark_reads_back(tmp_path, level):
    doc = Document(text=TEXT, spans=[Span(3, 6, "equ"), Span(3, 8, "pro")])
    path = tmp_path / "out.bio"
    write_file([doc, Document(text="肾积水", spans=[Span(0, 3, "dis")])], path, "conll", level=level)
    first, second = read_file(path, "conll").documents
    assert (first.text, spans_of(first)) == (TEXT, spans_of(doc))
    assert second.text == "肾积水"


@pytest.mark.parametrize("split", ["line", "paragraph"])
def test_text_export_of_a_text_that_starts_with_the_mark_reads_back(tmp_path, split):
    path = tmp_path / "out.txt"
    write_file([Document(text=TEXT)], path, "text", split=split)
    assert [d.text for d in read_file(path, "text", split=split).documents] == [TEXT]


@pytest.mark.skipif(not CMEEE_DEV.exists(), reason="needs the CMeEE-V2 corpus")
def test_the_cmeee_records_that_start_with_the_mark(tmp_path):
    records = [r for r in json.loads(CMEEE_DEV.read_text(encoding="utf-8")) if r["text"].startswith("\ufeff")]
    source = tmp_path / "feff.json"
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    docs = read_file(source).documents
    write_file(docs, tmp_path / "out.bio", "conll")
    back = read_file(tmp_path / "out.bio", "conll").documents
    assert [(d.text, spans_of(d)) for d in back] == [(d.text, spans_of(d)) for d in docs] and len(docs) == 4


def test_spacy_reads_the_conll_export_with_the_same_first_token(tmp_path):
    converters = pytest.importorskip("spacy.training.converters")
    path = tmp_path / "out.bio"
    write_file([Document(text=TEXT, spans=[Span(1, 2, "X")])], path, "conll", level="char")
    [doc] = converters.conll_ner_to_docs(path.read_text(encoding="utf-8"), n_sents=1, no_print=True)
    assert [t.text for t in doc][:2] == ["\ufeff", "三"] and [(e.text, e.label_) for e in doc.ents] == [("三", "X")]
