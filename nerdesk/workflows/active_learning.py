"""Active learning: which unreviewed document the annotator should look at next.

A document is as useful as the model is unsure about it. Each predicted span scores
``1 - |2 * score - 1|`` (1 at the decision threshold, score 0.5; 0 for a certain span) and a document
takes its most uncertain span. A document where the model is confident of nothing (no prediction at
all, or none scoring at least ``CONFIDENT``) is probably one where it misses entities, so it scores at
least ``NOTHING_CONFIDENT``. Ties go to the longer document (more to learn from), then the lower id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nerdesk.core.spans import PRED, Span

if TYPE_CHECKING:
    from nerdesk.storage.project import Project

UNREVIEWED = ("new", "predicted", "in-progress")
CONFIDENT = 0.9
NOTHING_CONFIDENT = 0.5


@dataclass(frozen=True, slots=True)
class RankedDocument:
    doc_id: int
    uncertainty: float  # 0 (the model is sure of everything) .. 1 (a span right at the threshold)
    length: int
    reason: str


def span_uncertainty(score: float) -> float:
    return 1.0 - abs(2.0 * score - 1.0)


def document_uncertainty(spans: Iterable[Span]) -> tuple[float, str]:
    """(uncertainty, reason) of one document from its predicted spans."""
    scores = [span.score for span in spans if span.source == PRED and span.score is not None]
    most_uncertain = max((span_uncertainty(score) for score in scores), default=0.0)
    if not any(score >= CONFIDENT for score in scores):
        reason = "no prediction" if not scores else "no confident prediction"
        return max(most_uncertain, NOTHING_CONFIDENT), reason
    return most_uncertain, "least certain prediction"


def rank_unreviewed(project: Project, *, limit: int | None = None) -> list[RankedDocument]:
    """Unreviewed documents of ``project``, most useful to annotate first."""
    ranked = []
    for document in project.all_documents(status=UNREVIEWED):
        assert document.id is not None  # every document read from a project has its id
        uncertainty, reason = document_uncertainty(document.spans)
        ranked.append(RankedDocument(document.id, uncertainty, len(document.text), reason))
    ranked.sort(key=lambda item: (-item.uncertainty, -item.length, item.doc_id))
    return ranked if limit is None else ranked[:limit]


def next_most_useful(project: Project, *, skip: Iterable[int] = ()) -> int | None:
    """The id of the unreviewed document to annotate next (not one of ``skip``), or ``None`` when all are done."""
    skipped = set(skip)
    return next((item.doc_id for item in rank_unreviewed(project) if item.doc_id not in skipped), None)
