"""A renamed label keeps its meaning for the model versions trained before the rename: they still predict
the old name, and their predictions and scores count under the name the label has now."""

from __future__ import annotations

import pytest
from fixtures_bundle import create_scored_project, shared_tiny_bundle

from nerdesk.core import Span
from nerdesk.core.edits import Change, Edit
from nerdesk.storage import Project
from nerdesk.workflows.evaluation import other_script_reason, score_version
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.models import repredict_unreviewed


@pytest.fixture
def project(tmp_path_factory, tmp_path):
    """Three evaluation documents, one to predict, and the tiny model (PER, LOC, ORG) active."""
    create_scored_project(tmp_path / "notes.nerdesk", shared_tiny_bundle(tmp_path_factory))
    with Project.open(tmp_path / "notes.nerdesk") as opened:
        yield opened


def test_a_version_scores_the_same_after_a_label_is_renamed(project):
    active = project.active_model()
    before = score_version(project, active, evaluation_set(project))
    assert before.per_label["PER"]["f1"] > 0

    project.update_label("PER", new_name="person")
    evaluation = evaluation_set(project)
    after = score_version(project, active, evaluation)

    assert evaluation.renamed == {"PER": "person"}
    assert after.fingerprint != before.fingerprint  # not the score cached before the rename
    assert after.f1 == pytest.approx(before.f1)
    assert after.per_label["person"]["f1"] == pytest.approx(before.per_label["PER"]["f1"])
    assert "PER" not in after.per_label


def test_every_label_renamed_still_leaves_the_version_scored(project):
    for old, new in (("PER", "person"), ("LOC", "place"), ("ORG", "organisation")):
        project.update_label(old, new_name=new)
    assert other_script_reason(project.active_model(), evaluation_set(project)) is None


def test_predictions_of_an_older_version_take_the_new_name(project):
    project.update_label("PER", new_name="person")
    repredict_unreviewed(project, project.active_model().bundle_path)

    document = next(doc for doc in project.all_documents() if doc.status != "reviewed")
    assert {span.label for span in document.predictions} == {"person", "LOC"}
    assert "PER" not in project.label_set()  # the old name does not come back as a label


def test_renamed_twice_and_back(project):
    project.update_label("PER", new_name="person")
    project.update_label("person", new_name="people")
    assert project.renamed_labels() == {"PER": "people", "person": "people"}
    project.update_label("people", new_name="PER")
    assert project.renamed_labels() == {"people": "PER", "person": "PER"}


def test_a_label_given_the_old_name_again_stands_for_itself(project):
    project.update_label("PER", new_name="person")
    project.add_label("PER")
    assert project.renamed_labels() == {}
    repredict_unreviewed(project, project.active_model().bundle_path)
    document = next(doc for doc in project.all_documents() if doc.status != "reviewed")
    assert "PER" in {span.label for span in document.predictions}


def test_a_merged_label_counts_as_the_label_it_was_merged_into(project):
    from nerdesk.workflows.label_edits import apply_label_merge

    apply_label_merge(project, "PER", "ORG")
    assert project.renamed_labels() == {"PER": "ORG"}
    repredict_unreviewed(project, project.active_model().bundle_path)
    document = next(doc for doc in project.all_documents() if doc.status != "reviewed")
    assert {span.label for span in document.predictions} == {"ORG", "LOC"}
    assert "PER" not in project.label_set()
    score = score_version(project, project.active_model(), evaluation_set(project))
    assert "PER" not in score.per_label and score.per_label["ORG"]["f1"] > 0


def test_a_model_knows_its_renamed_labels_by_their_names_now_unless_a_name_would_repeat():
    from nerdesk.core.labels import as_renamed

    assert as_renamed(["PER", "LOC", "ORG"], {"PER": "person", "ORG": "LOC"}) == ["person", "LOC", "ORG"]
    assert as_renamed(["PER"], {}) == ["PER"]


def test_after_a_rename_the_automatic_start_keeps_the_active_model_s_head(project):
    from nerdesk.workflows.start_points import StartPoint, resolve_start

    to_learn = next(doc for doc in project.all_documents() if doc.split != "eval")  # "李娜去了上海。"
    # training learns the labels of the documents outside the evaluation set
    project.apply_edit(Edit("label", [Change(to_learn.id, added=(Span(0, 2, "PER"),))]))
    for document in project.all_documents():
        project.set_status([document.id], "reviewed")
    project.update_label("PER", new_name="person")
    resolved = resolve_start(project, StartPoint("auto"))
    assert resolved.keeps_head, resolved.description
    assert resolved.description.startswith("continuing the active model tiny with its head")
