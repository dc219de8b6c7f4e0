"""The Retrain panel end to end, offscreen: press Retrain, wait for the new version to be active and
predicting; kill or cancel the training process mid-run and find the project intact."""

from __future__ import annotations

import os
import signal
from dataclasses import asdict

import pytest
from PySide6.QtCore import QSettings, Qt
from test_retrain_workflow import (  # noqa: F401 (fixture)
    build_project,
    finish_with,
    gold_snapshot,
    improvable_bundle,
    sorted_tiny_bundle,
    worse_bundle,
)

from nerdesk.core.spans import PRED
from nerdesk.gui.main_window import MainWindow
from nerdesk.gui.model_versions import ModelVersionsPanel
from nerdesk.gui.retrain_panel import RetrainPanel
from nerdesk.gui.session import ProjectSession
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage import Project
from nerdesk.workflows.active_learning import rank_unreviewed
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.retrain import INCOMPLETE, OPTIONS_KEY, RetrainOptions, versions_dir
from nerdesk.workflows.start_points import StartPoint
from nerdesk.workflows.version_names import display_name

TRAINING_TIMEOUT_MS = 240_000


@pytest.fixture
def opened(qtbot, sorted_tiny_bundle, improvable_bundle, tmp_path):  # noqa: F811
    """(session, panel) on a project with reviewed documents and a tiny model active (``improvable``: one
    that a short continuation beats)."""
    def open_with(options: RetrainOptions, improvable: bool = False):
        path = tmp_path / "notes.nerdesk"
        with build_project(path, improvable_bundle if improvable else sorted_tiny_bundle) as project:
            project.set_setting(OPTIONS_KEY, asdict(options))
        session = ProjectSession()
        session.open_project(path)
        panel = RetrainPanel(session)
        qtbot.addWidget(panel)
        panel.set_start_point(StartPoint("active"))
        return session, panel

    yield open_with


def leftovers(project) -> list:
    incomplete = versions_dir(project.path) / INCOMPLETE
    return list(incomplete.iterdir()) if incomplete.exists() else []


def test_retrain_button_makes_a_new_active_model_that_predicts(qtbot, opened):
    session, panel = opened(RetrainOptions(epochs=2, min_steps=4, patience=2, threads=1), improvable=True)
    project = session.project
    versions = ModelVersionsPanel(session)
    qtbot.addWidget(versions)
    panel.modelActivated.connect(lambda _version: versions.refresh())
    old = project.active_model()

    with qtbot.waitSignal(panel.repredicted, timeout=TRAINING_TIMEOUT_MS) as predicted:
        qtbot.mouseClick(panel.retrain_button, Qt.MouseButton.LeftButton)
        assert not panel.retrain_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)

    active = project.active_model()
    assert active.id != old.id and active.bundle_path.is_dir()
    assert predicted.args == [8]
    predictions = [s for doc in project.all_documents() if doc.status != "reviewed" for s in doc.spans
                   if s.source == PRED]
    assert predictions and {s.model_version for s in predictions} == {active.name}
    assert len(panel.curve.losses) >= 2 and len(panel.curve.scores) >= 2
    panel.curve.resize(300, 160)
    assert not panel.curve.grab().isNull()  # paints the loss and F1 series
    assert "is now active" in panel.status.text() and "on your 3 evaluation documents" in panel.status.text()
    # What the training process said about its data stays readable under the status line.
    assert any("windows of text" in line and "gold spans usable" in line for line in panel.notes.lines)
    assert panel.notes.text().startswith("• ") and not panel.notes.isHidden()
    # Where training started, and why, stays readable once the status line gives the outcome.
    assert panel.notes.lines[0] == f"Start: {active.settings['start_description']}"
    assert panel.notes.lines[0].startswith("Start: continuing the active model tiny")
    assert not panel.activate_anyway_button.isVisible()
    assert panel.retrain_button.isEnabled()
    assert versions.tree.topLevelItemCount() == 2
    assert versions.selected_id() == active.id
    assert versions.tree.topLevelItem(0).childCount() == 3  # per-label rows: LOC, ORG, PER

    versions.activate(old.id)  # roll back
    assert project.active_model().id == old.id
    session.close_project()


def test_killed_training_leaves_the_project_and_active_model_intact(qtbot, opened):
    session, panel = opened(RetrainOptions(epochs=50, patience=50, threads=1))
    project = session.project
    before, old = gold_snapshot(project), project.active_model()
    steps = []
    panel.process.progressed.connect(lambda *args: steps.append(args))
    panel.retrain()
    qtbot.waitUntil(lambda: len(steps) >= 2, timeout=TRAINING_TIMEOUT_MS)  # in the training loop

    with qtbot.waitSignal(panel.failed, timeout=30_000) as failure:
        os.kill(panel.process.process.processId(), signal.SIGKILL)
    assert "training process was killed or crashed" in failure.args[0]
    assert project.active_model().id == old.id
    assert [v.id for v in project.model_versions()] == [old.id]
    assert project.training_runs()[-1].status == "failed"
    assert leftovers(project) == []
    session.close_project()
    with Project.open(project.path) as reopened:
        assert gold_snapshot(reopened) == before
        assert reopened.active_model().id == old.id


