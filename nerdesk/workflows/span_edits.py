"""Edits made by hand in the annotation window: whatever a person creates or changes becomes gold.

A prediction at the place a person labels is consumed (removed in the same edit), so gold and its
predicted twin never stand side by side; relabelling or resizing a prediction turns it into a gold
span, as the person has now decided it. Built on ``core.edits`` values, so every edit is undoable.
"""

from __future__ import annotations

from collections.abc import Sequence

from nerdesk.core import edits
from nerdesk.core.edits import Change, Edit
from nerdesk.core.errors import SpanError
from nerdesk.core.spans import GOLD, PRED, Span


def add_gold(doc_id: int, span: Span, existing: Sequence[Span]) -> Edit:
    """Add ``span`` as gold, consuming a prediction with the same range and label."""
    gold = span.as_gold()
    return _gold_in_place_of(f"add {gold.label}", doc_id, None, gold, existing)


def relabel_to_gold(doc_id: int, span: Span, label: str, existing: Sequence[Span]) -> Edit:
    """Relabel ``span`` (gold or predicted); the result is gold."""
    return _gold_in_place_of(f"relabel {span.label} as {label}", doc_id, span,
                             span.relabelled(label).as_gold(), existing)


def resize_to_gold(doc_id: int, span: Span, start: int, end: int, text_length: int,
                   existing: Sequence[Span]) -> Edit:
    """Move the boundaries of ``span`` (gold or predicted); the result is gold."""
    if not 0 <= start < end <= text_length:
        raise SpanError(f"cannot resize {span.label} to {start}..{end}: outside the text or empty",
                        code="E008")
    return _gold_in_place_of(f"resize {span.label}", doc_id, span, span.moved(start, end).as_gold(), existing)


def delete_with_twins(doc_id: int, spans: Sequence[Span], existing: Sequence[Span]) -> Edit:
    """Delete ``spans``; a deleted gold span takes its prediction twin with it.

    The window hides a prediction that stands where a gold span of its label is; deleting the gold span
    would show it again, pending, and accepting the pending ones would bring the deleted span back.
    """
    return edits.delete_spans(doc_id, spans, along=_twins_of([s for s in spans if s.source == GOLD], existing, spans))


def _twins_of(golds: Sequence[Span], existing: Sequence[Span], exclude: Sequence[Span] = ()) -> list[Span]:
    keys = {gold.key for gold in golds}
    return [s for s in existing if s.source == PRED and s.key in keys and s not in exclude]


def _gold_in_place_of(description: str, doc_id: int, old: Span | None, gold: Span,
                      existing: Sequence[Span]) -> Edit:
    """Remove ``old`` (with its prediction twin, when it is gold) and any prediction twin of ``gold``, and
    add ``gold`` unless it is there already."""
    others = [s for s in existing if s != old and s.key == gold.key]
    twins = [s for s in others if s.source == PRED]
    if old is not None and old.source == GOLD and old.key != gold.key:
        twins += _twins_of([old], existing)  # relabelled or resized: the old place is no longer an entity
    already_gold = any(s.source == GOLD for s in others)
    removed = ([old] if old is not None and old != gold else []) + twins
    added = [] if already_gold or old == gold else [gold]
    if not removed and not added:
        return Edit(description, ())
    return Edit(description, (Change(doc_id, tuple(removed), tuple(added)),))
