"""Token tables in CSV (or TSV), one token a row, as the Kaggle "Annotated Corpus for Named Entity Recognition" (the GMB
corpus's ``ner_dataset.csv``) has them: a header naming a sentence column, a word column and a tag column
(``Sentence #,Word,POS,Tag``), then ``Sentence: 1,Thousands,NNS,O`` and ``,of,IN,O``...

A sentence starts on each row whose sentence column holds a new value (``Sentence: 2``; a column that repeats
its sentence's id on every row works the same, as in simpletransformers' ``sentence_id,words,labels``); other
columns (POS) are not read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from nerdesk.formats._base import ReadContext
from nerdesk.formats.conll_dialects import Row

WORD_COLUMNS = frozenset({"word", "words", "token", "tokens"})
TAG_COLUMNS = frozenset({"tag", "tags", "ner", "ner_tag", "ner_tags", "label", "labels"})


def _columns(header: list[str]) -> tuple[int, int, int] | None:
    """The positions of the sentence, word and tag columns a header names, or ``None``."""
    names = [name.strip().lower() for name in header]
    sentence = next((i for i, name in enumerate(names) if name.startswith("sentence")), None)
    word = next((i for i, name in enumerate(names) if name in WORD_COLUMNS), None)
    tag = next((i for i, name in enumerate(names) if name in TAG_COLUMNS), None)
    return None if sentence is None or word is None or tag is None else (sentence, word, tag)


def is_header(fields: list[str]) -> bool:
    """Whether whitespace-separated fields name a word column first and a tag column last (``token label``,
    ``Word POS Tag``): the header line some CoNLL-style files start with."""
    return len(fields) >= 2 and fields[0].lower() in WORD_COLUMNS and fields[-1].lower() in TAG_COLUMNS


def _delimiter(head: str) -> str:
    """The table's delimiter: a tab when its first line has one (``sentence_id<TAB>words<TAB>labels``), else a comma."""
    return "\t" if "\t" in head.lstrip("\ufeff").split("\n", 1)[0] else ","


def is_token_table(head: str) -> bool:
    """Whether a file starts with the header of a CSV or TSV token table (``Sentence #,Word,POS,Tag``)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    delimiter = _delimiter(head)
    try:
        return delimiter in first and _columns(next(csv.reader([first], delimiter=delimiter))) is not None
    except csv.Error:  # a line break inside the line: not a table's header
        return False


def csv_sentences(ctx: ReadContext, content: str) -> list[list[Row]] | None:
    """The sentences of a CSV token table as ``[word, TAG]`` rows, or ``None`` when the file is not one."""
    if not is_token_table(content):
        return None
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=_delimiter(content))
    columns = _columns(next(reader))
    assert columns is not None  # is_token_table
    sentence, word, tag = columns
    sentences: list[list[Row]] = []
    current: list[Row] = []
    key = None
    for row in _rows(ctx, reader):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(columns):
            ctx.problem(f"expected a {max(columns) + 1}-column row of the table, got {','.join(row)!r:.60}",
                        line=reader.line_num)
            continue
        marker = row[sentence].strip()
        if marker and marker != key:
            if current:
                sentences.append(current)
            current, key = [], marker
        current.append((reader.line_num, [row[word].strip(), row[tag].strip()]))
    if current:
        sentences.append(current)
    ctx.warn("a CSV table of tokens (Sentence #,Word,POS,Tag, as the Kaggle GMB corpus has it): the words and the "
             "tags were read, a sentence starting where the sentence column takes a new value")
    return sentences


def _rows(ctx: ReadContext, reader: Any) -> Iterator[list[str]]:
    """The table's rows, up to a row the CSV reader cannot read (reported as a problem with its line)."""
    try:
        yield from reader
    except csv.Error as error:
        ctx.problem(f"not a CSV row: {error}", line=reader.line_num)
