"""Opening, creating or closing a project while the open one retrains asks first, as closing the window does; the
predictions still on their way for the project left are never stored in the one opened.

Opening another project went on training for the old one; cancelling it then wrote to the closed file (an
error saying the project was damaged, the panel busy for good). The prediction after an activation, and
Predict all, stored the chunks they had already sent in the project opened since, at the old documents' ids.
Real training process of a tiny model, real project files, the real main window offscreen.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from fixtures_bundle import create_scored_project, shared_tiny_bundle
from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import QMessageBox

from nerdesk.core.spans import PRED
from nerdesk.storage import Project
from tests.e2e.test_retrain_workflow import build_project
from tests.gui.test_close_while_training import build_long_training_project, running


@pytest.mark.slow
def test_opening_another_project_while_training_asks_and_yes_stops_the_run_cleanly(
        qtbot, make_window, tmp_path_factory, tmp_path, monkeypatch):
    bundle = shared_tiny_bundle(tmp_path_factory)
    path, other = tmp_path / "notes.nerdesk", tmp_path / "other.nerdesk"
    build_long_training_project(path, bundle)
    build_project(other, bundle).close()
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel
    questions, answers = [], [False, False, False, True]
    monkeypatch.setattr(window, "confirm", lambda title, question: questions.append((title, question)) or
                        answers.pop(0))
    panel.retrain_button.click()
    qtbot.waitUntil(lambda: panel.progress.text().startswith("step "), timeout=120_000)  # it trains
    pid = panel.process.process.processId()

    window.open_project(other)  # "No" to each: the project stays open, and the training goes on
    window.new_project(tmp_path / "new.nerdesk")
    window.close_project()
    assert [title for title, _ in questions] == ["Stop the retraining?"] * 3
    assert questions[0][1].startswith("A retraining of notes.nerdesk has been running for 0:")
    assert questions[0][1].endswith(". Opening other.nerdesk stops it: the active model stays as it is and the "
                                    "run is recorded as cancelled. Open it anyway?")
    assert "Creating new.nerdesk stops it" in questions[1][1] and questions[1][1].endswith("Create it anyway?")
    assert "Closing the project stops it" in questions[2][1] and questions[2][1].endswith("Close it anyway?")
    assert window.session.project.path == path and not (tmp_path / "new.nerdesk").exists()
    assert panel.process.process.state() == QProcess.ProcessState.Running

    window.open_project(other)  # "Yes"
    assert window.session.project.path == other
    assert not running(pid) and not panel.busy and panel.retrain_button.isEnabled()
    assert panel.status.text() == "Review documents, then press Retrain."  # the other project's panel
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    with Project.open(path) as left:
        assert left.training_runs()[-1].status == "cancelled"
        assert [version.name for version in left.model_versions()] == ["tiny@start"]
    assert (tmp_path / "notes.models").is_dir() and not list((tmp_path / "notes.models" / ".incomplete").glob("*"))
    assert window.session.project.training_runs() == []


def predictions(path) -> dict[int, list]:
    with Project.open(path) as project:
        return {doc.id: [span for span in doc.spans if span.source == PRED] for doc in project.all_documents()}


def two_projects(tmp_path, tmp_path_factory):
    """(a project with two versions, the older inactive; another, with the same document ids, never predicted)."""
    bundle = shared_tiny_bundle(tmp_path_factory)
    path, other = tmp_path / "notes.nerdesk", tmp_path / "other.nerdesk"
    create_scored_project(path, bundle)
    create_scored_project(other, bundle)
    with Project.open(path) as project:
        older = project.register_model(name="v1-20261204-230208@3fa2aa", bundle_path=shutil.copytree(
            bundle, tmp_path / "v1"), metrics={}, settings={}, trained_on={})
    return path, other, older


def sent(worker) -> threading.Event:
    """Set in the worker's thread once it has sent a chunk of predictions (not yet stored by the window)."""
    event = threading.Event()
    worker.chunkPredicted.connect(lambda *_: event.set(), Qt.ConnectionType.DirectConnection)
    return event


def test_the_prediction_after_a_roll_back_stops_and_stores_nothing_in_the_project_opened(
        qtbot, make_window, tmp_path_factory, tmp_path):
    path, other, older = two_projects(tmp_path, tmp_path_factory)
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel
    window.versions_panel.activate(older)  # its unreviewed documents are predicted again
    assert sent(panel.worker).wait(30)

    window.open_project(other)
    qtbot.wait(300)  # what the stopped worker had sent arrives now
    assert window.session.project.path == other
    assert not any(predictions(other).values())
    assert panel.worker is None and not panel.busy
    assert panel.status.text() == "Review documents, then press Retrain."
    assert window.versions_panel.progress.isHidden() and window.versions_panel.cancel_button.isHidden()


def test_predict_all_stops_and_stores_nothing_in_the_project_opened(qtbot, make_window, tmp_path_factory,
                                                                    tmp_path):
    path, other, _ = two_projects(tmp_path, tmp_path_factory)
    window = make_window()
    window.open_project(path)
    window.model_panel.predict_all.click()
    assert sent(window.worker).wait(30)

    window.open_project(other)
    qtbot.wait(300)
    assert window.session.project.path == other
    assert not any(predictions(other).values())
    assert window.worker is None and not window.statusBar().currentMessage().startswith("Predicted")
