"""Formats of public corpora: CLUENER, CMeEE and GENIA (as published with the GlobalPointer papers).

- ``cluener``: JSON lines ``{"text", "label": {TYPE: {MENTION: [[start, end], ...]}}}``, end INCLUSIVE.
- ``cmeee``: one JSON array of ``{"text", "entities": [{"start_idx", "end_idx", "type", "entity"}]}``
  (or the same records as JSON lines), end INCLUSIVE.
- ``genia``: JSON lines ``{"doc_id", "sent_id", "text", "entities": [{"start", "end", "type", "text"}],
  "tokens", "entity_mentions"}``; ``entities`` are character offsets, end exclusive; ``entity_mentions``
  (token offsets) are derived and rewritten from ``tokens`` on export.
- ``w2ner``: W2NER's JSON arrays ``{"sentence": [tokens], "ner": [{"index", "type"}]}`` (``corpora_w2ner``).
- ``dygie``: DyGIE++'s JSON lines ``{"doc_key", "sentences", "ner"}`` (``corpora_dygie``).
- ``spert``: SpERT's JSON arrays ``{"tokens", "entities": [{"type", "start", "end"}], "relations"}``
  (``corpora_spert``).
- ``boson``: BosonNLP's lines with ``{{type:mention}}`` marks (``corpora_boson``).

Keys a format does not interpret (``id``, ``doc_id``, ...) are kept in ``Document.meta`` and written back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.json_values import is_int
from nerdesk.core.offsets import exclusive_to_inclusive, inclusive_to_exclusive
from nerdesk.core.spans import Span
from nerdesk.core.tags import char_spans_to_token_spans, find_token_char_offsets, split_by_token_boundaries
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    CODE_POINTS,
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    dumps,
    extra_meta,
    json_line_records,
    loads_document,
    meta_for_record,
    read_entity_list_records,
    record_text,
)
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.corpora_boson import SPECS as BOSON_SPECS
from nerdesk.formats.corpora_dygie import SPECS as DYGIE_SPECS
from nerdesk.formats.corpora_spert import SPECS as SPERT_SPECS
from nerdesk.formats.corpora_w2ner import SPECS as W2NER_SPECS

# -- CLUENER -----------------------------------------------------------------------------------------

CLUENER_KEYS = {"text", "label"}


def read_cluener(ctx: ReadContext) -> list[Document]:
    docs = []
    for where, record in json_line_records(ctx):
        text = record_text(record, ctx, where)
        if text is None:
            continue
        labels = record.get("label", {})
        if labels is None:
            labels = {}
        if not isinstance(labels, dict):
            ctx.problem(f"'label' must be an object {{TYPE: {{MENTION: [[start, end], ...]}}}}, got "
                        f"{type(labels).__name__}", **where)
            continue
        spans, ok = [], True
        for label, mentions in labels.items():
            if not isinstance(mentions, dict):
                ctx.problem(f"label {label!r}: expected {{MENTION: [[start, end], ...]}}", **where)
                ok = False
                continue
            for mention, positions in mentions.items():
                if not isinstance(positions, list):
                    ctx.problem(f"{label!r} {mention!r}: positions must be a list of [start, end]", **where)
                    ok = False
                    continue
                for pos in positions:
                    if not (isinstance(pos, list) and len(pos) == 2 and is_int(pos[0]) and is_int(pos[1])):
                        ctx.problem(f"{label!r} {mention!r}: position {pos!r:.40} is not [start, end]", **where)
                        ok = False
                        continue
                    span = inclusive_span(ctx, text, pos[0], pos[1], label, mention, where, "CLUENER")
                    if span is None:
                        ok = False
                    else:
                        spans.append(span)
        if ok:
            docs.append(Document(text=text, spans=spans, meta=extra_meta(record, CLUENER_KEYS)))
    return docs


def inclusive_span(ctx: ReadContext, text: str, start: int, end_inclusive: int, label: Any, mention: Any,
                   where: Where, format_name: str) -> Span | None:
    """The span of an inclusive ``[start, end]``; a mismatch that an exclusive end explains (the text at the
    offsets is the mention and one character more) is refused saying so."""
    end = inclusive_to_exclusive(start, end_inclusive)[1]
    if isinstance(mention, str) and mention and 0 <= start < end <= len(text) and text[start:end] != mention \
            and text[start:end - 1] == mention:
        ctx.problem(f"span {start}..{end_inclusive} ({label}) covers {text[start:end]!r}, one character more than "
                    f"{mention!r}: its end looks exclusive, while {format_name}'s ends are inclusive (the mention is "
                    f"text[start:end + 1]); take 1 from every end of the file and import it again", code="E005",
                    **where)
        return None
    return ctx.make_span(text, start, end, label, mention=mention, **where)


def write_cluener(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines = []
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "cluener"), strict=True):
        record: dict[str, Any] = meta_for_record(doc, CLUENER_KEYS)
        record["text"] = doc.text
        label: dict[str, dict[str, list[list[int]]]] = {}
        for span in spans:
            label.setdefault(span.label, {}).setdefault(span.mention(doc.text), []).append(
                list(exclusive_to_inclusive(span.start, span.end)))
        record["label"] = label
        lines.append(dumps(record))
    atomic_write_text(path, "".join(line + "\n" for line in lines))


# -- CMeEE -------------------------------------------------------------------------------------------

CMEEE_KEYS = {"text", "entities"}


def read_cmeee(ctx: ReadContext) -> list[Document]:
    """CBLUE's JSON array, or the same records as JSON lines (as many copies of CMeEE are converted)."""
    content = ctx.read_text()
    records: Iterable[tuple[Where, Any]]
    if content.lstrip().startswith("["):
        data = loads_document(content, ctx)
        if not isinstance(data, list):
            raise FormatError(f"expected a JSON array of {{text, entities}} records, got {type(data).__name__}",
                              path=str(ctx.path), code="E112")
        records = ((Where(record=number), record) for number, record in enumerate(data, start=1))
    else:
        records = json_line_records(ctx)

    def span_of(entity: dict[str, Any], text: str, where: Where) -> Span | None:
        start, end_incl = entity.get("start_idx"), entity.get("end_idx")
        if not is_int(start) or not is_int(end_incl):
            ctx.problem(f"start_idx/end_idx must be integers, got {start!r}/{end_incl!r}", **where)
            return None
        return inclusive_span(ctx, text, start, end_incl, entity.get("type"), entity.get("entity"), where, "CMeEE")

    return read_entity_list_records(records, ctx, list_key="entities", known_keys=CMEEE_KEYS, span_of=span_of)


