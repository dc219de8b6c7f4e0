"""The native formats: ``nerdesk-json`` (one JSON file) and ``jsonl`` (one document per line).

Both keep everything: text, gold and predicted spans (with score and model version), name, status,
metadata, split and id. Offsets are code points, end exclusive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.json_values import is_int
from nerdesk.core.spans import GOLD, PRED, Span, sort_spans
from nerdesk.formats._base import (
    CODE_POINTS,
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    check_status,
    check_text,
    dumps,
    iter_json_lines,
    loads_document,
)
from nerdesk.formats.atomic_write import atomic_write_text

FORMAT_TAG = "nerdesk"
VERSION = 1
OFFSETS = "code points, end exclusive"


def document_to_record(doc: Document) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": doc.id,
        "name": doc.name,
        "text": doc.text,
        "status": doc.status,
        "meta": doc.meta,
    }
    if doc.split is not None:
        record["split"] = doc.split
    record["spans"] = [
        {"start": s.start, "end": s.end, "label": s.label, "text": s.mention(doc.text), "source": s.source,
         "score": s.score, "model_version": s.model_version}
        for s in sort_spans(doc.spans)
    ]
    return record


def _checked_fields(record: dict[str, Any], ctx: ReadContext, where: Where) -> dict[str, Any] | None:
    """``id``, ``name``, ``meta``, ``split`` and ``status`` of a record, or ``None`` after recording problems."""
    fields = {key: record.get(key) for key in ("id", "name", "meta", "split")}
    fields["meta"] = {} if fields["meta"] is None else fields["meta"]
    ok = True
    for key, fits, what in (("id", is_int, "an integer or null"), ("name", _is_str, "a string or null"),
                            ("meta", _is_dict, "an object"), ("split", _is_str, "a string or null")):
        value = fields[key]
        if value is not None and not fits(value):
            shown = type(value).__name__ if key == "meta" else repr(value)
            ctx.problem(f"{key!r} must be {what}, got {shown}", **where)
            ok = False
    fields["status"] = check_status(record.get("status"), ctx, where)
    return fields if ok else None


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _checked_spans(raw_spans: Any, text: str, ctx: ReadContext, where: Where) -> list[Span] | None:
    """The record's spans, or ``None`` after recording every problem with them."""
    if not isinstance(raw_spans, list):
        ctx.problem(f"'spans' must be a list, got {type(raw_spans).__name__}", **where)
        return None
    spans, ok = [], True
    for raw in raw_spans:
        if not isinstance(raw, dict):
            ctx.problem(f"a span must be an object, got {raw!r:.60}", **where)
            ok = False
            continue
        source = raw.get("source", GOLD)
        source = GOLD if source is None else source
        if source not in (GOLD, PRED):
            ctx.problem(f"span source must be 'gold' or 'pred', got {source!r}", **where)
            ok = False
            continue
        span = ctx.make_span(text, raw.get("start"), raw.get("end"), raw.get("label"), mention=raw.get("text"),
                             source=source, score=raw.get("score"), model_version=raw.get("model_version"),
                             **where)
        ok = ok and span is not None
        spans.extend([span] if span is not None else [])
    return spans if ok else None


def record_to_document(record: Any, ctx: ReadContext, *, line: int | None = None,
                       record_no: int | None = None) -> Document | None:
    where: Where = {"line": line, "record": record_no}
    if not isinstance(record, dict):
        ctx.problem(f"a document must be a JSON object, got {type(record).__name__}", **where)
        return None
    text = check_text(record.get("text"), ctx, line=line, record=record_no)
    if text is None:
        return None
    fields = _checked_fields(record, ctx, where)
    raw_spans = record.get("spans")
    spans = _checked_spans([] if raw_spans is None else raw_spans, text, ctx, where)
    if fields is None or spans is None:
        return None
    return Document(text=text, spans=spans, name=fields["name"], meta=dict(fields["meta"]),
                    status=fields["status"], split=fields["split"], id=fields["id"])


def read_json(ctx: ReadContext) -> list[Document]:
    data = loads_document(ctx.read_text(), ctx)
    if isinstance(data, list):
        records: list[Any] = data  # a bare list of documents
    elif isinstance(data, dict):
        if data.get("format") not in (FORMAT_TAG, None):
            raise FormatError(f"'format' is {data.get('format')!r}, expected {FORMAT_TAG!r}", path=str(ctx.path), code="E113")
        version = data.get("version", VERSION)
        if not is_int(version) or version > VERSION:
            raise FormatError(f"unsupported nerdesk-json version {version!r} (this program reads up to "
                              f"{VERSION}); update nerdesk", path=str(ctx.path), code="E113")
        documents = data.get("documents")
        if not isinstance(documents, list):
            raise FormatError("'documents' must be a list", path=str(ctx.path), code="E112")
        records = documents
        labels = data.get("labels", [])
        if not isinstance(labels, list):
            raise FormatError("'labels' must be a list", path=str(ctx.path), code="E112")
        for index, label in enumerate(labels):
            name = label.get("name") if isinstance(label, dict) else label
            if not isinstance(name, str) or not name.strip() or name != name.strip():
                ctx.problem(f"label {index} must be a non-empty name, got {label!r:.60}")
            else:
                ctx.declared_labels.append(name)
    else:
        raise FormatError(f"expected a JSON object with 'documents', got {type(data).__name__}",
                          path=str(ctx.path), code="E112")
    docs = []
    for number, record in enumerate(records, start=1):
        doc = record_to_document(record, ctx, record_no=number)
        if doc is not None:
            docs.append(doc)
    return docs


def write_json(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    names: list[str] = list(ctx.labels.names) if ctx.labels is not None else []
    for doc in documents:
        for span in sort_spans(doc.spans):
            if span.label not in names:
                names.append(span.label)
    payload = {
        "format": FORMAT_TAG,
        "version": VERSION,
        "offsets": OFFSETS,
        "labels": names,
        "documents": [document_to_record(doc) for doc in documents],
    }
    indent = ctx.option("indent", 1)
    atomic_write_text(path, dumps(payload, indent=indent) + "\n")


def read_jsonl(ctx: ReadContext) -> list[Document]:
    docs = []
    for record_no, (line, record) in enumerate(iter_json_lines(ctx.read_text(), ctx), start=1):
        doc = record_to_document(record, ctx, line=line, record_no=record_no)
        if doc is not None:
            docs.append(doc)
    return docs


def write_jsonl(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines = [dumps(document_to_record(doc)) for doc in documents]
    atomic_write_text(path, "".join(line + "\n" for line in lines))


SPECS = (
    FormatSpec(
        name="nerdesk-json", reader=read_json, writer=write_json, extensions=(".json",), lossy=False,
        description='nerdesk\'s own export: {"format": "nerdesk", "version": 1, "labels", "documents"}',
        keeps="everything: text, gold and predicted spans with score and model version, labels (also unused "
              "ones), name, status, meta, split, id",
        loses="label colours and shortcut keys", offsets=CODE_POINTS, write_options=frozenset({"indent"}),
        aliases=("json", "nerdesk", "native"), default_for_suffixes=(".json",)),
    FormatSpec(
        name="jsonl", reader=read_jsonl, writer=write_jsonl, extensions=(".jsonl", ".ndjson"), lossy=False,
        description="one nerdesk document per line", keeps="as nerdesk-json, one document per line",
        loses="labels that no span uses", offsets=CODE_POINTS, aliases=("ndjson",),
        default_for_suffixes=(".jsonl", ".ndjson")),
)
