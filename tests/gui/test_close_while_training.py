"""Closing the window while a retraining trains asks first; saying yes stops the training process and records the
run as cancelled, saying no leaves it training.

The window closed at once and threw the training away (minutes of it, on a real project) without a word. A real
training process of a tiny model, a real project file, the real main window offscreen.
"""

from __future__ import annotations

import os
from dataclasses import asdict

from fixtures_bundle import shared_tiny_bundle
from PySide6.QtCore import QProcess

from nerdesk.storage import Project
from nerdesk.workflows.retrain import OPTIONS_KEY, RetrainOptions
from nerdesk.workflows.start_points import StartPoint
from tests.e2e.test_retrain_workflow import build_project


def build_long_training_project(path, bundle) -> None:
    """A project at ``path`` whose Retrain (continuing the active tiny model) trains long enough to be
    interrupted: at least 400 steps."""
    with build_project(path, bundle) as project:
        project.set_setting(OPTIONS_KEY, asdict(RetrainOptions(epochs=50, min_steps=400, threads=1)))
        project.set_setting("retrain.start", StartPoint("active").to_json())


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:  # a zombie is dead, waiting to be reaped
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_closing_asks_and_then_stops_the_training_cleanly(qtbot, make_window, tmp_path_factory, tmp_path,
                                                          monkeypatch):
    path = tmp_path / "notes.nerdesk"
    build_long_training_project(path, shared_tiny_bundle(tmp_path_factory))
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel
    questions, answers = [], [False, True]
    monkeypatch.setattr(window, "confirm", lambda title, question: questions.append((title, question)) or
                        answers.pop(0))
    panel.retrain_button.click()
    qtbot.waitUntil(lambda: panel.progress.text().startswith("step "), timeout=120_000)  # it trains
    pid = panel.process.process.processId()

    window.close()  # "No": the window stays, and so does the training
    assert questions[0][0] == "Stop the retraining?"
    assert questions[0][1].startswith("A retraining has been running for 0:")
    assert "the run is recorded as cancelled" in questions[0][1]
    assert window.isVisible() and panel.process.process.state() == QProcess.ProcessState.Running

    window.close()  # "Yes"
    assert len(questions) == 2 and not window.isVisible()
    assert not running(pid)
    with Project.open(path) as closed:
        assert closed.training_runs()[-1].status == "cancelled"
        assert [version.name for version in closed.model_versions()] == ["tiny@start"]
    versions = tmp_path / "notes.models"
    assert versions.is_dir() and not list((versions / ".incomplete").glob("*"))
