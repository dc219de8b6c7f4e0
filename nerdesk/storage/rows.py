"""Conversions between core objects and database rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.spans import Span

SPAN_COLUMNS = 'doc_id, "start", "end", label, source, score, model_version'
INSERT_SPAN = f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
INSERT_SPAN_IF_ABSENT = f"INSERT OR IGNORE INTO spans ({SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
SELECT_SPAN = 'SELECT doc_id, "start", "end", label, source, score, model_version FROM spans'
INSERT_DOCUMENT = (
    "INSERT INTO documents (id, text, name, meta, status, split, length, created, updated) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_DOCUMENT = "SELECT id, text, name, meta, status, split FROM documents"


def now() -> str:
    """UTC time stamp, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> Any:
    return json.loads(text) if text else {}


def span_row(doc_id: int, span: Span) -> tuple[Any, ...]:
    return (doc_id, span.start, span.end, span.label, span.source, span.score, span.model_version)


def row_span(row: Sequence[Any]) -> Span:
    """A span from a ``SELECT_SPAN`` row (doc_id first)."""
    _, start, end, label, source, score, model_version = row
    return Span(start, end, label, source, score, model_version)


def span_identity(doc_id: int, span: Span) -> tuple[Any, ...]:
    """The UNIQUE key of a span row: spans are matched by value, never by row id."""
    return (doc_id, span.start, span.end, span.label, span.source)


def document_row(doc_id: int, document: Document, timestamp: str) -> tuple[Any, ...]:
    return (
        doc_id, document.text, document.name, to_json(document.meta), document.status,
        document.split, len(document.text), timestamp, timestamp,
    )


def row_document(row: Sequence[Any], spans: list[Span]) -> Document:
    """A document from a ``SELECT_DOCUMENT`` row and its spans."""
    doc_id, text, name, meta, status, split = row
    return Document(text, spans, name=name, meta=from_json(meta), status=status, split=split, id=doc_id)
