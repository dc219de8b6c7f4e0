"""The Retrain button when nothing is new since the active version was trained: the panel says so (not a
failure) and offers Retrain anyway, which trains."""

from __future__ import annotations

from fixtures_bundle import shared_tiny_bundle

from nerdesk.gui.retrain_words import RETRAIN_ANYWAY
from nerdesk.workflows.retrain import RetrainOptions
from nerdesk.workflows.version_names import spoken_name
from tests.e2e.test_retrain_workflow import build_project, finish_with, worse_bundle


def test_nothing_new_is_said_and_retrain_anyway_trains(qtbot, make_window, tmp_path_factory, tmp_path):
    path = tmp_path / "notes.nerdesk"
    with build_project(path, shared_tiny_bundle(tmp_path_factory)) as project:
        version = finish_with(project, worse_bundle, RetrainOptions(activate="always", threads=1)).version
        runs = len(project.training_runs())
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel
    failures: list[str] = []
    panel.failed.connect(failures.append)

    panel.retrain_button.click()

    assert panel.status.text().startswith(f"Nothing new to learn: {spoken_name(version.name)} was trained on "), \
        panel.status.text()
    assert panel.status.text().endswith(f"or press {RETRAIN_ANYWAY}.")
    assert panel.retrain_anyway_button.isVisibleTo(panel) and not panel.process.is_running and not failures
    assert len(window.session.project.training_runs()) == runs  # nothing started, nothing recorded

    panel.retrain_anyway_button.click()
    assert panel.process.is_running and not panel.retrain_anyway_button.isVisibleTo(panel)
    panel.cancel()
    qtbot.waitUntil(lambda: not panel.process.is_running, timeout=60_000)
    assert window.session.project.training_runs()[-1].status == "cancelled"
