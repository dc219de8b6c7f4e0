"""Which of the project's documents a registered version learnt from, kept in its ``trained_on`` record.

The automatic start's probe (``nerdesk.workflows.probe``) must not score a version on documents it learnt
from: it would find nearly every boundary there, and look better than it is on the documents to come. A
retraining records the ids of the documents it trained on as ranges of consecutive ids (reviewed documents
usually arrive together), so the record stays small in a project of many thousands of documents.

It also records a fingerprint of everything the training read (``TRAINING_DATA``): a retraining on the same
data would only make a copy of the active version, so it is refused before it starts (``nerdesk.workflows.retrain``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from nerdesk.core.document import Document

LEARNT_DOCUMENTS = "learnt_document_ids"  # the trained_on key: [[first id, last id], ...], both included
TRAINING_DATA = "training_data_fingerprint"  # the trained_on key: ``training_data_fingerprint``


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


def training_data_fingerprint(training: Iterable[Document], evaluation_fingerprint: str) -> str:
    """Changes when a training document joins or leaves, its text or gold spans change, or the evaluation set
    does (``EvaluationSet.fingerprint``: its documents and gold spans, and the label renames and deletions)."""
    digest = hashlib.sha1(evaluation_fingerprint.encode("ascii"))
    for key in sorted((doc.id or 0, doc.text, tuple(sorted(span.key for span in doc.gold))) for doc in training):
        digest.update(repr(key).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def learnt_the_same(trained_on: Mapping[str, Any], fingerprint: str) -> bool:
    """Whether a version's record says it learnt from exactly this data; False when it does not say (a version
    registered before the fingerprint was kept, a bundle from elsewhere): it may have learnt from anything."""
    return trained_on.get(TRAINING_DATA) == fingerprint
