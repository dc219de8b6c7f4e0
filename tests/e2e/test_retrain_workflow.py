"""Retraining end to end without a window: a real ``nerdesk train`` process on a real project file,
continuing from a tiny bundle built in code, then registration, activation and re-prediction."""

from __future__ import annotations

import pytest
from fixtures_bundle import sentence_documents, train_tiny_model, training_documents

from nerdesk.core import Document, TrainingError
from nerdesk.core.spans import GOLD, PRED
from nerdesk.storage import Project
from nerdesk.workflows.progress import EpochEvaluated, StepProgress, TrainingDone, TrainingStarted
from nerdesk.workflows.retrain import (
    CONTINUE_LEARNING_RATE,
    INCOMPLETE,
    RetrainOptions,
    run_retrain,
    versions_dir,
)
from nerdesk.workflows.start_points import StartPoint

# The labels in the order ``nerdesk train`` gives them (sorted), so continuing keeps the trained head.
LABELS = ["LOC", "ORG", "PER"]
QUICK = RetrainOptions(epochs=1, patience=1, time_budget=60, threads=1)


def train_sorted_tiny_model():
    """The fixture sentences' tiny model, with its labels sorted as ``nerdesk train`` orders them."""
    return train_tiny_model(steps=120, labels=LABELS, max_length=64, train_length=64)


@pytest.fixture(scope="session")
def sorted_tiny_bundle(tmp_path_factory):
    import torch

    from nerdesk.training.export import export_bundle

    torch.set_num_threads(1)
    model, tokenizer = train_sorted_tiny_model()
    out = tmp_path_factory.mktemp("retrain-bundles") / "tiny-sorted"
    return export_bundle(model, tokenizer, out, labels=LABELS, dev_documents=sentence_documents())


def build_project(path, bundle_path, *, reviewed: bool = True) -> Project:
    """A project whose training documents are reviewed, with unreviewed sentences and the tiny model active."""
    project = Project.create(path)
    documents = training_documents()
    for document in documents:
        document.status = "reviewed" if reviewed else "new"
    project.add_documents(documents)
    project.add_documents([Document(doc.text) for doc in sentence_documents()])
    model_id = project.register_model(name="tiny@start", bundle_path=bundle_path, metrics={}, settings={},
                                      trained_on={})
    project.set_active_model(model_id)
    return project


def gold_snapshot(project: Project) -> list:
    """Every document's gold spans, and which documents are reviewed: what retraining must never change."""
    return [(doc.id, doc.status == "reviewed", doc.gold) for doc in project.all_documents()]


def test_retrain_registers_activates_and_predicts(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        gold_before = gold_snapshot(project)
        events = []
        result = run_retrain(project, start=StartPoint("active"), options=QUICK, on_event=events.append)

        kinds = {type(event) for event in events}
        assert {TrainingStarted, StepProgress, EpochEvaluated, TrainingDone} <= kinds
        active = project.active_model()
        assert active is not None and active.id == result.model.id and active.name != "tiny@start"
        assert active.bundle_path.parent == versions_dir(project.path)
        assert not any((versions_dir(project.path) / INCOMPLETE).iterdir())
        assert set(active.metrics["per_label"]) == set(LABELS)
        assert active.trained_on["documents"] == len(training_documents())
        assert active.trained_on["spans"] == sum(len(doc.gold) for doc in training_documents())
        assert active.settings["start"] == {"kind": "active", "path": None}
        assert active.settings["learning_rate"] == CONTINUE_LEARNING_RATE  # same labels: the head is kept
        assert project.training_runs()[-1].status == "finished"

        unreviewed = [doc for doc in project.all_documents() if doc.status != "reviewed"]
        assert result.predicted_documents == len(unreviewed) == len(sentence_documents())
        predictions = [span for doc in unreviewed for span in doc.spans if span.source == PRED]
        assert predictions, "the new model predicts on the unreviewed documents"
        assert {span.model_version for span in predictions} == {active.name}
        assert any(doc.status == "predicted" for doc in unreviewed)
        assert gold_snapshot(project) == gold_before
        assert all(span.source == GOLD for doc in project.all_documents(status="reviewed") for span in doc.spans)


def test_a_run_left_by_a_killed_window_is_recorded_as_interrupted(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle, reviewed=False) as project:
        orphan = project.record_training_run(version="v9")
        leftover = versions_dir(project.path) / INCOMPLETE / "v9"
        leftover.mkdir(parents=True)
        with pytest.raises(TrainingError):
            run_retrain(project, start=StartPoint("active"), options=QUICK)
        assert project.training_run(orphan).status == "interrupted"
        assert not leftover.exists()


def test_failed_training_changes_nothing(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle, reviewed=False) as project:
        before = gold_snapshot(project)
        with pytest.raises(TrainingError, match="review at least 2"):
            run_retrain(project, start=StartPoint("active"), options=QUICK)
        assert project.active_model().name == "tiny@start"
        assert [version.name for version in project.model_versions()] == ["tiny@start"]
        assert project.training_runs()[-1].status == "failed"
        assert gold_snapshot(project) == before
        assert not (versions_dir(project.path) / INCOMPLETE).exists() or \
            not any((versions_dir(project.path) / INCOMPLETE).iterdir())
