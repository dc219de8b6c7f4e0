"""``nerdesk retrain``'s text lines: each evaluation's F1 with the best so far, so a log shows whether the
run is still getting better."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from nerdesk.commands.retrain import _Reporter
from nerdesk.core import Document, Span
from nerdesk.workflows.evaluation_set import EvaluationSet
from nerdesk.workflows.progress import EpochEvaluated, StepProgress


def evaluated(f1: float, number: int, kept_f1: float | None = None) -> EpochEvaluated:
    return EpochEvaluated(epoch=number, f1=f1, precision=f1, recall=f1, kept_f1=kept_f1)


def test_each_evaluation_line_gives_the_best_f1_so_far(capsys):
    reporter = _Reporter("text", Path("notes.nerdesk"))
    for number, f1 in enumerate((0.897, 0.893, 0.902, 0.899), start=1):
        reporter.event(StepProgress(step=3 * number, total=12, loss=0.5))  # a log shows a tenth of these
        reporter.event(evaluated(f1, number))
    lines = [line.strip() for line in capsys.readouterr().err.splitlines() if line.strip().startswith("step")]
    assert lines == ["step 3: F1 on the evaluation set 89.7", "step 6: F1 on the evaluation set 89.3 (best so far 89.7)",
                     "step 9: F1 on the evaluation set 90.2 (best so far 90.2)",
                     "step 12: F1 on the evaluation set 89.9 (best so far 90.2)"]


def test_a_continuation_names_the_checkpoint_it_keeps_not_a_better_one_it_did_not(capsys):
    """A continuation keeps its start until a checkpoint beats it by a point: 89.1 after a start of 88.6 is not
    kept, and the line must not call 89.1 the best so far (the run ends "best F1 88.6 at step 0")."""
    reporter = _Reporter("text", Path("notes.nerdesk"))
    for number, (f1, kept) in enumerate(((0.886, 0.886), (0.891, 0.886), (0.899, 0.899)), start=1):
        reporter.event(StepProgress(step=3 * number, total=9, loss=0.5))
        reporter.event(evaluated(f1, number, kept))
    lines = [line.strip() for line in capsys.readouterr().err.splitlines() if line.strip().startswith("step")]
    assert lines == ["step 3: F1 on the evaluation set 88.6",
                     "step 6: F1 on the evaluation set 89.1 (kept so far 88.6: not better by enough to replace it)",
                     "step 9: F1 on the evaluation set 89.9 (best so far 89.9)"]


def test_json_lines_are_unchanged(capsys):
    _Reporter("json", Path("notes.nerdesk")).event(evaluated(0.5, 1))
    assert capsys.readouterr().out.strip() == ('{"event": "EpochEvaluated", "epoch": 1, "f1": 0.5, '
                                               '"precision": 0.5, "recall": 0.5, "kept_f1": null}')


def _prepared_run() -> SimpleNamespace:
    evaluation = EvaluationSet([Document("李娜去了上海。", spans=[Span(0, 2, "PER")])] * 3, 0, 12)
    return SimpleNamespace(version="v4-20261205-094515", evaluation=evaluation,
                           resolved=SimpleNamespace(description="continuing the active model v1 with its head"))


def test_the_start_is_said_before_the_training_process_has_loaded(capsys):
    _Reporter("text", Path("notes.nerdesk")).prepared(_prepared_run())
    said = capsys.readouterr()
    assert said.out == "Start: continuing the active model v1 with its head\n"
    assert said.err.strip() == ("v4 will be scored on 3 evaluation documents (3 gold spans); "
                                "starting the training process")


def test_json_says_the_start_in_a_prepared_line(capsys):
    _Reporter("json", Path("notes.nerdesk")).prepared(_prepared_run())
    assert json.loads(capsys.readouterr().out) == {
        "event": "prepared", "version": "v4-20261205-094515", "evaluation_documents": 3,
        "start": "continuing the active model v1 with its head"}


def test_the_vocabulary_and_threshold_notes_are_their_own_json_events_and_the_same_text_lines(capsys):
    from types import SimpleNamespace

    from nerdesk.workflows.progress import (
        DataEncoded,
        ThresholdChosen,
        VocabularyExtended,
        parse_progress_line,
    )
    from nerdesk.workflows.retrain import as_retrain_says

    lines = [{"event": "data", "message": "9 documents read as 9 windows of text", "train": {}},
             {"event": "vocabulary", "message": "2 characters of the training documents were unknown", "added": 2},
             {"event": "threshold", "message": "decision threshold set …: dev F1 2.3 -> 7.6", "threshold": -2.5}]
    run = SimpleNamespace(staging_dir="/s", final_dir="/f")
    events = [as_retrain_says(parse_progress_line(json.dumps(line)), run) for line in lines]
    assert [type(event) for event in events] == [DataEncoded, VocabularyExtended, ThresholdChosen]
    assert events[1].added == 2 and events[2].threshold == -2.5
    assert events[2].message.endswith("F1 on the evaluation set 2.3 -> 7.6")  # in retrain's words
    reporter = _Reporter("json", Path("notes.nerdesk"))
    for event in events:
        reporter.event(event)
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in printed] == ["DataEncoded", "VocabularyExtended", "ThresholdChosen"]
    text = _Reporter("text", Path("notes.nerdesk"))
    for event in events:
        text.event(event)
    assert [line.strip() for line in capsys.readouterr().err.splitlines() if line.strip()] == [
        event.message for event in events]
