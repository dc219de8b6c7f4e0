"""Merging or deleting a label across a project, as one value edit (``nerdesk.core.edits``).

The window wraps the edit in one undo step; anything else applies it with ``apply_label_merge``. Either
way the spans move the same way: a span that already exists with the target label is not
duplicated, its source copy is dropped.
"""

from __future__ import annotations

from nerdesk.core import edits
from nerdesk.core.edits import Edit
from nerdesk.core.errors import ProjectError
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project


def spans_with_label(project: Project, name: str, *, keep_all: bool = False) -> list[tuple[int, list[Span]]]:
    """(document id, spans) of every document holding a ``name`` span: those spans, or all of its spans."""
    found = []
    for doc_id in project.document_ids(label=name):
        spans = project.spans(doc_id)
        found.append((doc_id, spans if keep_all else [span for span in spans if span.label == name]))
    return found


def merge_label_edit(project: Project, source: str, target: str) -> Edit:
    """The edit relabelling every ``source`` span (gold and predicted) as ``target``."""
    if source == target:
        raise ProjectError(f"cannot merge label {source!r} into itself; pick another target", code="E520")
    changes = []
    for doc_id, spans in spans_with_label(project, source, keep_all=True):
        existing = set(spans)
        moved = [span for span in spans if span.label == source]
        added = [span.relabelled(target) for span in moved if span.relabelled(target) not in existing]
        changes.append(Edit("", (edits.Change(doc_id, tuple(moved), tuple(added)),)))
    return edits.combine(f"merge {source} into {target}", changes)


def delete_label_edit(project: Project, name: str) -> Edit:
    """The edit removing every ``name`` span (gold and predicted)."""
    changes = [edits.delete_spans(doc_id, spans) for doc_id, spans in spans_with_label(project, name)]
    return edits.combine(f"delete spans of {name}", changes)


def apply_label_merge(project: Project, source: str, target: str) -> int:
    """Merge ``source`` into ``target`` and remove ``source``; returns the spans moved."""
    labels = project.label_set()
    for name in (source, target):
        if name not in labels:
            raise ProjectError(f"the project has no label {name!r}; see the label list", code="E010")
    span_edit = merge_label_edit(project, source, target)
    if not span_edit.is_empty:
        project.apply_edit(span_edit)
    project.delete_label(source, merged_into=target)
    return sum(len(change.added) for change in span_edit.changes)
