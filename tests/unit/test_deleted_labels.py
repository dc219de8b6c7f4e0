"""A deleted label stays deleted: a model that knows it still predicts it, and those predictions are dropped
(stored, shown and scored as if the model did not know the label) rather than bringing the label back."""

from __future__ import annotations

import pytest
from fixtures_bundle import create_scored_project, shared_tiny_bundle

from nerdesk.core import Document, Span
from nerdesk.core.edits import Change, Edit
from nerdesk.core.label_changes import LabelChanges
from nerdesk.storage import Project
from nerdesk.workflows.evaluation import score_version
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.models import repredict_unreviewed


@pytest.fixture
def project(tmp_path_factory, tmp_path):
    """Three evaluation documents, one to predict, and the tiny model (PER, LOC, ORG) active."""
    create_scored_project(tmp_path / "notes.nerdesk", shared_tiny_bundle(tmp_path_factory))
    with Project.open(tmp_path / "notes.nerdesk") as opened:
        yield opened


def _unreviewed(project):
    return next(doc for doc in project.all_documents() if doc.status != "reviewed")


def test_predicting_again_does_not_bring_a_deleted_label_back(project):
    repredict_unreviewed(project, project.active_model().bundle_path)
    assert "PER" in {span.label for span in _unreviewed(project).predictions}

    project.delete_label("PER")
    repredict_unreviewed(project, project.active_model().bundle_path)

    assert {span.label for span in _unreviewed(project).predictions} == {"LOC"}
    assert "PER" not in project.label_set()
    assert project.deleted_labels() == {"PER"}


def test_a_version_is_scored_without_the_predictions_of_a_deleted_label(project):
    active = project.active_model()
    before = score_version(project, active, evaluation_set(project))
    project.delete_label("PER")  # its gold spans go with it
    evaluation = evaluation_set(project)
    after = score_version(project, active, evaluation)

    assert evaluation.deleted == {"PER"} and after.fingerprint != before.fingerprint
    assert "PER" not in after.per_label
    assert after.precision >= before.precision  # its predictions are not counted as wrong


def test_adding_the_label_again_ends_the_deletion(project):
    project.delete_label("PER")
    project.add_label("PER")
    assert project.deleted_labels() == frozenset()
    repredict_unreviewed(project, project.active_model().bundle_path)
    assert "PER" in {span.label for span in _unreviewed(project).predictions}


def test_a_gold_span_of_the_deleted_label_ends_the_deletion(project):
    project.delete_label("PER")
    document = _unreviewed(project)
    project.apply_edit(Edit("label", [Change(document.id, added=(Span(0, 2, "PER"),))]))
    assert "PER" in project.label_set() and project.deleted_labels() == frozenset()


def test_renaming_a_label_to_a_deleted_name_ends_the_deletion(project):
    project.delete_label("PER")
    project.update_label("ORG", new_name="PER")
    assert project.deleted_labels() == frozenset()


def test_a_merge_is_remembered_as_a_rename_not_a_deletion(project):
    from nerdesk.workflows.label_edits import apply_label_merge

    apply_label_merge(project, "PER", "ORG")
    assert project.deleted_labels() == frozenset() and project.renamed_labels() == {"PER": "ORG"}


def test_a_renamed_label_that_is_then_deleted_drops_the_old_name_s_predictions_too():
    changes = LabelChanges({"PER": "person"}, frozenset({"person"}))
    spans = [Span(0, 2, "PER"), Span(3, 5, "person"), Span(6, 8, "LOC")]
    assert changes.applied(spans) == [Span(6, 8, "LOC")]
    assert LabelChanges().applied(spans) == spans and not LabelChanges()


def test_activating_a_version_gives_its_labels_under_their_names_now_but_not_a_deleted_one(project):
    from nerdesk.workflows.versions import activate_version

    project.update_label("PER", new_name="person")
    project.delete_label("ORG")
    project.delete_label("LOC")
    project.add_label("extra")
    activate_version(project, project.active_model().id)
    assert set(project.label_set().names) == {"person", "extra"}  # no "PER" back, no deleted ORG or LOC
    project.add_label("LOC")  # the user wants it back: it stays
    activate_version(project, project.active_model().id)
    assert set(project.label_set().names) == {"person", "extra", "LOC"}


def test_activating_a_version_in_a_project_without_its_labels_adds_them(tmp_path_factory, tmp_path):
    from nerdesk.workflows.versions import activate_version

    with Project.create(tmp_path / "new.nerdesk") as project:
        project.add_documents([Document("李娜去了上海。")])
        model_id = project.register_model(name="tiny@1", bundle_path=shared_tiny_bundle(tmp_path_factory),
                                          metrics={}, settings={}, trained_on={})
        activate_version(project, model_id)
        assert project.label_set().names == ["PER", "LOC", "ORG"]
        assert all(label.key for label in project.label_set())
