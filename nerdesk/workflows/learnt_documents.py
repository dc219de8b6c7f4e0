"""Which of the project's documents a registered version learnt from, kept in its ``trained_on`` record.

The automatic start's probe (``nerdesk.workflows.probe``) must not score a version on documents it learnt
from: it would find nearly every boundary there, and look better than it is on the documents to come. A
retraining records the ids of the documents it trained on as ranges of consecutive ids (reviewed documents
usually arrive together), so the record stays small in a project of many thousands of documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

LEARNT_DOCUMENTS = "learnt_document_ids"  # the trained_on key: [[first id, last id], ...], both included


def as_id_ranges(doc_ids: Iterable[int]) -> list[list[int]]:
    """``[1, 2, 3, 7]`` -> ``[[1, 3], [7, 7]]``."""
    ranges: list[list[int]] = []
    for doc_id in sorted(set(doc_ids)):
        if ranges and doc_id == ranges[-1][1] + 1:
            ranges[-1][1] = doc_id
        else:
            ranges.append([doc_id, doc_id])
    return ranges


def learnt_document_ids(trained_on: Mapping[str, Any]) -> set[int] | None:
    """The ids a version's record says it learnt from; None when it does not say (a version registered before
    the record was kept, or a bundle from elsewhere): it may have learnt from any document."""
    recorded = trained_on.get(LEARNT_DOCUMENTS)
    if not isinstance(recorded, list):
        return None
    ids: set[int] = set()
    for pair in recorded:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(n) is int for n in pair)):
            return None
        ids.update(range(pair[0], pair[1] + 1))
    return ids
