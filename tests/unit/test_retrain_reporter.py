"""``nerdesk retrain``'s text lines: each evaluation's F1 with the best so far, so a log shows whether the
run is still getting better."""

from __future__ import annotations

from pathlib import Path

from nerdesk.commands.retrain import _Reporter
from nerdesk.workflows.progress import EpochEvaluated, StepProgress


def evaluated(f1: float, number: int) -> EpochEvaluated:
    return EpochEvaluated(epoch=number, f1=f1, precision=f1, recall=f1)


def test_each_evaluation_line_gives_the_best_f1_so_far(capsys):
    reporter = _Reporter("text", Path("notes.nerdesk"))
    for number, f1 in enumerate((0.897, 0.893, 0.902, 0.899), start=1):
        reporter.event(StepProgress(step=3 * number, total=12, loss=0.5))  # a log shows a tenth of these
        reporter.event(evaluated(f1, number))
    lines = [line.strip() for line in capsys.readouterr().err.splitlines() if line.strip().startswith("step")]
    assert lines == ["step 3: F1 on the evaluation set 89.7", "step 6: F1 on the evaluation set 89.3 (best so far 89.7)",
                     "step 9: F1 on the evaluation set 90.2 (best so far 90.2)",
                     "step 12: F1 on the evaluation set 89.9 (best so far 90.2)"]


def test_json_lines_are_unchanged(capsys):
    _Reporter("json", Path("notes.nerdesk")).event(evaluated(0.5, 1))
    assert capsys.readouterr().out.strip() == ('{"event": "EpochEvaluated", "epoch": 1, "f1": 0.5, '
                                               '"precision": 0.5, "recall": 0.5}')
