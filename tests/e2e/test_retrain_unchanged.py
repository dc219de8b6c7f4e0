"""Retraining when nothing was reviewed or corrected since the active version was trained: nothing runs, the
outcome says ``unchanged``, and any change to what training reads (a gold span, a new reviewed document, a
label rename) or ``--even-if-unchanged`` lets it train again."""

from __future__ import annotations

import json
import time

import pytest
from test_retrain_workflow import (  # noqa: F401 (fixtures)
    build_project,
    finish_with,
    sorted_tiny_bundle,
    worse_bundle,
)

from nerdesk.cli import main
from nerdesk.core.edits import Change, Edit
from nerdesk.gui.retrain_words import nothing_new
from nerdesk.storage import Project
from nerdesk.workflows import retrain
from nerdesk.workflows.learnt_documents import TRAINING_DATA
from nerdesk.workflows.progress import TrainingDone
from nerdesk.workflows.retrain import NothingNewToLearn, RetrainOptions
from nerdesk.workflows.start_points import StartPoint
from nerdesk.workflows.version_names import spoken_name

ALWAYS = RetrainOptions(activate="always", threads=1)


def trained_version(project: Project):
    """Register and activate a version the way a finished retraining does; its record holds the data's
    fingerprint."""
    outcome = finish_with(project, worse_bundle, ALWAYS)
    assert outcome.promoted and outcome.version.trained_on[TRAINING_DATA]
    return outcome.version


def prepares(project: Project, options: RetrainOptions = ALWAYS) -> bool:
    """Whether a retraining would start (its run is given up at once: only the decision is tested)."""
    try:
        run = retrain.prepare_run(project, StartPoint("active"), options)
    except NothingNewToLearn:
        return False
    retrain.abandon_run(project, run, "cancelled")
    return True


def test_the_same_data_trains_nothing_and_says_which_version_learnt_it(sorted_tiny_bundle, tmp_path):  # noqa: F811
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        version = trained_version(project)
        runs = len(project.training_runs())
        with pytest.raises(NothingNewToLearn) as caught:
            retrain.prepare_run(project, StartPoint("active"), ALWAYS)
        trained = len([doc for doc in project.all_documents(status="reviewed") if doc.split != "eval"])
        assert caught.value.code == "E556"
        assert str(caught.value).startswith(f"Nothing new to learn: v1 was trained on these same {trained} reviewed "
                                            "documents")
        assert "--even-if-unchanged" in str(caught.value)
        in_the_window = nothing_new(spoken_name(caught.value.version.name), caught.value.documents)
        assert in_the_window.split(". Review")[0] == str(caught.value).split(". Review")[0]
        assert len(project.training_runs()) == runs and project.active_model().id == version.id  # nothing started
        assert prepares(project, RetrainOptions(threads=1, even_if_unchanged=True))


def test_a_changed_gold_span_a_new_reviewed_document_or_a_rename_is_something_new(sorted_tiny_bundle,  # noqa: F811
                                                                                  tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        trained_version(project)
        assert not prepares(project)
        document = next(doc for doc in project.all_documents(status="reviewed") if doc.split != "eval")
        project.apply_edit(Edit("correct", [Change(document.id, removed=(document.gold[0],))]))
        assert prepares(project)

        trained_version(project)
        assert not prepares(project)
        new = next(doc for doc in project.all_documents() if doc.status != "reviewed")
        project.set_status([new.id], "reviewed")
        assert prepares(project)

        trained_version(project)
        assert not prepares(project)
        project.update_label("PER", new_name="PERSON")
        assert prepares(project)


def test_a_version_without_the_record_is_retrained_as_before(sorted_tiny_bundle, tmp_path):  # noqa: F811
    """The project's first model (``tiny@start``, registered with an empty record) may have learnt anything."""
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        assert project.active_model().trained_on == {}
        assert prepares(project) and prepares(project)


def test_retrain_command_says_unchanged_at_once_and_exits_0(sorted_tiny_bundle, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "notes.nerdesk"
    with build_project(path, sorted_tiny_bundle) as project:
        version = trained_version(project)
        versions = len(project.model_versions())
    began = time.monotonic()
    assert main(["retrain", str(path), "--progress", "json", "--start", "scratch"]) == 0
    assert time.monotonic() - began < 10  # no training process was started
    (line,) = capsys.readouterr().out.splitlines()
    outcome = json.loads(line)
    assert outcome["event"] == "outcome" and outcome["unchanged"] is True and outcome["promoted"] is False
    assert outcome["active"] == version.name and outcome["version"] is None
    assert outcome["message"].startswith("Nothing new to learn: v1 was trained on these same ")

    assert main(["retrain", str(path)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Nothing new to learn: v1") and "--even-if-unchanged" in text
    with Project.open(path) as project:
        assert len(project.model_versions()) == versions and project.active_model().id == version.id


def test_a_version_cut_by_its_time_budget_is_trained_again_on_the_same_data(sorted_tiny_bundle, tmp_path):  # noqa: F811
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        run = retrain.prepare_run(project, StartPoint("active"), ALWAYS)
        worse_bundle(run.staging_dir)
        outcome = retrain.complete_run(project, run, TrainingDone(str(run.staging_dir),
                                                                  metrics={"stop_reason": "time budget"}))
        assert outcome.promoted and not outcome.version.trained_on[TRAINING_DATA]
        assert prepares(project)  # it had more to learn: the same data trains again
