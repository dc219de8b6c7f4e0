"""A retraining that yields a copy of the active model, behaviour for behaviour, does not replace it.

Real tiny bundles (``tests/fixtures_bundle.py``), a real project file, the registration half of a
retraining (``complete_run``) as the Retrain button and ``nerdesk retrain`` run it.
"""

from __future__ import annotations

import shutil

from test_retrain_workflow import build_project, finish_with, sorted_tiny_bundle  # noqa: F401 (fixture)

from nerdesk.workflows.promotion import changed_documents
from nerdesk.workflows.retrain import RetrainOptions

QUICK = RetrainOptions(threads=1)


def copy_of(bundle):
    return lambda directory: shutil.copytree(bundle, directory, dirs_exist_ok=True)


def test_an_identical_copy_at_equal_f1_is_kept_inactive(sorted_tiny_bundle, tmp_path):  # noqa: F811
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        outcome = finish_with(project, copy_of(sorted_tiny_bundle), QUICK)
        assert outcome.score.f1 == outcome.active_score.f1 > 0
        assert not outcome.promoted and project.active_model().name == "tiny@start"
        assert (f"scores the same as tiny (F1 {outcome.score.percent()} on your 3 evaluation documents) and "
                "predicts the same spans; tiny stays active") in outcome.decision.message
        assert project.training_runs()[-1].fields["promoted"] is False
        assert outcome.version.id in {version.id for version in project.model_versions()}


def test_activate_always_still_activates_the_copy(sorted_tiny_bundle, tmp_path):  # noqa: F811
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        outcome = finish_with(project, copy_of(sorted_tiny_bundle), RetrainOptions(activate="always", threads=1))
        assert outcome.promoted and project.active_model().id == outcome.version.id
        assert "predicts the same spans" in outcome.decision.message
        assert "was activated anyway" in outcome.decision.message


def test_changed_documents_counts_documents_with_different_spans(sorted_tiny_bundle, tmp_path):  # noqa: F811
    from test_retrain_workflow import worse_bundle

    from nerdesk.workflows.evaluation import predict_documents

    worse = worse_bundle(tmp_path / "worse")
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        documents = list(project.all_documents())
        ours = predict_documents(sorted_tiny_bundle, documents, threads=1)
        theirs = predict_documents(worse, documents, threads=1)
        assert changed_documents(ours, predict_documents(sorted_tiny_bundle, documents, threads=1)) == 0
        expected = sum({s.key for s in a} != {s.key for s in b} for a, b in zip(ours, theirs, strict=True))
        assert 0 < expected == changed_documents(theirs, ours)
        reordered = [list(reversed(spans)) for spans in ours]
        assert changed_documents(reordered, ours) == 0  # the order of the spans does not count
