"""The Model panel's Retrain button is enabled only with a project open and nothing running."""

from __future__ import annotations

import pytest

from nerdesk.core.document import Document
from nerdesk.storage.project import Project


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "retrain-button.nerdesk"
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "1")
        project.add_documents([Document("Greta flew to Paris.")])
    return path


def test_the_end_of_a_prediction_leaves_retrain_disabled_without_a_project(make_window):
    panel = make_window().model_panel
    assert not panel.retrain.isEnabled()
    panel.set_busy(True)
    panel.set_busy(False)
    assert not panel.retrain.isEnabled()
    assert not panel.load_button.isEnabled() and not panel.predict_all.isEnabled()


def test_retrain_waits_for_a_prediction_to_end(make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    panel = window.model_panel
    assert panel.retrain.isEnabled()
    panel.set_busy(True)
    assert not panel.retrain.isEnabled() and not panel.load_button.isEnabled()
    window.session.projectChanged.emit()  # a refresh meanwhile does not enable it either
    assert not panel.retrain.isEnabled()
    panel.set_busy(False)
    assert panel.retrain.isEnabled() and panel.load_button.isEnabled()


def test_retrain_waits_for_a_retraining_to_end(make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    retrain_panel, button = window.retrain_panel, window.model_panel.retrain
    retrain_panel.worker = object()  # the re-prediction after a retraining runs
    retrain_panel.refresh()
    assert retrain_panel.busy and not button.isEnabled()
    retrain_panel.worker = None
    retrain_panel.refresh()
    assert button.isEnabled()


def test_closing_the_project_during_nothing_keeps_retrain_disabled(make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    window.close_project()
    window.model_panel.set_busy(False)
    assert not window.model_panel.retrain.isEnabled()


def test_a_project_without_a_model_offers_the_embedded_models_in_the_panel(make_window, project_path, tmp_path,
                                                                           tmp_path_factory, monkeypatch):
    import shutil

    from fixtures_bundle import shared_tiny_bundle

    from nerdesk.workflows.default_models import MODELS_ENV
    shutil.copytree(shared_tiny_bundle(tmp_path_factory), tmp_path / "models" / "zh-tiny")
    monkeypatch.setenv(MODELS_ENV, str(tmp_path / "models"))
    window = make_window()
    window.open_project(project_path)
    panel = window.model_panel
    assert panel.model_name.text() == "No model: choose one to predict"
    menu = panel.load_button.menu()
    menu.aboutToShow.emit()
    entries = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert entries == ["zh-tiny (embedded)", "Model bundle folder…"]
    menu.actions()[0].trigger()
    assert window.session.project.active_model() is not None
    assert panel.model_name.text().startswith("Active model: ")
