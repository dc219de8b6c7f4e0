"""DyGIE++'s document format, which PURE and the nested-NER literature share for ACE04, ACE05, GENIA and SciERC.

One JSON object a line: ``{"doc_key", "sentences": [[token, ...], ...], "ner": [[[first, last, "LABEL"], ...],
...], "relations": ..., "clusters": ...}``: ``ner`` holds one list per sentence, each entity the positions of its
first and last token in the whole document (both inclusive). A document is one nerdesk document: its sentences'
tokens joined by spaces (characters without, when nearly every token is one), the sentences by line breaks;
``doc_key`` is its name, the sentences are kept in ``meta["sentences"]`` and the other keys (relations, clusters)
in its metadata, all written back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.json_values import is_int
from nerdesk.core.offsets import tokens_to_text
from nerdesk.core.spans import Span, dedupe
from nerdesk.core.tags import char_spans_to_token_spans, find_token_char_offsets, split_by_token_boundaries
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

DYGIE_KEYS = {"sentences", "ner"}
CHARACTER_SHARE = 0.9  # of one-character tokens, from which a sentence's tokens are joined without spaces


def is_dygie_record(record: dict[str, Any]) -> bool:
    """Whether a JSON record is DyGIE++'s: a ``sentences`` list of token lists and a ``ner`` list beside it."""
    sentences = record.get("sentences")
    return (isinstance(sentences, list) and bool(sentences) and isinstance(sentences[0], list)
            and isinstance(record.get("ner"), list))


def read_dygie(ctx: ReadContext) -> list[Document]:
    records = list(json_line_records(ctx))
    tokens = [t for _, r in records if isinstance(r, dict) and isinstance(r.get("sentences"), list)
              for s in r["sentences"] if isinstance(s, list) for t in s if isinstance(t, str)]
    joiner = "" if tokens and sum(len(t) == 1 for t in tokens) >= CHARACTER_SHARE * len(tokens) else " "
    return [doc for where, record in records if (doc := _document(ctx, where, record, joiner)) is not None]


def _offsets(sentences: list[list[str]], joiner: str) -> tuple[str, list[tuple[int, int]]]:
    """The text (sentences joined by line breaks) and the code-point offsets of every token, in order."""
    text, offsets = "", list[tuple[int, int]]()
    for sentence in sentences:
        if offsets:
            text += "\n"
        line, line_offsets = tokens_to_text(sentence, joiner)
        offsets.extend((start + len(text), end + len(text)) for start, end in line_offsets)
        text += line
    return text, offsets


def _document(ctx: ReadContext, where: Where, record: Any, joiner: str) -> Document | None:
    if not isinstance(record, dict) or not is_dygie_record(record):
        ctx.problem('a record must be {"sentences": [[tokens], ...], "ner": [[[first, last, "LABEL"], ...], ...]}',
                    **where)
        return None
    sentences, ner = record["sentences"], record["ner"]
    if not all(isinstance(s, list) and all(isinstance(t, str) and t for t in s) for s in sentences):
        ctx.problem("'sentences' must be lists of non-empty token strings", **where)
        return None
    if len(ner) != len(sentences) or not all(isinstance(entities, list) for entities in ner):
        ctx.problem(f"'ner' must hold one list of entities per sentence ({len(sentences)} sentences)", **where)
        return None
    text, offsets = _offsets(sentences, joiner)
    spans = []
    for entity in (entity for entities in ner for entity in entities):
        if not (isinstance(entity, list) and len(entity) >= 3 and is_int(entity[0]) and is_int(entity[1])
                and 0 <= entity[0] <= entity[1] < len(offsets)):
            ctx.problem(f"entity {entity!r:.60} is not [first token, last token, label] within the document's "
                        f"{len(offsets)} tokens", **where)
            return None
        span = ctx.make_span(text, offsets[entity[0]][0], offsets[entity[1]][1], entity[2], **where)
        if span is None:
            return None
        spans.append(span)
    key = record.get("doc_key")
    return Document(text=text, spans=dedupe(spans), name=key if isinstance(key, str) else None,
                    meta=extra_meta(record, DYGIE_KEYS) | {"sentences": sentences})


def _units(doc: Document, level: str, spans: list[Span]) -> tuple[list[tuple[int, int]], list[int]]:
    """The tokens to write (the stored ones while they still make the text, else words or characters cut at
    span edges) and the sentence of each: stored sentences, else the text's lines."""
    sentences = doc.meta.get("sentences")
    if isinstance(sentences, list) and all(isinstance(s, list) for s in sentences):
        offsets = find_token_char_offsets(doc.text, [t for s in sentences for t in s])
        if offsets is not None:
            return offsets, [i for i, s in enumerate(sentences) for _ in s]
    units = word_units(doc, level, spans)[0]
    return units, [doc.text.count("\n", 0, start) for start, _ in units]


def write_dygie(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    chosen = ctx.spans_to_write(documents, "dygie")
    level = choose_level(documents, chosen)
    lines, unaligned = [], 0
    for index, (doc, spans) in enumerate(zip(documents, chosen, strict=True)):
        units, sentence_of = _units(doc, level, spans)
        aligned, off_units = split_by_token_boundaries(units, spans)
        unaligned += len(off_units)
        count = max(sentence_of, default=-1) + 1
        sentences: list[list[str]] = [[] for _ in range(count)]
        for (start, end), number in zip(units, sentence_of, strict=True):
            sentences[number].append(doc.text[start:end])
        ner: list[list[list[Any]]] = [[] for _ in range(count)]
        for first, end, label in char_spans_to_token_spans(units, aligned):
            ner[sentence_of[first]].append([first, end - 1, label])
        record: dict[str, Any] = meta_for_record(doc, DYGIE_KEYS)
        record.setdefault("doc_key", doc.name or str(index))
        record["sentences"], record["ner"] = [s for s in sentences if s], [n for n, s in zip(ner, sentences,
                                                                                          strict=True) if s]
        lines.append(dumps(record))
    if unaligned:
        ctx.warn(f"{counted(unaligned, 'span')} {by_count(unaligned, 'does', 'do')} not start and end on "
                 f"{level} boundaries and {by_count(unaligned, 'was', 'were')} not written")
    ctx.not_written(unaligned)
    atomic_write_text(path, "".join(line + "\n" for line in lines))


SPECS = (
    FormatSpec(
        name="dygie", reader=read_dygie, writer=write_dygie, extensions=(".jsonl", ".json"), lossy=True,
        description='DyGIE++/PURE JSON lines: {"doc_key", "sentences": [[tokens]], "ner": [[[first, last, '
                    '"LABEL"]]]} (ACE, GENIA, SciERC)',
        keeps="tokens and sentences, gold spans (nested too), doc_key as the name, relations and clusters (in "
              "metadata, written back)",
        loses="whitespace, spans not on token boundaries, predictions (unless source='pred'), scores, status",
        offsets="token positions in the document, last token inclusive", aliases=("dygiepp", "pure")),
)
