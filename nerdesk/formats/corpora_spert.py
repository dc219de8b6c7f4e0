"""SpERT's data files (``lavis-nlp/spert``: its CoNLL04, SciERC and ADE copies), also used by the span-based
joint entity and relation models after it.

One JSON array of ``{"tokens": [...], "entities": [{"type", "start", "end"}], "relations": [{"type", "head",
"tail"}], "orig_id"}``: an entity's ``start`` and ``end`` are token positions, ``end`` exclusive; a relation
names its entities by their place in ``entities``. The text is the tokens joined by spaces; the tokens are kept
in ``meta["tokens"]``, the entities as read in ``meta["spert_entities"]`` and the relations in
``meta["relations"]``: export writes the relations back while the document's entities are those it read.
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
from nerdesk.formats.conll_units import word_units

SPERT_KEYS = {"tokens", "entities"}
READ_ENTITIES = "spert_entities"  # the entities as read: relations point into this list


def is_spert_record(record: dict[str, Any]) -> bool:
    """Whether a JSON record is SpERT's: ``tokens`` and ``entities`` of ``{"type", "start", "end"}``, no text."""
    entities = record.get("entities")
    return (isinstance(record.get("tokens"), list) and isinstance(entities, list) and "text" not in record
            and all(isinstance(e, dict) and {"start", "end"} <= e.keys() for e in entities))


def read_spert(ctx: ReadContext) -> list[Document]:
    return [doc for where, record in json_line_records(ctx) if (doc := _document(ctx, where, record)) is not None]


def _document(ctx: ReadContext, where: Where, record: Any) -> Document | None:
    if not isinstance(record, dict) or not is_spert_record(record):
        ctx.problem('a record must be {"tokens": [...], "entities": [{"type", "start", "end"}]}', **where)
        return None
    tokens = record["tokens"]
    if not all(isinstance(token, str) and token for token in tokens):
        ctx.problem("'tokens' must be a list of non-empty strings", **where)
        return None
    text, offsets = tokens_to_text(tokens, " ")
    spans = []
    for entity in record["entities"]:
        start, end = entity.get("start"), entity.get("end")
        if not (is_int(start) and is_int(end) and 0 <= start < end <= len(tokens)):
            ctx.problem(f"entity {entity!r:.60}: start and end must be token positions 0..{len(tokens)}, end "
                        "exclusive", **where)
            return None
        span = ctx.make_span(text, offsets[start][0], offsets[end - 1][1], entity.get("type"), **where)
        if span is None:
            return None
        spans.append(span)
    meta = extra_meta(record, SPERT_KEYS) | {"tokens": tokens, READ_ENTITIES: record["entities"]}
    name = record.get("orig_id")
    return Document(text=text, spans=dedupe(spans), meta=meta,
                    name=str(name) if isinstance(name, str | int) and not isinstance(name, bool) else None)


def write_spert(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    records, unaligned, relations_dropped = [], 0, 0
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "spert"), strict=True):
        units = word_units(doc, "token", spans)[0]
        aligned, off_units = split_by_token_boundaries(units, spans)
        unaligned += len(off_units)
        record: dict[str, Any] = meta_for_record(doc, SPERT_KEYS | {READ_ENTITIES})
        record["tokens"] = [doc.text[start:end] for start, end in units]
        entities = [{"type": label, "start": first, "end": end}
                    for first, end, label in char_spans_to_token_spans(units, aligned)]
        read = doc.meta.get(READ_ENTITIES)
        if isinstance(read, list) and _same_entities(read, entities):
            entities = read  # the relations point into the entities as they were read
        elif record.get("relations"):
            relations_dropped += len(record["relations"])
            record["relations"] = []
        record["entities"] = entities
        records.append(record)
    if unaligned:
        ctx.warn(f"{counted(unaligned, 'span')} {by_count(unaligned, 'does', 'do')} not start and end on token "
                 f"boundaries and {by_count(unaligned, 'was', 'were')} not written")
    if relations_dropped:
        ctx.warn(f"{counted(relations_dropped, 'relation')} of documents whose entities changed "
                 f"{by_count(relations_dropped, 'was', 'were')} not written: they pointed at the entities as read")
    ctx.not_written(unaligned)
    atomic_write_text(path, dumps(records) + "\n")


def _same_entities(read: list[Any], written: list[dict[str, Any]]) -> bool:
    def key(entity: Any) -> tuple[Any, ...]:
        return (entity.get("type"), entity.get("start"), entity.get("end")) if isinstance(entity, dict) else ()
    return sorted(map(key, read), key=repr) == sorted(map(key, written), key=repr)


SPECS = (
    FormatSpec(
        name="spert", reader=read_spert, writer=write_spert, extensions=(".json",), lossy=True,
        description='SpERT JSON array: {"tokens", "entities": [{"type", "start", "end"}], "relations"} '
                    "(CoNLL04, SciERC, ADE)",
        keeps="tokens, gold spans (nested too), orig_id as the name, relations (written back while the entities "
              "are unchanged), other keys",
        loses="whitespace, spans not on token boundaries, relations of documents whose entities changed, "
              "predictions (unless source='pred'), scores, status",
        offsets="token positions, end exclusive"),
)
