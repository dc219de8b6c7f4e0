"""A retraining that fails or is cancelled leaves the project as it was: the documents it put in the evaluation
set go back to their splits, and a bundle that was not registered is removed."""

from __future__ import annotations

import shutil
import sys

import pytest
from fixtures_bundle import sentence_documents, shared_tiny_bundle, training_documents

from nerdesk.cli import main
from nerdesk.core import Document, NerdeskError
from nerdesk.storage import Project
from nerdesk.workflows import retrain
from nerdesk.workflows.progress import TrainingDone
from nerdesk.workflows.retrain import RetrainOptions, abandon_run, complete_run, prepare_run
from nerdesk.workflows.start_points import StartPoint


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return shared_tiny_bundle(tmp_path_factory)


def make_project(path, bundle_path) -> None:
    """Reviewed documents, one of them imported as dev (picked first), none in the evaluation set yet."""
    with Project.create(path) as project:
        documents = training_documents()
        for number, document in enumerate(documents):
            document.status = "reviewed"
            document.split = "dev" if number == 0 else None
        project.add_documents(documents)
        project.add_documents([Document(doc.text) for doc in sentence_documents()])
        model_id = project.register_model(name="tiny@start", bundle_path=bundle_path, metrics={}, settings={},
                                          trained_on={})
        project.set_active_model(model_id)


def splits(project: Project) -> dict[int, str | None]:
    return {doc.id: doc.split for doc in project.all_documents()}


def test_a_run_that_cannot_start_puts_nothing_in_the_evaluation_set(bundle, tmp_path, capsys):
    path = tmp_path / "notes.nerdesk"
    make_project(path, bundle)
    with Project.open(path) as project:
        before = splits(project)
    (tmp_path / "not-a-model").mkdir()
    assert main(["retrain", str(path), "--start", str(tmp_path / "not-a-model")]) == 1
    assert "nerdesk: error E414" in capsys.readouterr().err
    with Project.open(path) as project:
        assert splits(project) == before and "eval" not in before.values()
        assert project.active_model().name == "tiny@start"


@pytest.mark.parametrize("threads", [0, -1])
def test_threads_below_one_are_refused_before_anything_changes(bundle, tmp_path, threads):
    """The command line refuses them when it is read; a project's saved options could still hold them."""
    path = tmp_path / "notes.nerdesk"
    make_project(path, bundle)
    with Project.open(path) as project:
        before = splits(project)
        with pytest.raises(NerdeskError, match=f"^threads must be at least 1, not {threads}$") as caught:
            prepare_run(project, StartPoint("active"), RetrainOptions(threads=threads))
        assert caught.value.code == "E544"
        assert splits(project) == before and project.training_runs() == []


def test_a_failed_training_process_gives_the_picked_documents_their_splits_back(bundle, tmp_path, capsys,
                                                                               monkeypatch):
    path = tmp_path / "notes.nerdesk"
    make_project(path, bundle)
    with Project.open(path) as project:
        before = splits(project)
    crashing = [sys.executable, "-c", "import sys; print('out of memory', file=sys.stderr); sys.exit(3)"]
    monkeypatch.setattr(retrain, "training_command", lambda *args, **kwargs: crashing)
    assert main(["retrain", str(path), "--start", "active"]) == 1
    assert "E552: the training process stopped (exit code 3):\nout of memory" in capsys.readouterr().err
    with Project.open(path) as project:
        assert splits(project) == before
        assert project.training_runs()[-1].status == "failed"
        assert [version.name for version in project.model_versions()] == ["tiny@start"]


def prepared(path, bundle):
    """A run prepared (the evaluation set picked) whose training 'finished' with a copy of ``bundle``."""
    project = Project.open(path)
    run = prepare_run(project, StartPoint("active"), RetrainOptions(threads=1))
    shutil.copytree(bundle, run.staging_dir, dirs_exist_ok=True)
    return project, run


def test_the_run_picks_evaluation_documents_and_a_cancel_puts_them_back(bundle, tmp_path):
    path = tmp_path / "notes.nerdesk"
    make_project(path, bundle)
    with Project.open(path) as project:
        before = splits(project)
    project, run = prepared(path, bundle)
    with project:
        assert sorted(run.picked.values(), key=str) == [None, None, "dev"]  # the dev document is picked first
        assert [doc_id for doc_id, split in splits(project).items() if split == "eval"] == sorted(run.picked)
        project.set_split([1], "dev")  # the same as before: a restore must not depend on it having changed
        abandon_run(project, run, "cancelled", "cancelled by the user")
        assert splits(project) == before
        assert project.training_runs()[-1].status == "cancelled"


def test_a_registration_that_fails_registers_nothing_and_removes_the_bundle(bundle, tmp_path, monkeypatch):
    path = tmp_path / "notes.nerdesk"
    make_project(path, bundle)
    with Project.open(path) as project:
        before = splits(project)

    def failing(*args, **kwargs):
        raise NerdeskError("the evaluation set could not be predicted", code="E552")

    project, run = prepared(path, bundle)
    monkeypatch.setattr(retrain, "predict_documents", failing)
    with project:
        with pytest.raises(NerdeskError):
            try:
                complete_run(project, run, TrainingDone(out=str(run.staging_dir)))
            except NerdeskError as error:
                abandon_run(project, run, "failed", str(error))
                raise
        assert [version.name for version in project.model_versions()] == ["tiny@start"]
        assert not run.final_dir.exists() and not run.staging_dir.exists()
        assert splits(project) == before
