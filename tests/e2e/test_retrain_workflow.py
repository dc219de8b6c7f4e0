"""Retraining end to end without a window: a real ``nerdesk train`` process on a real project file,
continuing from a tiny bundle built in code, then the comparison on the evaluation set, registration,
activation only when at least as good, and re-prediction; rolling back restores predictions."""

from __future__ import annotations

import pytest
from fixtures_bundle import sentence_documents, train_tiny_model, training_documents

from nerdesk.core import Document, Span, TrainingError
from nerdesk.core.spans import GOLD, PRED
from nerdesk.storage import Project
from nerdesk.workflows import models, retrain
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.progress import (
    EpochEvaluated,
    StepProgress,
    TrainingDone,
    TrainingFailed,
    TrainingStarted,
)
from nerdesk.workflows.retrain import INCOMPLETE, RetrainOptions, versions_dir
from nerdesk.workflows.retrain_subprocess import run_retrain
from nerdesk.workflows.start_points import StartPoint, resolve_start

# The labels in the order ``nerdesk train`` gives them (sorted), so continuing keeps the trained head.
LABELS = ["LOC", "ORG", "PER"]
QUICK = RetrainOptions(epochs=1, min_steps=4, patience=1, time_budget_seconds=60, threads=1)


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


@pytest.fixture(scope="session")
def improvable_bundle(tmp_path_factory):
    """A start that a short continuation improves (continuing ``sorted_tiny_bundle`` keeps its weights, and
    a copy of the active model that predicts the same spans is not promoted)."""
    import torch

    torch.set_num_threads(1)
    return worse_bundle(tmp_path_factory.mktemp("retrain-bundles") / "tiny-improvable")


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


