"""The Retrain panel's bar says the time so far and the latest the training ends, and fills with the time.

A retraining on 120 Resume documents ended on its time budget after 385 of the 1,800 steps it planned: the
bar, counting steps, said "step 385 / 1800" and stood at a fifth when training was over, and nothing said how
long the 5 minutes had run or how long they would. The bar's clock is set here (``retrain_bar.now``); the
signals are those the training process's JSON lines give (``RetrainProcess``).
"""

from __future__ import annotations

from nerdesk.core import Document
from nerdesk.gui import retrain_bar
from nerdesk.storage import Project
from nerdesk.workflows.progress import parse_progress_line


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_the_start_event_gives_the_time_budget():
    line = '{"event": "start", "train_documents": 90, "dev_documents": 30, "time_budget_seconds": 270.0}'
    assert parse_progress_line(line).time_budget_seconds == 270.0
    assert parse_progress_line('{"event": "start", "train_documents": 90}').time_budget_seconds is None


def test_the_bar_says_the_time_so_far_and_the_latest_the_training_ends(qtbot, make_window, tmp_path, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(retrain_bar, "now", clock)
    path = tmp_path / "resume.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("张伟在北京大学读书。", status="reviewed") for _ in range(2)])
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel
    process, bar = panel.process, panel.progress
    monkeypatch.setattr(process, "start", lambda project, start=None, options=None: None)  # no training process

    panel.retrain()
    assert bar.isVisible() and bar.text() == "starting… 0:00"
    clock.seconds += 12  # the process has loaded its start model
    process.limited.emit(270.0)
    clock.seconds += 48
    process.progressed.emit(30, 1800, 0.9)
    assert bar.text() == "step 30 · 1:00 of at most 4:42"
    assert bar.value() == round(bar.maximum() * 48 / 270)  # the time is further along than the steps
    assert "Training stops by 4:42 at the latest" in bar.toolTip()
    clock.seconds += 5
    qtbot.waitUntil(lambda: bar.text() == "step 30 · 1:05 of at most 4:42", timeout=3_000)  # a second at a time

    clock.seconds += 222  # the time limit: the loop ends long before its 1,800 steps
    process.progressed.emit(385, 1800, 0.2)
    process.finishing.emit("training reached its time limit after 385 steps; writing the model and checking it")
    assert bar.text() == "writing and checking the model… 4:47" and bar.value() == bar.maximum()
    clock.seconds += 40
    qtbot.waitUntil(lambda: bar.text() == "writing and checking the model… 5:27", timeout=3_000)

    process.scoring.emit("v1", 12, 30)
    assert bar.text() == "scoring v1 on 30 evaluation documents… 12/30" and bar.value() == 12
    clock.seconds += 60
    qtbot.wait(1_100)
    assert bar.text() == "scoring v1 on 30 evaluation documents… 12/30"  # the clock stopped with the training
    process.cancelled.emit()
    assert not bar.isVisible()
