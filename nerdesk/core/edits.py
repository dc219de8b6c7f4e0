"""Undoable edits of spans, independent of Qt and of the database.

An edit is a list of changes; each change removes some spans from a document and adds others.
Spans are identified by value (position, label, source), so an edit stays valid after the document
is closed and reopened, and its inverse is simply the same change with removed and added swapped.
The project store applies an edit in one transaction; the editing session (``workflows/session.py``) records
it as an undo step, which the GUI mirrors on its ``QUndoStack``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nerdesk.core.errors import SpanError
from nerdesk.core.spans import GOLD, PRED, Span


@dataclass(frozen=True, slots=True)
class Change:
    """``removed`` and ``added`` spans of one document. ``released``: predictions an undo would have put
    back, left out because a model run has replaced the document's predictions since; later runs may
    propose them again (``workflows/prediction_runs.py``, ``storage/rejected_predictions.py``)."""

    doc_id: int
    removed: tuple[Span, ...] = ()
    added: tuple[Span, ...] = ()
    released: tuple[Span, ...] = ()

    def inverse(self) -> Change:
        return Change(self.doc_id, removed=self.added, added=self.removed)


@dataclass(frozen=True, slots=True)
class Edit:
    description: str
    changes: tuple[Change, ...]

    def inverse(self) -> Edit:
        return Edit(f"Undo {self.description}", tuple(c.inverse() for c in reversed(self.changes)))

    @property
    def is_empty(self) -> bool:
        return not any(c.removed or c.added for c in self.changes)

    @property
    def documents(self) -> set[int]:
        return {c.doc_id for c in self.changes}


def _single(description: str, doc_id: int, removed: Iterable[Span] = (), added: Iterable[Span] = ()) -> Edit:
    return Edit(description, (Change(doc_id, tuple(removed), tuple(added)),))


def add_span(doc_id: int, span: Span, existing: Sequence[Span] = ()) -> Edit:
    """Add a gold span; adding one that already exists is an empty edit."""
    span = span.as_gold()
    if any(s.key == span.key and s.source == GOLD for s in existing):
        return Edit(f"add {span.label}", ())
    return _single(f"add {span.label}", doc_id, added=[span])


def delete_spans(doc_id: int, spans: Sequence[Span], along: Sequence[Span] = ()) -> Edit:
    """Delete ``spans``, and ``along`` in the same step without naming them (a gold span's hidden twin)."""
    noun = spans[0].label if len(spans) == 1 else f"{len(spans)} spans"
    return _single(f"delete {noun}", doc_id, removed=[*spans, *along])


def relabel(doc_id: int, span: Span, label: str, existing: Sequence[Span] = ()) -> Edit:
    new = span.relabelled(label)
    clash = [s for s in existing if s.key == new.key and s.source == new.source and s != span]
    return _single(f"relabel {span.label} as {label}", doc_id, removed=[span, *clash], added=[new])


def resize(doc_id: int, span: Span, start: int, end: int, text_length: int) -> Edit:
    if not 0 <= start < end <= text_length:
        raise SpanError(f"cannot resize {span.label} to {start}..{end}: outside the text or empty", code="E008")
    return _single(f"resize {span.label}", doc_id, removed=[span], added=[span.moved(start, end)])


def nudge(doc_id: int, span: Span, *, start_by: int = 0, end_by: int = 0, text_length: int) -> Edit:
    return resize(doc_id, span, span.start + start_by, span.end + end_by, text_length)


def accept_predictions(doc_id: int, predictions: Sequence[Span], existing: Sequence[Span] = ()) -> Edit:
    """Turn predictions into gold spans (skipping ones already in gold) and drop the predictions."""
    gold_keys = {s.key for s in existing if s.source == GOLD}
    preds = [p for p in predictions if p.source == PRED]
    added = [p.as_gold() for p in preds if p.key not in gold_keys]
    noun = "prediction" if len(preds) == 1 else f"{len(preds)} predictions"
    return _single(f"accept {noun}", doc_id, removed=preds, added=added)


def reject_predictions(doc_id: int, predictions: Sequence[Span]) -> Edit:
    preds = [p for p in predictions if p.source == PRED]
    noun = "prediction" if len(preds) == 1 else f"{len(preds)} predictions"
    return _single(f"reject {noun}", doc_id, removed=preds)


def combine(description: str, edits: Iterable[Edit]) -> Edit:
    """One undo step made of several edits (bulk actions across documents)."""
    return Edit(description, tuple(change for edit in edits for change in edit.changes))


def apply_to_spans(spans: Sequence[Span], change: Change) -> list[Span]:
    """Apply one change to an in-memory span list (what the store does in SQL)."""
    removed = set(change.removed)
    kept = [s for s in spans if s not in removed]
    present = set(kept)
    return kept + [s for s in change.added if s not in present]
