"""The promotion rule at equal F1: the predictions on the evaluation set decide."""

from __future__ import annotations

from nerdesk.workflows.evaluation import EvaluationScore
from nerdesk.workflows.promotion import ALWAYS, decide, is_tie


def score(f1: float, documents: int = 40, gold: int = 120) -> EvaluationScore:
    return EvaluationScore(f1, f1, f1, documents, gold, "fp")


def test_equal_f1_and_the_same_spans_keeps_the_active_version():
    kept = decide("v4", score(0.612), "v3", score(0.612), changed=0)
    assert not kept.promote
    assert kept.message.startswith("v4 scores the same as v3 (F1 61.2 on your 40 evaluation documents) and "
                                   "predicts the same spans; v3 stays active")
    assert kept.message.endswith("(v4 is kept as an inactive version)")
    assert "Activate anyway" not in kept.message  # a button of the window: nerdesk retrain has its own line


def test_equal_f1_with_different_spans_promotes_and_says_why():
    decision = decide("v4", score(0.612), "v3", score(0.612), changed=3)
    assert decision.promote
    assert "predicts different spans on 3 of them" in decision.message and "v4 is now active" in decision.message


def test_activate_always_activates_an_identical_copy_and_says_so():
    decision = decide("v4", score(0.612), "v3", score(0.612), ALWAYS, changed=0)
    assert decision.promote and "predicts the same spans; v4 was activated anyway" in decision.message


def test_strictly_better_promotes_without_looking_at_the_spans():
    assert decide("v4", score(0.613), "v3", score(0.612), changed=0).promote
    assert not decide("v4", score(0.611), "v3", score(0.612), changed=5).promote


def test_a_tie_is_equal_f1_up_to_rounding_never_zero():
    assert is_tie(score(2 / 3), score(1 - 1 / 3))
    assert not is_tie(score(0.612), score(0.6121))
    assert not is_tie(score(0.0), score(0.0)) and not is_tie(score(0.5), None)


def test_one_evaluation_document_is_one_document():
    better = decide("v2", score(0.5, documents=1), "v1", score(0.25, documents=1))
    assert better.message.startswith("v2: F1 50.0 on your 1 evaluation document; ")
    tie = decide("v2", score(0.5, documents=1), "v1", score(0.5, documents=1), changed=1)
    assert tie.message.startswith("v2 scores the same as v1 (F1 50.0 on your 1 evaluation document) but predicts "
                                  "different spans; ")