def _cmeee_entity(span: Span, text: str) -> dict[str, Any]:
    start_idx, end_idx = exclusive_to_inclusive(span.start, span.end)
    return {"start_idx": start_idx, "end_idx": end_idx, "type": span.label, "entity": span.mention(text)}


def write_cmeee(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    records = []
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "cmeee"), strict=True):
        record: dict[str, Any] = meta_for_record(doc, CMEEE_KEYS)
        record["text"] = doc.text
        record["entities"] = [_cmeee_entity(span, doc.text) for span in spans]
        records.append(record)
    atomic_write_text(path, dumps(records, indent=ctx.option("indent", 1)) + "\n")


# -- GENIA -------------------------------------------------------------------------------------------

GENIA_KEYS = {"text", "entities", "entity_mentions"}


def read_genia(ctx: ReadContext) -> list[Document]:
    def span_of(entity: dict[str, Any], text: str, where: Where) -> Span | None:
        return ctx.make_span(text, entity.get("start"), entity.get("end"), entity.get("type", entity.get("label")),
                             mention=entity.get("text"), **where)

    def name_of(record: dict[str, Any]) -> str | None:
        return record["sent_id"] if isinstance(record.get("sent_id"), str) else None

    return read_entity_list_records(json_line_records(ctx), ctx, list_key="entities", known_keys=GENIA_KEYS,
                                    span_of=span_of, name_of=name_of)


def write_genia(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines, unaligned = [], 0
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "genia"), strict=True):
        record: dict[str, Any] = meta_for_record(doc, GENIA_KEYS)
        if "sent_id" not in record and doc.name is not None:
            record["sent_id"] = doc.name
        record["text"] = doc.text
        record["entities"] = [
            {"start": s.start, "end": s.end, "type": s.label, "text": s.mention(doc.text)} for s in spans
        ]
        offsets = find_token_char_offsets(doc.text, record.get("tokens"))
        if offsets is None:
            record["tokens"] = doc.text.split()
            offsets = find_token_char_offsets(doc.text, record["tokens"]) or []
        aligned, off_tokens = split_by_token_boundaries(offsets, spans)
        unaligned += len(off_tokens)
        record["entity_mentions"] = [{"start": first, "end": end, "entity_type": label}
                                     for first, end, label in char_spans_to_token_spans(offsets, aligned)]
        lines.append(dumps(record))
    if unaligned:
        ctx.warn(f"{counted(unaligned, 'span')} {by_count(unaligned, 'does', 'do')} not start and end on token "
                 f"boundaries: {by_count(unaligned, 'it is', 'they are')} in 'entities' but not in the token-level "
                 "'entity_mentions'")
    atomic_write_text(path, "".join(line + "\n" for line in lines))


_GOLD_ONLY = "predictions (unless source='pred'), scores, name, status"
INCLUSIVE = "code points, end INCLUSIVE"

SPECS = (
    FormatSpec(
        name="cluener", reader=read_cluener, writer=write_cluener, extensions=(".json", ".jsonl"), lossy=True,
        description='CLUENER2020 JSON lines: {"text", "label": {TYPE: {MENTION: [[s, e]]}}}',
        keeps="text, gold spans (nested too), other keys such as id", loses=_GOLD_ONLY, offsets=INCLUSIVE,
        aliases=("clue",)),
    FormatSpec(
        name="cmeee", reader=read_cmeee, writer=write_cmeee, extensions=(".json",), lossy=True,
        description='CMeEE / CBLUE JSON array: {"text", "entities": [{"start_idx", "end_idx", "type", "entity"}]}',
        keeps="text, gold spans (nested too), other keys", loses=_GOLD_ONLY, offsets=INCLUSIVE,
        write_options=frozenset({"indent"}), aliases=("cmeee-v2", "cblue")),
    FormatSpec(
        name="genia", reader=read_genia, writer=write_genia, extensions=(".jsonl", ".json"), lossy=True,
        description='GENIA JSON lines: {"doc_id", "sent_id", "text", "entities": [{"start", "end", "type", '
                    '"text"}], "tokens", "entity_mentions"}',
        keeps="text, gold spans (nested too), doc_id, sent_id (as name), tokens",
        loses="predictions (unless source='pred'), scores, status; entity_mentions are rebuilt from tokens",
        offsets=CODE_POINTS + " (entity_mentions: tokens, end exclusive)"),
    *W2NER_SPECS,
    *DYGIE_SPECS,
    *SPERT_SPECS,
    *BOSON_SPECS,
)
