"""The Model versions panel scores versions on the evaluation set in a worker thread: the table is
there at once, the window keeps handling events while scores are measured, and the rows fill in."""

from __future__ import annotations

import shutil

import pytest
from fixtures_bundle import sentence_documents, shared_tiny_bundle
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from nerdesk.core import Document
from nerdesk.gui.model_versions import MODEL_ID_ROLE, SCORING, ModelVersionsPanel
from nerdesk.gui.session import ProjectSession
from nerdesk.storage import Project
from nerdesk.workflows.evaluation import cached_score, score_bundle
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.retrain import versions_dir


@pytest.fixture
def project_path(tmp_path_factory, tmp_path):
    """A project with three evaluation documents and two versions of the tiny model, none scored yet."""
    bundle = shared_tiny_bundle(tmp_path_factory)
    copy = shutil.copytree(bundle, tmp_path / "copy")
    path = tmp_path / "notes.nerdesk"
    with Project.create(path) as project:
        documents = sentence_documents()
        for document in documents[:3]:
            document.status, document.split = "reviewed", "eval"
        project.add_documents(documents + [Document("今天很好。")])
        for name, folder in (("tiny@1", bundle), ("tiny@2", copy)):
            model_id = project.register_model(name=name, bundle_path=folder, metrics={}, settings={},
                                              trained_on={})
        project.set_active_model(model_id)
    return path


def rows(panel: ModelVersionsPanel) -> list[str]:
    """The F1 column of the versions, newest first."""
    return [panel.tree.topLevelItem(row).text(1) for row in range(panel.tree.topLevelItemCount())]


def test_scores_fill_in_from_a_worker_while_the_window_keeps_running(qtbot, project_path):
    session = ProjectSession()
    session.open_project(project_path)
    ticks = []
    timer = QTimer(interval=5, timeout=lambda: ticks.append(panel.scoring))
    timer.start()
    panel = ModelVersionsPanel(session)
    qtbot.addWidget(panel)
    assert panel.scoring and rows(panel) == [SCORING, SCORING]
    assert panel.progress.isVisibleTo(panel)
    qtbot.waitUntil(lambda: not panel.scoring, timeout=60_000)
    timer.stop()
    assert True in ticks  # the event loop ran while the worker was scoring

    project = session.project
    evaluation = evaluation_set(project)
    expected = f"{100 * score_bundle(project.active_model().bundle_path, evaluation.documents).micro.f1:.1f}"
    assert rows(panel) == [expected, expected] and float(expected) > 0
    assert not panel.progress.isVisibleTo(panel)
    assert all(cached_score(project, v.id, evaluation) is not None for v in project.model_versions())
    labels = {panel.tree.topLevelItem(0).child(n).text(0) for n in range(panel.tree.topLevelItem(0).childCount())}
    assert labels and labels <= {"PER", "LOC", "ORG"}
    session.close_project()


def test_cached_scores_show_at_once_without_a_worker(qtbot, project_path):
    session = ProjectSession()
    session.open_project(project_path)
    first = ModelVersionsPanel(session)
    qtbot.addWidget(first)
    qtbot.waitUntil(lambda: not first.scoring, timeout=60_000)
    second = ModelVersionsPanel(session)
    qtbot.addWidget(second)
    assert not second.scoring and SCORING not in rows(second)
    assert rows(second) == rows(first)
    session.close_project()


def test_a_refresh_while_scoring_drops_the_stale_job(qtbot, project_path):
    session = ProjectSession()
    session.open_project(project_path)
    panel = ModelVersionsPanel(session)
    qtbot.addWidget(panel)
    first_job = panel._job
    panel.refresh()
    assert panel._job != first_job
    qtbot.waitUntil(lambda: not panel.scoring, timeout=60_000)
    assert SCORING not in rows(panel) and panel.tree.topLevelItemCount() == 2
    session.close_project()


def test_a_version_of_another_script_is_not_scored_and_says_why(qtbot, project_path, tmp_path_factory):
    from fixtures_english import tiny_english_bundle

    with Project.open(project_path) as project:
        english = project.register_model(name="english@1", bundle_path=tiny_english_bundle(tmp_path_factory),
                                         metrics={}, settings={}, trained_on={})
    session = ProjectSession()
    session.open_project(project_path)
    panel = ModelVersionsPanel(session)
    qtbot.addWidget(panel)
    english_row = next(panel.tree.topLevelItem(row) for row in range(panel.tree.topLevelItemCount())
                       if panel.tree.topLevelItem(row).data(0, MODEL_ID_ROLE) == english)
    assert english_row.text(1) == "–"  # at once: nothing to predict
    assert ("not scored: trained on Latin-script text, and none of the 3 evaluation documents is"
            in english_row.toolTip(0))
    qtbot.waitUntil(lambda: not panel.scoring, timeout=60_000)
    assert cached_score(session.project, english, evaluation_set(session.project)) is None
    assert all(float(text) > 0 for text in rows(panel) if text != "–")


def test_deleting_a_version_asks_first_and_the_active_one_cannot_be_deleted(qtbot, project_path, monkeypatch,
                                                                            tmp_path_factory):
    owned = shutil.copytree(shared_tiny_bundle(tmp_path_factory), versions_dir(project_path) / "v3-owned")
    with Project.open(project_path) as project:
        project.register_model(name="v3-owned", bundle_path=owned, metrics={}, settings={}, trained_on={})
    session = ProjectSession()
    session.open_project(project_path)
    panel = ModelVersionsPanel(session)
    qtbot.addWidget(panel)
    active = session.project.active_model()
    panel.select(active.id)
    assert not panel.delete_button.isEnabled() and not panel.activate_button.isEnabled()
    assert "activate another version first" in panel.delete_button.toolTip()

    owned_id = next(v.id for v in session.project.model_versions() if v.name == "v3-owned")
    panel.select(owned_id)
    assert panel.delete_button.isEnabled()
    questions = []

    def answer(reply):
        def ask(parent, title, question, *args):
            questions.append(question)
            return reply
        return ask
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    panel.delete_button.click()
    assert owned.is_dir() and owned_id in {v.id for v in session.project.model_versions()}
    assert "and its model files" in questions[0] and "cannot be undone" in questions[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    panel.delete_button.click()
    assert not owned.exists() and owned_id not in {v.id for v in session.project.model_versions()}
    session.close_project()



def test_a_label_without_gold_spans_in_the_evaluation_set_shows_no_recall_or_f1():
    from nerdesk.gui.model_versions import _row

    assert _row(0.0, 0.0, 0.0, 0) == ["–", "0.0", "–", "0"]  # it was "0.0 0.0 0.0": a recall of nothing
    assert _row(0.5, 0.6, 0.4, 12) == ["50.0", "60.0", "40.0", "12"]
