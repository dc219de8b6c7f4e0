"""How training ended, as the Retrain panel's status and the train and retrain commands say it: in words,
not the trainer's names for its stop reasons ("stopped by steps")."""

from __future__ import annotations

import pytest

from nerdesk.training.run import how_training_ended
from nerdesk.workflows.progress import in_retrain_words


@pytest.mark.parametrize(("reason", "words"), [
    ("steps", "training ran all 60 planned steps"),
    ("early stopping", "training stopped early after 60 steps: the F1 on the evaluation set had stopped improving"),
    ("time budget", "training reached its time limit after 60 steps"),
    ("cancelled", "training was cancelled after 60 steps"),
])
def test_each_way_training_ends_is_said_in_words(reason, words):
    said = in_retrain_words(how_training_ended(reason, 60))
    assert said == words
    assert "stopped by" not in said


def test_the_chosen_threshold_is_said_on_the_scale_of_the_scores_people_see():
    from nerdesk.training.run import threshold_message

    said = in_retrain_words(threshold_message(0.569, 0.595))
    assert said == ("decision threshold set where the model finds about as many spans as the evaluation documents "
                    "hold (there a span scores 0.50): F1 on the evaluation set 56.9 -> 59.5")
    assert "logit" not in said


def test_the_documents_read_count_the_copies_apart():
    from nerdesk.training.data import AlignmentSummary

    summary = AlignmentSummary(documents=300, windows=300, spans=2077, encoded=2077)
    assert summary.describe(copies=270) == ("30 documents and 270 copies of them with other mentions read as 300 "
                                            "windows of text; 2,077 of 2,077 gold spans usable")
    assert summary.describe().startswith("300 documents read as 300 windows")
