"""webanno2spacy (PyPI), a third-party WebAnno TSV reader, reads the spans nerdesk's WebAnno TSV export holds.

webanno2spacy reads a fixed layout: a span layer then a relation layer (type and head columns), rows of
fewer than six columns are skipped, so a file with the named-entity layer only (INCEpTION's as ours) is
given the two empty relation columns here. It gives no entities in its Doc: what it decoded is what it asks
``Doc.char_span`` for, recorded here. It reads flat spans with plain labels; not stacked or nested spans,
escaped labels, offsets after a character outside the BMP (it counts code points, the format UTF-16
units), nor a multi-token span whose id is not the count of earlier spans of its label plus one (INCEpTION
numbers ids per document), nor a token that starts with '"' (it reads the file as CSV).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

spacy = pytest.importorskip("spacy")
webanno2spacy = pytest.importorskip("webanno2spacy")


def spans(text: str, *found: tuple[str, str]) -> list[Span]:
    return [Span(text.index(part), text.index(part) + len(part), label) for part, label in found]


FLAT = [
    ("Barack Obama visited Paris and Berlin last May.",
     [("Barack Obama", "PER"), ("Paris", "LOC"), ("Berlin", "LOC"), ("May", "DATE")]),
    ("Alice went home.\nBob stayed.\n\nCarol left. Dave too.\n   Eve came back.",
     [("Alice", "PER"), ("Bob", "PER"), ("Carol", "PER"), ("Dave", "PER"), ("Eve", "PER")]),
    ("First line with Alice Brown.\r\nSecond line with Bob.\r\n\r\n  Third with Carol.",
     [("Alice Brown", "PER"), ("Bob", "PER"), ("Carol", "PER")]),
    ("我在北京工作。李明也在。", [("北京", "LOC"), ("李", "SURNAME")]),
    ("Ngũgĩ wa Thiong'o met Zoë in Zürich.", [("Ngũgĩ wa Thiong'o", "PER"), ("Zoë", "PER"), ("Zürich", "LOC")]),
    ("Ann-Marie and Joe's NewYork trip", [("Ann-Marie", "PER"), ("Joe", "PER"), ("New", "X-1")]),
]


class _Recorder:
    """Stands for the Doc webanno2spacy makes: keeps each span it asks for."""

    def __init__(self, text: str) -> None:
        self.text, self.doc, self.asked = text, spacy.blank("xx")(text), []

    def set_extension(self, *args, **kwargs) -> None:
        self.doc.set_extension(*args, **kwargs)

    def char_span(self, start, end, label=None, alignment_mode="strict"):
        if label is not None:
            self.asked.append((start, end, label))
        return self.doc.char_span(start, end, label=label or "", alignment_mode=alignment_mode)

    @property
    def _(self):
        return self.doc._


@pytest.fixture
def clean_extension():
    yield
    from spacy.tokens import Doc

    if Doc.has_extension("rel"):
        Doc.remove_extension("rel")


def read_with_webanno2spacy(tsv: Path, text_file: Path) -> _Recorder:
    """As its command line does: the text from its own file (newlines read as '\\n'), the rows by csv."""
    recorded: list[_Recorder] = []

    def language(text: str) -> _Recorder:
        recorded.append(_Recorder(text))
        return recorded[-1]

    with open(tsv, encoding="utf-8") as handle:
        rows = [row[:4] + ["_", "_"] if len(row) >= 4 else row for row in csv.reader(handle, delimiter="\t",
                                                                                     quotechar='"')]
    webanno2spacy.convert_rows(language, text_file.read_text(encoding="utf-8"), iter(rows))
    return recorded[0]


@pytest.mark.parametrize(("text", "found"), FLAT)
def test_webanno2spacy_reads_our_flat_spans(tmp_path, clean_extension, text, found):
    document = Document(text, spans(text, *found))
    tsv, text_file = tmp_path / "doc.tsv", tmp_path / "doc.txt"
    assert write_file([document], tsv, "webanno-tsv") == []
    text_file.write_bytes(text.encode("utf-8"))
    read = read_with_webanno2spacy(tsv, text_file)
    assert read.text == text  # '\r\n' put back from the escaped '\r' of the #Text= lines
    assert sorted(read.asked) == sorted(span.key for span in document.spans)
    [back] = read_file(tsv).documents
    assert back.text == text and sorted(s.key for s in back.spans) == sorted(read.asked)


def test_webanno2spacy_skips_a_file_with_the_named_entity_layer_only(tmp_path, clean_extension):
    text, found = FLAT[0]
    tsv, text_file = tmp_path / "doc.tsv", tmp_path / "doc.txt"
    write_file([Document(text, spans(text, *found))], tsv, "webanno-tsv")
    text_file.write_text(text, encoding="utf-8")
    recorded: list[_Recorder] = []
    with open(tsv, encoding="utf-8") as handle:
        webanno2spacy.convert_rows(lambda t: recorded.append(_Recorder(t)) or recorded[-1], text,
                                   csv.reader(handle, delimiter="\t", quotechar='"'))
    assert recorded[0].asked == []  # its rows need six columns: ours (and INCEpTION's) have five
