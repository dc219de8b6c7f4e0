"""Whether a newly trained model version replaces the active one.

The rule, the same for the Retrain button and ``nerdesk retrain``:

- a new version with a higher F1 than the active one on today's evaluation set becomes active;
- at exactly the same F1 it becomes active only when it predicts different spans on at least one
  evaluation document: it has learnt something from the latest corrections that the score cannot
  rank. When it predicts the very same spans (a continuation that kept its starting weights, say),
  it would change nothing but the version name, so the active version stays;
- a lower F1 keeps the active version;
- a version that finds none of the evaluation set's entities (F1 0) never becomes active.

The messages say what happened, not which button or command changes it: the Retrain panel offers
*Activate anyway*, ``nerdesk retrain`` prints its ``nerdesk activate`` line. With the ``always`` policy the
comparison is still made and reported, but the new
version is activated whatever it says, except when it found nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nerdesk.core.spans import Span
from nerdesk.core.wording import counted
from nerdesk.workflows.evaluation import EvaluationScore

IF_BETTER = "if-better"
ALWAYS = "always"
POLICIES = (IF_BETTER, ALWAYS)
# F1 values computed from different span counts can differ in the last bits while being equal.
SAME_F1 = 1e-9


@dataclass(frozen=True, slots=True)
class PromotionDecision:
    promote: bool
    message: str


def is_tie(new: EvaluationScore, active: EvaluationScore | None) -> bool:
    """Whether the two versions score the same F1 (the case where their predictions decide)."""
    return active is not None and new.gold_spans > 0 and new.f1 > 0 and abs(new.f1 - active.f1) < SAME_F1


def changed_documents(new: Sequence[Sequence[Span]], old: Sequence[Sequence[Span]]) -> int:
    """On how many documents two versions' predictions (one list of spans per document) differ in
    offsets or labels."""
    return sum(_keys(a) != _keys(b) for a, b in zip(new, old, strict=True))


def _keys(spans: Iterable[Span]) -> list[tuple[int, int, str]]:
    return sorted((span.start, span.end, span.label) for span in spans)


def decide(new_name: str, new: EvaluationScore, active_name: str | None, active: EvaluationScore | None,
           policy: str = IF_BETTER, changed: int | None = None) -> PromotionDecision:
    """Compare the new version with the active one on the same evaluation set and say what happens.

    ``changed`` is the number of evaluation documents on which the two predict different spans; it is
    only looked at when both score the same F1, and unknown (None) counts as a change.
    """
    where = f"on your {counted(new.documents, 'evaluation document')}"
    found = f"{new_name}: F1 {new.percent()} {where}"
    if new.gold_spans == 0:
        promote = active is None or policy == ALWAYS
        outcome = f"{new_name} is now active" if promote else f"{active_name} stays active"
        return PromotionDecision(promote, f"{new_name} cannot be compared: the evaluation set has no gold spans "
                                          f"yet; {outcome}")
    if new.f1 == 0.0:
        keep = f"{active_name} stays active" if active_name else "no model is active"
        return PromotionDecision(False, f"{found}: it found none of the {new.gold_spans} evaluation entities and "
                                        f"is kept inactive; {keep}. Review more documents, train longer or start "
                                        f"from another model")
    if active is None:
        return PromotionDecision(True, f"{found}; it is now the active model")
    if is_tie(new, active):
        return _decide_tie(new_name, new, active_name, policy, changed)
    compared = f"{found}; the active {active_name} has {active.percent()}"
    if new.f1 > active.f1:
        return PromotionDecision(True, f"{compared}; {new_name} is now active")
    if policy == ALWAYS:
        return PromotionDecision(True, f"{compared}; {new_name} was activated anyway")
    return PromotionDecision(False, f"{compared}; {active_name} stays active ({new_name} is kept as an inactive "
                                    f"version)")


def _decide_tie(new_name: str, new: EvaluationScore, active_name: str | None, policy: str,
                changed: int | None) -> PromotionDecision:
    same = f"{new_name} scores the same as {active_name} (F1 {new.percent()} on your " \
           f"{counted(new.documents, 'evaluation document')})"
    if changed is None or changed > 0:
        differ = f" but predicts different spans on {changed} of them" if changed and new.documents > 1 else \
            " but predicts different spans" if changed else ""
        return PromotionDecision(True, f"{same}{differ}; it has learnt from your latest corrections, so "
                                       f"{new_name} is now active")
    same = f"{same} and predicts the same spans"
    if policy == ALWAYS:
        return PromotionDecision(True, f"{same}; {new_name} was activated anyway")
    return PromotionDecision(False, f"{same}; {active_name} stays active ({new_name} is kept as an inactive "
                                    f"version)")
