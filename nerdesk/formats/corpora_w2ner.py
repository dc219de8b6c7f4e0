"""W2NER's data files (``ljynlp/W2NER``: its CoNLL-2003, GENIA, Resume, Weibo, MSRA, OntoNotes 4, CADEC... copies).

One JSON array of ``{"sentence": [token, ...], "ner": [{"index": [token, ...], "type": "LABEL"}]}``: an entity
is the list of its tokens' positions, so entities nest and overlap freely, and an entity whose positions skip
tokens is discontinuous (CADEC, ShARe). The text is the tokens joined by spaces, or the characters joined without
one when nearly every token is a character (the Chinese sets); the tokens are kept in ``meta["tokens"]`` so that
export writes them back. Discontinuous entities have no nerdesk span: they are left out with a count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.json_values import is_int
from nerdesk.core.offsets import tokens_to_text
from nerdesk.core.spans import dedupe
from nerdesk.core.tags import char_spans_to_token_spans, split_by_token_boundaries
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    dumps,
    extra_meta,
    json_line_records,
    meta_for_record,
)
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.conll_units import choose_level, word_units

W2NER_KEYS = {"sentence", "ner"}
CHARACTER_SHARE = 0.9  # of one-character tokens, from which the text is the tokens joined without spaces


def is_w2ner_record(record: dict[str, Any]) -> bool:
    """Whether a JSON record is W2NER's: a ``sentence`` list of tokens and a ``ner`` list."""
    return isinstance(record.get("sentence"), list) and isinstance(record.get("ner"), list)


def read_w2ner(ctx: ReadContext) -> list[Document]:
    records = list(json_line_records(ctx))
    tokens = [t for _, r in records if isinstance(r, dict) and isinstance(r.get("sentence"), list)
              for t in r["sentence"] if isinstance(t, str)]
    joiner = "" if tokens and sum(len(t) == 1 for t in tokens) >= CHARACTER_SHARE * len(tokens) else " "
    documents, discontinuous = [], 0
    for where, record in records:
        read = _document(ctx, where, record, joiner)
        if read is not None:
            documents.append(read[0])
            discontinuous += read[1]
    if discontinuous:
        ctx.warn(f"{counted(discontinuous, 'discontinuous entity', 'discontinuous entities')} (token positions "
                 f"with a gap, as in CADEC) {by_count(discontinuous, 'was', 'were')} left out: a span is one stretch")
    return documents


def _document(ctx: ReadContext, where: Where, record: Any, joiner: str) -> tuple[Document, int] | None:
    """The record's document and how many discontinuous entities it left out; ``None`` after a problem."""
    if not isinstance(record, dict) or not is_w2ner_record(record):
        ctx.problem('a record must be {"sentence": [tokens], "ner": [{"index": [...], "type": ...}]}', **where)
        return None
    tokens = record["sentence"]
    if not all(isinstance(token, str) and token for token in tokens):
        ctx.problem("'sentence' must be a list of non-empty strings", **where)
        return None
    text, offsets = tokens_to_text(tokens, joiner)
    spans, discontinuous = [], 0
    for entity in record["ner"]:
        index = entity.get("index") if isinstance(entity, dict) else None
        label = entity.get("type") if isinstance(entity, dict) else None
        if not isinstance(index, list) or not index or not all(is_int(i) and 0 <= i < len(tokens) for i in index):
            ctx.problem(f"entity {entity!r:.60}: 'index' must list token positions 0..{len(tokens) - 1}", **where)
            return None
        first, last = min(index), max(index)
        if sorted(set(index)) != list(range(first, last + 1)):
            discontinuous += 1
            continue
        span = ctx.make_span(text, offsets[first][0], offsets[last][1], label, **where)
        if span is None:
            return None
        spans.append(span)
    meta = extra_meta(record, W2NER_KEYS) | ({"tokens": tokens} if joiner else {})
    return Document(text=text, spans=dedupe(spans), meta=meta), discontinuous


def write_w2ner(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    chosen = ctx.spans_to_write(documents, "w2ner")
    level = choose_level(documents, chosen)
    records, unaligned = [], 0
    for doc, spans in zip(documents, chosen, strict=True):
        units = word_units(doc, level, spans)[0]
        aligned, off_units = split_by_token_boundaries(units, spans)
        unaligned += len(off_units)
        sentence = [doc.text[start:end] for start, end in units]
        record: dict[str, Any] = meta_for_record(doc, W2NER_KEYS | {"tokens"})
        record["sentence"] = sentence
        record["ner"] = [{"index": list(range(first, end)), "type": label}
                         for first, end, label in char_spans_to_token_spans(units, aligned)]
        records.append(record)
    if unaligned:
        ctx.warn(f"{counted(unaligned, 'span')} {by_count(unaligned, 'does', 'do')} not start and end on "
                 f"{level} boundaries and {by_count(unaligned, 'was', 'were')} not written")
    ctx.not_written(unaligned)
    atomic_write_text(path, dumps(records) + "\n")


SPECS = (
    FormatSpec(
        name="w2ner", reader=read_w2ner, writer=write_w2ner, extensions=(".json",), lossy=True,
        description='W2NER JSON array: {"sentence": [tokens], "ner": [{"index": [token positions], "type"}]}',
        keeps="tokens, gold spans (nested and overlapping too), other keys",
        loses="discontinuous entities (on import), whitespace, spans not on token boundaries, predictions (unless "
              "source='pred'), scores, name, status",
        offsets="token positions (each entity the list of its tokens)"),
)
