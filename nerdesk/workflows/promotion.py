"""Whether a newly trained model version replaces the active one.

The rule, the same for the Retrain button and ``nerdesk retrain``: the new version becomes active
only if it scores at least as well as the active version on today's evaluation set. A version that
finds none of the evaluation set's entities (F1 0) never becomes active on its own. With the
``always`` policy (*Activate anyway*) the comparison is still made and reported, but the new version
is activated whatever it says, except when it found nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from nerdesk.workflows.evaluation import EvaluationScore

IF_BETTER = "if-better"
ALWAYS = "always"
POLICIES = (IF_BETTER, ALWAYS)


@dataclass(frozen=True, slots=True)
class PromotionDecision:
    promote: bool
    message: str


def decide(new_name: str, new: EvaluationScore, active_name: str | None, active: EvaluationScore | None,
           policy: str = IF_BETTER) -> PromotionDecision:
    """Compare the new version with the active one on the same evaluation set and say what happens."""
    where = f"on your {new.documents} evaluation documents"
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
    compared = f"{found}; the active {active_name} has {active.percent()}"
    if new.f1 >= active.f1:
        return PromotionDecision(True, f"{compared}; {new_name} is now active")
    if policy == ALWAYS:
        return PromotionDecision(True, f"{compared}; {new_name} was activated anyway")
    return PromotionDecision(False, f"{compared}; {active_name} stays active ({new_name} is kept as an inactive "
                                    f"version: Activate anyway to use it)")