def test_cancel_stops_training_and_keeps_the_active_model(qtbot, opened):
    session, panel = opened(RetrainOptions(epochs=50, patience=50, threads=1))
    project = session.project
    old = project.active_model()
    panel.retrain()
    qtbot.waitUntil(lambda: bool(panel.process.events), timeout=TRAINING_TIMEOUT_MS)
    with qtbot.waitSignal(panel.process.cancelled, timeout=30_000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in panel.status.text()
    assert project.active_model().id == old.id
    assert project.training_runs()[-1].status == "cancelled"
    assert leftovers(project) == []
    assert panel.retrain_button.isEnabled()
    session.close_project()


def test_main_window_retrain_action_and_next_useful_document(qtbot, improvable_bundle, tmp_path):  # noqa: F811
    path = tmp_path / "notes.nerdesk"
    with build_project(path, improvable_bundle) as project:
        project.set_setting(OPTIONS_KEY, asdict(RetrainOptions(epochs=1, min_steps=4, patience=1, threads=1)))
        project.set_setting("retrain.start", StartPoint("active").to_json())
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                        tmp_path / "preferences.json")
    qtbot.addWidget(window)
    window.open_project(path)
    docks = {dock.windowTitle() for dock in window.findChildren(type(window.retrain_panel.parentWidget()))}
    assert {"Retrain", "Model versions"} <= docks

    model = window.documents.model

    def marked_for_evaluation() -> set[int]:
        return {model.doc_id(row) for row in range(model.rowCount()) if model.data(model.index(row, 1)).endswith("eval")}

    assert not marked_for_evaluation()
    with qtbot.waitSignal(window.retrain_panel.repredicted, timeout=TRAINING_TIMEOUT_MS):
        window.actions.retrain.trigger()
        marked_at_start = marked_for_evaluation()  # the set picked for this retraining shows at once
    project = window.session.project
    assert marked_at_start and marked_at_start == {doc.id for doc in evaluation_set(project).documents}
    assert project.active_model().name.startswith("v1-")
    assert "Active model: v1-" in window.model_panel.model_name.text()
    assert window.versions_panel.tree.topLevelItemCount() == 2

    expected = rank_unreviewed(project)[0].doc_id
    window.actions.next_useful.trigger()
    assert window.session.doc_id == expected
    window.close()


def test_a_kept_version_can_be_activated_anyway_and_rolling_back_restores_predictions(
        qtbot, sorted_tiny_bundle, tmp_path):  # noqa: F811
    path = tmp_path / "notes.nerdesk"
    build_project(path, sorted_tiny_bundle).close()
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                        tmp_path / "preferences.json")
    qtbot.addWidget(window)
    window.open_project(path)
    project, panel = window.session.project, window.retrain_panel
    original = project.active_model()
    outcome = finish_with(project, worse_bundle, RetrainOptions(threads=1))
    panel._on_trained(outcome)  # what RetrainProcess.finished delivers
    assert not outcome.promoted and project.active_model().id == original.id
    assert "tiny stays active" in panel.status.text() and not panel.activate_anyway_button.isHidden()
    assert window.versions_panel.tree.topLevelItemCount() == 2

    with qtbot.waitSignal(panel.repredicted, timeout=60_000):
        qtbot.mouseClick(panel.activate_anyway_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert project.active_model().id == outcome.version.id and panel.activate_anyway_button.isHidden()
    assert unreviewed_versions(project) == {outcome.version.name}

    versions = window.versions_panel
    shown = []  # what the Model versions tab, where the user clicked Activate, shows while predicting
    panel.predictionProgressed.connect(
        lambda done, total: shown.append((done, total, versions.cancel_button.isVisibleTo(versions))))
    with qtbot.waitSignal(panel.repredicted, timeout=60_000):
        versions.activate(original.id)  # roll back
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert project.active_model().id == original.id
    assert shown[0] == (0, 0, True)  # the worker reads the unreviewed documents first: Cancel from the start
    assert any(done == 0 and total > 0 for done, total, _ in shown)  # then counts the documents it predicts
    assert shown[-1] == (-1, -1, False) and versions.cancel_button.isHidden()
    assert window.statusBar().currentMessage().startswith(f"{display_name(original.name)} active; ")
    assert unreviewed_versions(project) == {Bundle.load(original.bundle_path).model_version}
    qtbot.waitUntil(lambda: not window.versions_panel.scoring, timeout=60_000)
    scores = [window.versions_panel.tree.topLevelItem(row).text(1) for row in range(2)]
    assert all(float(score) > 0 for score in scores)  # both scored on today's evaluation set
    window.close()


def unreviewed_versions(project) -> set[str]:
    return {span.model_version for doc in project.all_documents() if doc.status != "reviewed"
            for span in doc.spans if span.source == PRED}