def test_retrain_registers_activates_and_predicts(improvable_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", improvable_bundle) as project:
        gold_before = gold_snapshot(project)
        events = []
        result = run_retrain(project, start=StartPoint("active"), options=QUICK, on_event=events.append)

        kinds = {type(event) for event in events}
        assert {TrainingStarted, StepProgress, EpochEvaluated, TrainingDone} <= kinds
        active = project.active_model()
        assert active is not None and active.id == result.model.id and active.name != "tiny@start"
        assert active.bundle_path.parent == versions_dir(project.path)
        assert not any((versions_dir(project.path) / INCOMPLETE).iterdir())
        (done,) = [event for event in events if isinstance(event, TrainingDone)]
        assert done.out == str(active.bundle_path) and str(active.bundle_path) in done.message  # not the staging one
        assert set(active.metrics["per_label"]) == set(LABELS)
        assert active.trained_on["documents"] == len(training_documents())
        assert active.trained_on["spans"] == sum(len(doc.gold) for doc in training_documents())
        assert active.settings["start"] == {"kind": "active", "path": None}
        assert "its head kept" in active.settings["start_description"]
        assert result.outcome.promoted and result.outcome.score.f1 > result.outcome.active_score.f1
        assert result.outcome.score.documents == len(evaluation_set(project).documents) == 3
        assert project.training_runs()[-1].status == "finished"

        unreviewed = [doc for doc in project.all_documents() if doc.status != "reviewed"]
        assert result.predicted_documents == len(unreviewed) == len(sentence_documents())
        predictions = [span for doc in unreviewed for span in doc.spans if span.source == PRED]
        assert predictions, "the new model predicts on the unreviewed documents"
        assert {span.model_version for span in predictions} == {active.name}
        assert any(doc.status == "predicted" for doc in unreviewed)
        assert gold_snapshot(project) == gold_before
        assert all(span.source == GOLD for doc in project.all_documents(status="reviewed") for span in doc.spans)


def broken_copy(bundle_path, folder):
    """A copy of ``bundle_path`` whose weights are cut short: resolved as a start, refused by training."""
    import shutil

    copy = shutil.copytree(bundle_path, folder)
    weights = copy / "checkpoint.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    return copy


def test_a_run_left_by_a_killed_window_is_recorded_as_interrupted(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        orphan = project.record_training_run(version="v9")
        leftover = versions_dir(project.path) / INCOMPLETE / "v9"
        leftover.mkdir(parents=True)
        broken = broken_copy(sorted_tiny_bundle, tmp_path / "broken")
        with pytest.raises(TrainingError):
            run_retrain(project, start=StartPoint.from_argument(str(broken)), options=QUICK)
        assert project.training_run(orphan).status == "interrupted"
        assert not leftover.exists()


def test_failed_training_changes_nothing(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        before = gold_snapshot(project)
        broken = broken_copy(sorted_tiny_bundle, tmp_path / "broken")
        with pytest.raises(TrainingError) as caught:
            run_retrain(project, start=StartPoint.from_argument(str(broken)), options=QUICK)
        assert "checkpoint" in str(caught.value)
        assert project.active_model().name == "tiny@start"
        assert [version.name for version in project.model_versions()] == ["tiny@start"]
        assert project.training_runs()[-1].status == "failed"
        assert gold_snapshot(project) == before
        assert not (versions_dir(project.path) / INCOMPLETE).exists() or \
            not any((versions_dir(project.path) / INCOMPLETE).iterdir())


def test_too_few_reviewed_documents_are_refused_before_a_run_is_recorded(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle, reviewed=False) as project:
        with pytest.raises(TrainingError) as caught:
            run_retrain(project, start=StartPoint("active"), options=QUICK)
        assert caught.value.code == "E405" and "review at least 2 before training" in str(caught.value)
        assert project.training_runs() == [] and not versions_dir(project.path).exists()
        assert [version.name for version in project.model_versions()] == ["tiny@start"]


def test_automatic_start_continues_the_active_model_when_its_labels_cover_the_reviewed_ones(
        sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        resolved = resolve_start(project, StartPoint("auto"))
        assert resolved.init == str(sorted_tiny_bundle) and resolved.keeps_head
        assert "continuing the active model tiny with its head" in resolved.description


def test_a_version_that_learnt_from_fewer_documents_learns_the_new_ones_at_the_full_rate(sorted_tiny_bundle,
                                                                                          tmp_path):
    """Continued gently, a version retrained on 38 documents stayed where it was when 360 were reviewed
    (docs/benchmarks.md): a kept head learns at the full rate when its model learnt from fewer documents."""
    from nerdesk.core.learnt_from import LEARNT_FROM
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.training.export import export_bundle
    from nerdesk.training.model import load_checkpoint

    model, tokenizer = load_checkpoint(sorted_tiny_bundle)
    few = export_bundle(model, tokenizer, tmp_path / "learnt-from-2", labels=LABELS,
                        trained_on={"documents": 2, "start": "transfer", LEARNT_FROM: 2})
    with build_project(tmp_path / "notes.nerdesk", few) as project:
        training = len(training_documents()) - 3  # the evaluation set holds 3 of the reviewed documents
        retrain.prepare_run(project, StartPoint("auto"), QUICK)  # picks the evaluation set
        resolved = resolve_start(project, StartPoint("auto"))
        assert resolved.keeps_head and resolved.init == str(few)
        assert (f"it learnt from 2 documents and now has {training} to learn from, so it learns them at the full "
                "rate") in resolved.description

        result = run_retrain(project, start=StartPoint("auto"), options=QUICK)
        trained_on = Bundle.load(result.model.bundle_path).manifest["trained_on"]
        assert trained_on["start"] == "extend"
        if trained_on["best_step"] == 0:  # no checkpoint beat the starting weights: they are what it learnt from
            assert trained_on[LEARNT_FROM] == 2
            return
        assert trained_on[LEARNT_FROM] == training
        # The new version learnt from every training document: the next run continues it gently.
        project.set_active_model(result.model.id)
        assert "full rate" not in resolve_start(project, StartPoint("auto")).description


def test_a_new_version_records_what_it_learnt_from(sorted_tiny_bundle, tmp_path):
    from nerdesk.training.export import export_bundle
    from nerdesk.training.model import load_checkpoint
    from nerdesk.training.run import TrainRequest, learnt_from_documents

    model, tokenizer = load_checkpoint(sorted_tiny_bundle)
    start = export_bundle(model, tokenizer, tmp_path / "v1", labels=LABELS, trained_on={"documents": 2,
                                                                                       "start": "transfer"})
    request = TrainRequest(training_documents()[:5], [], "notes.nerdesk", tmp_path / "v2", str(start))
    assert learnt_from_documents(request, "transfer", best_step=40) == 5
    assert learnt_from_documents(request, "extend", best_step=40) == 5
    assert learnt_from_documents(request, "extend", best_step=0) == 2  # kept its starting weights
    assert learnt_from_documents(request, "continue", best_step=40) == 2  # learnt little from its own five


def test_an_older_gentle_continuation_counts_what_the_model_it_continued_learnt_from(sorted_tiny_bundle, tmp_path):
    """Versions continued gently before the count was recorded: their start tells what they learnt from."""
    from nerdesk.runtime.bundle import documents_learnt_from_bundle
    from nerdesk.training.export import export_bundle
    from nerdesk.training.model import load_checkpoint

    model, tokenizer = load_checkpoint(sorted_tiny_bundle)
    first = export_bundle(model, tokenizer, tmp_path / "v1", labels=LABELS, trained_on={"documents": 38,
                                                                                       "start": "transfer"})
    second = export_bundle(model, tokenizer, tmp_path / "v2", labels=LABELS,
                           trained_on={"documents": 75, "start": "continue", "init": str(first)})
    looped = export_bundle(model, tokenizer, tmp_path / "v3", labels=LABELS,
                           trained_on={"documents": 75, "start": "continue", "init": str(tmp_path / "v3")})
    assert documents_learnt_from_bundle(second) == 38
    assert documents_learnt_from_bundle(looped) is None
    assert documents_learnt_from_bundle(tmp_path / "missing") is None


def test_a_chosen_nerdesk_model_says_whether_training_keeps_its_head(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        resolved = resolve_start(project, StartPoint.from_argument(str(sorted_tiny_bundle)))
        assert resolved.keeps_head
        assert resolved.description == (f"continuing the nerdesk model in {sorted_tiny_bundle} with its head, as "
                                        "chosen: its labels cover all the labels you reviewed; it is continued gently")


def worse_bundle(directory):
    """A bundle of the same architecture trained for a few steps only: worse, but not useless."""
    from nerdesk.training.export import export_bundle

    model, tokenizer = train_tiny_model(steps=10, labels=LABELS, max_length=64, train_length=64, seed=3)
    return export_bundle(model, tokenizer, directory, labels=LABELS, dev_documents=sentence_documents())


def finish_with(project, bundle_maker, options: RetrainOptions):
    """Run the registration half of a retraining on a bundle made in-process (the training half is
    covered above): what the Retrain button and ``nerdesk retrain`` do once training is done."""
    run = retrain.prepare_run(project, StartPoint("active"), options)
    bundle_maker(run.staging_dir)
    return retrain.complete_run(project, run, TrainingDone(str(run.staging_dir)))


def test_a_worse_model_is_kept_inactive_and_the_message_says_why(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        outcome = finish_with(project, worse_bundle, QUICK)
        assert 0 < outcome.score.f1 < outcome.active_score.f1
        assert not outcome.promoted and project.active_model().name == "tiny@start"
        assert "tiny stays active" in outcome.decision.message
        assert f"F1 {100 * outcome.score.f1:.1f} on your 3 evaluation documents" in outcome.decision.message
        assert [v.name for v in project.model_versions()][-1] == outcome.version.name  # kept, inactive
        assert project.training_runs()[-1].fields["promoted"] is False


def test_activate_anyway(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        outcome = finish_with(project, worse_bundle, RetrainOptions(activate="always", threads=1))
        assert outcome.promoted and project.active_model().id == outcome.version.id
        assert "activated anyway" in outcome.decision.message
        assert outcome.decision.message.startswith("v1: F1 ")  # named as `nerdesk activate` takes it
        again = finish_with(project, worse_bundle, RetrainOptions(threads=1, even_if_unchanged=True))  # same data
        assert again.decision.message.startswith("v2 scores the same as v1 (F1 ")


def test_activating_an_older_version_restores_its_predictions(sorted_tiny_bundle, tmp_path):
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        original = project.active_model()
        models.repredict_unreviewed(project, original.bundle_path)
        expected = [doc.predictions for doc in project.all_documents(status=models.UNREVIEWED)]
        newer = finish_with(project, worse_bundle, RetrainOptions(activate="always", threads=1)).version
        models.repredict_unreviewed(project, newer.bundle_path)
        assert [doc.predictions for doc in project.all_documents(status=models.UNREVIEWED)] != expected
        assert len(models.activate(project, original.id).items) == len(sentence_documents())
        assert project.active_model().id == original.id
        restored = [doc.predictions for doc in project.all_documents(status=models.UNREVIEWED)]
        assert restored == expected
        texts = [doc.text for doc in project.all_documents(status=models.UNREVIEWED)]
        direct = OnnxPredictor(Bundle.load(original.bundle_path)).predict(texts)
        assert [[s.key for s in spans] for spans in restored] == [[s.key for s in spans] for spans in direct]


def test_a_run_that_finds_nothing_never_becomes_active(sorted_tiny_bundle, tmp_path):
    always = RetrainOptions(epochs=1, min_steps=2, threads=1, activate="always")
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        # The evaluation set holds only a label no training document has: nothing of it can be found.
        project.add_documents([Document(f"第{n}号文件在此。", [Span(0, 4, "MISC")], status="reviewed", split="eval")
                               for n in range(5)])
        failures = []
        with pytest.raises(TrainingError) as caught:
            run_retrain(project, start=StartPoint("active"), options=always,
                        on_event=lambda event: failures.extend([event] if isinstance(event, TrainingFailed) else []))
        assert caught.value.code == "E402"
        for said in (str(caught.value), failures[-1].message):  # retrain's own options, not nerdesk train's
            assert "--start" in said and "--init" not in said and "--keep-failed" not in said
        assert project.active_model().name == "tiny@start"
        assert [version.name for version in project.model_versions()] == ["tiny@start"]


def test_automatic_start_probes_the_models_when_the_active_one_lacks_labels(sorted_tiny_bundle, tmp_path):
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        weaker = project.register_model(name="weaker", bundle_path=worse_bundle(tmp_path / "weaker"), metrics={},
                                        settings={}, trained_on={})
        project.add_documents([Document("新标签文本。", [Span(0, 3, "NEW")], status="reviewed")])
        resolved = resolve_start(project, StartPoint("auto"))
        assert not resolved.keeps_head and resolved.init == str(sorted_tiny_bundle.resolve())
        assert "your version tiny with a new head" in resolved.description
        assert "of the entity boundaries" in resolved.description and "3 of your 4 labels" in resolved.description
        assert weaker != project.active_model().id


def test_automatic_start_says_it_keeps_the_head_of_a_probed_model_that_knows_every_label(sorted_tiny_bundle,
                                                                                          tmp_path):
    """No active model: the probe picks a version whose labels cover the reviewed ones, and training keeps
    its head, so the description must not promise a new head."""
    with Project.create(tmp_path / "notes.nerdesk") as project:
        documents = training_documents()
        for document in documents:
            document.status = "reviewed"
        project.add_documents(documents)
        project.register_model(name="tiny@start", bundle_path=sorted_tiny_bundle, metrics={}, settings={},
                               trained_on={})
        assert project.active_model() is None
        resolved = resolve_start(project, StartPoint("auto"))
        assert resolved.init == str(sorted_tiny_bundle.resolve())
        assert resolved.keeps_head
        assert resolved.description.startswith("continuing your version tiny with its head: ")
        assert "new head" not in resolved.description


def test_the_probe_skips_models_of_another_script(sorted_tiny_bundle, tmp_path, monkeypatch):
    from nerdesk.workflows import probe
    from nerdesk.workflows.model_script import bundle_script

    probed = []
    real = probe.boundary_f1
    monkeypatch.setattr(probe, "boundary_f1", lambda bundle, sample: probed.append(bundle.path) or real(bundle, sample))
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        probe.best_candidate(project, {"PER"})
        assert sorted_tiny_bundle in probed  # Chinese documents: the Chinese models are probed
        probed.clear()
        for doc in project.all_documents(status="reviewed"):
            project.set_status([doc.id], "new")
        project.add_documents([Document(f"Anna Berg met John Smith in Oslo on day {n}.", [Span(0, 9, "PER")],
                                        status="reviewed") for n in range(12)])
        probe.best_candidate(project, {"PER"})
        assert not [path for path in probed if bundle_script(path) == "cjk"]  # no Chinese model on English text


def test_the_probe_never_reads_the_evaluation_or_test_documents(tmp_path):
    from nerdesk.workflows.evaluation_set import ensure_evaluation_set
    from nerdesk.workflows.probe import PROBE_DOCUMENTS, probe_sample

    with Project.create(tmp_path / "notes.nerdesk") as project:
        project.add_documents([Document(f"第{n}号病人张三发热。", [Span(4, 6, "PER")], status="reviewed",
                                        split="test" if n < 5 else None) for n in range(80)])
        evaluation = ensure_evaluation_set(project)
        sample = probe_sample(project).documents
        kept_out = {doc.id for doc in evaluation.documents} | {
            doc.id for doc in project.all_documents(status="reviewed") if doc.split == "test"}
        assert len(evaluation.documents) == 20 and len(sample) == PROBE_DOCUMENTS
        assert not {doc.id for doc in sample} & kept_out
