"""What marking a document reviewed does with the predictions still pending in it.

A reviewed document is training data: its gold spans are the truth and every other place counts as
"no entity". A prediction left pending there would silently count as wrong, so reviewing settles
every prediction first. The ones the user can see are accepted or rejected as one choice; the ones
hidden below the minimum score are rejected either way (the user never saw them, so they must not
become gold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nerdesk.core import edits
from nerdesk.core.edits import Edit
from nerdesk.core.errors import NerdeskError
from nerdesk.core.spans import GOLD, PRED, Span
from nerdesk.core.wording import counted

ASK = "ask"
ACCEPT = "accept"
REJECT = "reject"
POLICIES = (ASK, ACCEPT, REJECT)

POLICY_DESCRIPTIONS = {
    ASK: "Ctrl+Enter asks about pending predictions",
    ACCEPT: "Ctrl+Enter accepts pending predictions",
    REJECT: "Ctrl+Enter rejects pending predictions",
}


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise NerdeskError(f"unknown pending-prediction policy {policy!r}; use one of {', '.join(POLICIES)}",
                           code="E530")
    return policy


@dataclass(frozen=True)
class PendingPredictions:
    """The predictions of one document not yet accepted or rejected: those the user sees, those hidden
    below the minimum score, and twins of gold spans (same range and label: not drawn, already gold)."""

    shown: tuple[Span, ...]
    hidden: tuple[Span, ...]
    twins: tuple[Span, ...] = ()

    @property
    def count(self) -> int:
        return len(self.shown) + len(self.hidden) + len(self.twins)


def is_shown(span: Span, min_score: float) -> bool:
    return span.score is None or span.score >= min_score


def pending_predictions(spans: Sequence[Span], min_score: float) -> PendingPredictions:
    gold = {s.key for s in spans if s.source == GOLD}
    predictions = [s for s in spans if s.source == PRED and s.key not in gold]
    return PendingPredictions(tuple(s for s in predictions if is_shown(s, min_score)),
                              tuple(s for s in predictions if not is_shown(s, min_score)),
                              tuple(s for s in spans if s.source == PRED and s.key in gold))


def settle_pending(doc_id: int, spans: Sequence[Span], min_score: float, choice: str) -> Edit:
    """The edit that leaves no prediction in the document: shown ones accepted or rejected by ``choice``.

    ``choice`` is ``accept`` or ``reject``; predictions below ``min_score`` are always rejected, and so
    are twins of gold spans (the gold span stays).
    """
    if choice not in (ACCEPT, REJECT):
        raise NerdeskError(f"pending predictions can only be accepted or rejected, not {choice!r}",
                           code="E531")
    pending = pending_predictions(spans, min_score)
    parts = []
    if choice == ACCEPT and pending.shown:
        parts.append(edits.accept_predictions(doc_id, list(pending.shown), spans))
    rejected = [*pending.hidden, *pending.twins] + (list(pending.shown) if choice == REJECT else [])
    if rejected:
        parts.append(edits.reject_predictions(doc_id, rejected))
    verb = "accept" if choice == ACCEPT else "reject"
    return edits.combine(f"{verb} {counted(len(pending.shown), 'pending prediction')}", parts)


def settled_message(pending: PendingPredictions, choice: str) -> str:
    """One sentence for the status bar saying what reviewing did with the predictions."""
    if not pending.shown and not pending.hidden:
        return ""
    verb = "accepted" if choice == ACCEPT else "rejected"
    below = f"{counted(len(pending.hidden), 'prediction')} below the minimum score"
    if not pending.shown:
        return f"rejected {below}"
    message = f"{verb} {counted(len(pending.shown), 'pending prediction')}"
    return message + (f", rejected {below}" if pending.hidden else "")
