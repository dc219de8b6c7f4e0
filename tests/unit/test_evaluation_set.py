"""The project's evaluation set and the promotion rule, on real project files (no model needed)."""

from __future__ import annotations

import pytest

from nerdesk.core import Document, Span
from nerdesk.core.edits import add_span
from nerdesk.storage import Project
from nerdesk.workflows.evaluation import EvaluationScore
from nerdesk.workflows.evaluation_set import (
    ensure_evaluation_set,
    evaluation_set,
    target_size,
    training_documents,
)
from nerdesk.workflows.promotion import ALWAYS, decide


def reviewed(count: int, first: int = 0) -> list[Document]:
    return [Document(f"病例{n}：患者咳嗽{n % 7}天。", [Span(0, 2, "X")], status="reviewed") for n in
            range(first, first + count)]


def test_target_size_is_a_tenth_and_at_least_thirty_once_there_are_enough():
    assert [target_size(n) for n in (0, 1, 2, 10, 50, 100, 120, 300, 1000, 50_000)] == \
        [0, 0, 1, 2, 12, 25, 30, 30, 100, 1000]


def test_the_set_is_stable_across_runs_and_across_new_imports(tmp_path):
    with Project.create(tmp_path / "a.nerdesk") as project:
        project.add_documents(reviewed(200))
        first = ensure_evaluation_set(project)
        assert first.picked == len(first.documents) == 30
        again = ensure_evaluation_set(project)
        assert again.picked == 0 and again.fingerprint == first.fingerprint
        project.add_documents([Document(f"新文本{n}") for n in range(50)])  # imported, not reviewed
        assert ensure_evaluation_set(project).fingerprint == first.fingerprint
        project.add_documents(reviewed(200, first=200))  # more reviewed: the set only grows
        grown = ensure_evaluation_set(project)
        assert grown.picked == 10 and {d.id for d in first.documents} < {d.id for d in grown.documents}
        train = training_documents(list(project.all_documents(status="reviewed")))
        assert len(train) == 360 and not {d.id for d in train} & {d.id for d in grown.documents}


def test_the_same_documents_are_picked_in_every_project(tmp_path):
    picked = []
    for name, order in (("a", 1), ("b", -1)):
        with Project.create(tmp_path / f"{name}.nerdesk") as project:
            project.add_documents(reviewed(150)[::order])
            picked.append(sorted(doc.text for doc in ensure_evaluation_set(project).documents))
    assert picked[0] == picked[1]


def test_user_marks_are_kept_and_dev_documents_come_first(tmp_path):
    with Project.create(tmp_path / "a.nerdesk") as project:
        documents = reviewed(40)
        documents[0].split = "eval"  # the user's "evaluation only"
        documents[1].split = "dev"
        for document in documents[2:20]:
            document.split = "train"  # the user keeps these out of the set
        project.add_documents(documents)
        evaluation = ensure_evaluation_set(project)
        texts = {doc.text for doc in evaluation.documents}
        assert len(texts) == target_size(40) == 10
        assert {documents[0].text, documents[1].text} <= texts
        assert not texts & {doc.text for doc in documents[2:20]}
        assert evaluation_set(project).fingerprint == evaluation.fingerprint


def test_changing_a_gold_span_changes_the_fingerprint(tmp_path):
    with Project.create(tmp_path / "a.nerdesk") as project:
        project.add_documents(reviewed(20))
        before = ensure_evaluation_set(project)
        target = before.documents[0]
        project.apply_edit(add_span(target.id, Span(3, 5, "X"), target.spans))
        assert evaluation_set(project).fingerprint != before.fingerprint


def score(f1: float, documents: int = 40, gold: int = 120) -> EvaluationScore:
    return EvaluationScore(f1, f1, f1, documents, gold, "fp")


def test_promotion_only_when_at_least_as_good():
    kept = decide("v3", score(0.581), "v2", score(0.622))
    assert not kept.promote
    assert kept.message.startswith("v3: F1 58.1 on your 40 evaluation documents; the active v2 has 62.2; "
                                   "v2 stays active")
    assert decide("v3", score(0.622), "v2", score(0.622)).promote
    assert decide("v1", score(0.3), None, None).promote
    anyway = decide("v3", score(0.581), "v2", score(0.622), ALWAYS)
    assert anyway.promote and "activated anyway" in anyway.message


@pytest.mark.parametrize("policy", ["if-better", "always"])
def test_a_version_that_finds_nothing_is_never_promoted(policy):
    for active in (None, score(0.5)):
        decision = decide("v2", score(0.0), "v1" if active else None, active, policy)
        assert not decision.promote and "found none of the 120 evaluation entities" in decision.message


def test_reviewed_documents_of_the_test_split_are_named_when_nothing_is_left_to_train_on(tmp_path):
    from nerdesk.core.errors import NerdeskError

    with Project.create(tmp_path / "test-split.nerdesk") as project:
        documents = reviewed(40)
        for document in documents:
            document.split = "test"
        project.add_documents(documents)
        evaluation = ensure_evaluation_set(project)
        with pytest.raises(NerdeskError) as refused:
            evaluation.require_training_documents("notes")
    assert refused.value.code == "E405"
    assert str(refused.value).startswith("notes: 40 reviewed documents, 0 to train on (40 in the test split); ")
    assert "evaluation set" not in str(refused.value)  # none of them is in it
