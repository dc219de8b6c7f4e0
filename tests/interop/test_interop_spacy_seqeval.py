"""spaCy and seqeval read what nerdesk writes: DocBin for `spacy train`, CoNLL for `spacy convert`, and
seqeval's strict mode on IOB2/BIOES exports; Prodigy rejects are not gold."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nerdesk.core.document import Document
from nerdesk.core.spans import PRED, Span
from nerdesk.formats import detect_format, read_file, write_file
from tests.conftest import dataset_file

spacy = pytest.importorskip("spacy")
seqeval_scheme = pytest.importorskip("seqeval.scheme")

NESTED = [
    Document("Ann met Bob at the Bank of New York  today.\nBye",
             [Span(0, 3, "PER"), Span(8, 11, "PER"), Span(19, 35, "ORG"), Span(27, 35, "LOC")], name="d1",
             meta={"source": "test"}, status="reviewed"),
    Document("我在北京大学医院工作", [Span(2, 8, "ORG"), Span(2, 4, "LOC")]),
    Document("😀 Paris", [Span(2, 7, "LOC"), Span(2, 7, "GPE", PRED, 0.5, "m1")]),
]


def test_docbin_written_read_by_spacy_and_back(tmp_path):
    path = tmp_path / "train.spacy"
    warnings = write_file(NESTED, path, "spacy")
    assert warnings == ["1 predicted span was not written: spaCy DocBin keeps one kind of span (source='gold'; "
                        "choose source 'pred' or 'all', --source on the command line, to write the others)"]
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    assert [d.text for d in docs] == [d.text for d in NESTED]
    for doc, original in zip(docs, NESTED, strict=True):
        gold = sorted(s.key for s in original.gold)
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == gold
        for start, end, label in gold:  # every span lies on spaCy token boundaries
            assert doc.char_span(start, end, label=label, alignment_mode="strict") is not None
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Ann", "PER"), ("Bob", "PER"), ("Bank of New York", "ORG")]
    assert detect_format(path) == "spacy"
    back = read_file(path).documents
    assert [sorted(s.key for s in d.spans) for d in back] == [sorted(s.key for s in d.gold) for d in NESTED]
    assert back[0].name == "d1" and back[0].meta == {"source": "test"} and back[0].status == "reviewed"


def test_docbin_of_a_real_corpus_keeps_every_span(tmp_path):
    docs = read_file(dataset_file("cmeee_v2", "dev.json")).documents[:200]
    assert write_file(docs, tmp_path / "cmeee.spacy", "spacy") == []
    back = read_file(tmp_path / "cmeee.spacy").documents
    assert [sorted(s.key for s in d.spans) for d in back] == [sorted(s.key for s in d.spans) for d in docs]


def test_spacy_convert_reads_the_outermost_level_of_a_nested_export(tmp_path):
    path = tmp_path / "nested.conll"
    write_file(NESTED[:1], path, "conll", level="token", scheme="iob2")
    out = tmp_path / "converted"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(path), str(out), "-c", "ner"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_disk(out / "nested.spacy").get_docs(spacy.blank("xx").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Ann", "PER"), ("Bob", "PER"), ("Bank of New York", "ORG")]


@pytest.mark.parametrize(("scheme", "seqeval_name"), [("iob2", "IOB2"), ("bioes", "IOBES")])
def test_seqeval_strict_mode_reads_every_level(tmp_path, scheme, seqeval_name):
    docs = read_file(dataset_file("cluener", "dev.json")).documents[:300]
    path = tmp_path / f"c.{scheme}"
    write_file(docs, path, "conll", scheme=scheme, level="char")
    blocks = [block.split("\n") for block in path.read_text("utf-8").strip("\n").split("\n\n")]
    found = []
    for block in blocks:
        columns = list(zip(*(line.split("\t")[1:] for line in block), strict=True))
        entities = seqeval_scheme.Entities([list(c) for c in columns], getattr(seqeval_scheme, seqeval_name))
        found.append(sorted((e.start, e.end, e.tag) for e in entities.entities[0] + [
            e for column in entities.entities[1:] for e in column]))
    expected = [sorted((s.start, s.end, s.label) for s in d.spans) for d in docs]
    assert found == expected


def test_prodigy_rejects_and_ignores_are_skipped_with_a_count(tmp_path):
    path = tmp_path / "p.jsonl"
    records = [{"text": "Ann", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": answer}
               for answer in ("accept", "reject", "ignore", "reject")]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = read_file(path)
    assert len(result.documents) == 1
    assert any("2 reject" in w and "1 ignore" in w for w in result.warnings)
    assert len(read_file(path, answers="all").documents) == 4


def test_docbin_marks_unannotated_tokens_missing_unless_reviewed(tmp_path):
    # Every token outside a span was written as O: spacy train learnt "no entity" from documents nobody
    # had finished annotating.
    docs = [Document("Ann met Bob in Oslo", [Span(0, 3, "PER")], status="reviewed"),
            Document("Ann met Bob in Oslo", [Span(0, 3, "PER")]),
            Document("Eve is in Rome", [], status="in-progress")]
    path = tmp_path / "train.spacy"
    write_file(docs, path, "spacy")
    from spacy.tokens import DocBin

    loaded = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    assert [[t.ent_iob_ for t in doc] for doc in loaded] == [["B", "O", "O", "O", "O"], ["B", "", "", "", ""],
                                                           ["", "", "", ""]]
    assert [[(e.text, e.label_) for e in doc.ents] for doc in loaded] == [[("Ann", "PER")], [("Ann", "PER")], []]
    assert [d.status for d in read_file(path).documents] == ["reviewed", "new", "in-progress"]
