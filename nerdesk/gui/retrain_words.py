"""What the Retrain panel says when nothing runs: its button's tip, the start choices, and why a press started
nothing (too few reviewed documents, nothing new since the active version, a retraining of the project running
elsewhere)."""

from __future__ import annotations

from nerdesk.core.wording import counted

# What one retraining does; a new version replaces the active one only when the promotion gate says so.
RETRAIN_TIP = ("Train a new model version on the reviewed documents; it becomes active (and predicts the others "
               "again) only if it scores better on the evaluation set, or the same with different spans")

START_CHOICE_CHARACTERS = 22  # of the chosen start shown; the list and the tooltip show it whole
START_CHOICES = (
    ("auto", "Automatic (recommended)"),
    ("default", "Embedded default model's encoder"),
    ("active", "Continue from the active model"),
    ("scratch", "From scratch"),
    ("huggingface", "Local Hugging Face model…"),
)


IDLE = "Review documents, then press Retrain."
TOO_FEW_REVIEWED = "E405"
ALREADY_RUNNING = "E603"
RETRAIN_ANYWAY = "Retrain anyway"
RETRAIN_ANYWAY_TIP = ("Train a new version on the same documents (a longer time budget or another start may still "
                      "do better); it is compared with the active one as any retraining is")


def review_first(reviewed: int, kept_out: str = "") -> str:
    """E405 in the window's words: how many documents are reviewed, where those not trained on are (``kept_out``,
    ``EvaluationSet.kept_out``), and the key that reviews one."""
    if reviewed >= 2:
        return (f"Nothing to train on: all {reviewed} reviewed documents are kept out of training{kept_out}. Give "
                "some back to training (Documents list, right-click), or review more.")
    return (f"Nothing to train on yet: {counted(reviewed, 'reviewed document')}. Review at least 2 (Ctrl+Enter "
            "marks the open document reviewed and opens the next), then press Retrain.")


def stop_on_close(elapsed: str) -> str:
    """What closing the window asks while a training runs for ``elapsed`` (``3:05``)."""
    return (f"A retraining has been running for {elapsed}. Closing the window stops it: the active model stays as "
            "it is and the run is recorded as cancelled. Close anyway?")


def nothing_new(version: str, documents: int) -> str:
    """E556 in the window's words: ``version`` (``v2``) learnt from these same ``documents``; what to do."""
    return (f"Nothing new to learn: {version} was trained on these same {counted(documents, 'reviewed document')}, "
            f"with the same gold spans and labels. Review or correct more documents, or press {RETRAIN_ANYWAY}.")
