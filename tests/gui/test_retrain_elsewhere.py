"""Retrain in a window while the project retrains elsewhere (another window, nerdesk retrain): the panel says
so where the user looks, with no error box, and nothing starts."""

from __future__ import annotations

from fixtures_bundle import sentence_documents
from PySide6.QtWidgets import QMessageBox

from nerdesk.storage import Project
from nerdesk.workflows.retrain import abandon_run, prepare_run
from nerdesk.workflows.start_points import StartPoint


def test_retrain_while_another_program_retrains_the_project(make_window, tmp_path):
    path = tmp_path / "notes.nerdesk"
    with Project.create(path) as project:
        project.add_documents(sentence_documents(status="reviewed"))
    with Project.open(path) as elsewhere:
        running = prepare_run(elsewhere, StartPoint("scratch"))
        window = make_window()
        window.open_project(path)
        window.actions.retrain.trigger()

        panel = window.retrain_panel
        assert panel.status.text() == ("Another retraining of this project is running (in another window or a "
                                       "nerdesk retrain); wait for it to end or cancel it, then retrain.")
        assert not panel.busy and panel.retrain_button.isEnabled()
        assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
        assert [run.status for run in window.session.project.training_runs()] == ["running"]
        abandon_run(elsewhere, running, "cancelled")


def test_retrain_with_every_reviewed_document_in_the_test_split_says_where_they_are(make_window, tmp_path):
    path = tmp_path / "test-split.nerdesk"
    with Project.create(path) as project:
        documents = sentence_documents()
        for document in documents:
            document.status, document.split = "reviewed", "test"
        project.add_documents(documents)
    window = make_window()
    window.open_project(path)
    window.actions.retrain.trigger()
    assert window.retrain_panel.status.text().startswith(
        f"Nothing to train on: all {len(documents)} reviewed documents are kept out of training "
        f"({len(documents)} in the test split). ")
