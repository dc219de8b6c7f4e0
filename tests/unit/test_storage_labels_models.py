"""Label set changes, model versions, training runs, settings and statistics."""

from __future__ import annotations

import pytest

from nerdesk.core import Document, NerdeskError, ProjectError, Span
from nerdesk.core.labels import PALETTE, Label
from nerdesk.storage import Project


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_documents([
            Document("abcdefghij", [Span(0, 4, "PER"), Span(0, 4, "NAME"), Span(5, 9, "NAME")]),
            Document("klmnop", [Span(0, 2, "NAME", "pred", 0.8, "m")]),
        ])
        yield project


def test_labels_get_colours_and_keys_in_order(project):
    assert project.label_set().labels == [Label("PER", PALETTE[0], "1"), Label("NAME", PALETTE[1], "2")]
    label = project.add_label("ORG", color="#123456", key="9")
    assert label == Label("ORG", "#123456", "9")
    assert project.add_label("ORG") == label
    with pytest.raises(NerdeskError) as caught:
        project.add_label("LOC", key="9")
    assert caught.value.code == "E012"
    assert "LOC" not in project.label_set()


def test_flat_flag_persists(project, tmp_path):
    assert not project.label_set().flat
    project.set_flat(True)
    with Project.open(project.path) as again:
        assert again.label_set().flat


def test_rename_follows_into_spans(project):
    project.update_label("NAME", new_name="PERSON", color="#000000", key=None)
    assert project.label_set().get("PERSON") == Label("PERSON", "#000000", None)
    assert project.spans(1) == [Span(0, 4, "PER"), Span(0, 4, "PERSON"), Span(5, 9, "PERSON")]
    assert project.spans(2)[0].label == "PERSON"
    with pytest.raises(NerdeskError) as caught:
        project.update_label("PER", new_name="PERSON")
    assert caught.value.code == "E014"
    with pytest.raises(ProjectError, match="no label 'NOPE'") as caught:
        project.update_label("NOPE", color="#fff")
    assert caught.value.code == "E010"


def test_merge_moves_spans_without_duplicates(project):
    from nerdesk.workflows.label_edits import apply_label_merge

    moved = apply_label_merge(project, "NAME", "PER")
    assert moved == 2  # (5, 9) gold and the prediction; (0, 4) already existed as PER
    assert project.spans(1) == [Span(0, 4, "PER"), Span(5, 9, "PER")]
    assert project.spans(2) == [Span(0, 2, "PER", "pred", 0.8, "m")]
    assert project.label_set().names == ["PER"]
    with pytest.raises(ProjectError):
        apply_label_merge(project, "PER", "PER")


def test_delete_label_removes_its_spans(project):
    assert project.delete_label("NAME") == 3
    assert project.spans(1) == [Span(0, 4, "PER")]
    assert project.spans(2) == []
    assert project.label_set().names == ["PER"]


def test_models_and_active_model(project, tmp_path):
    assert project.active_model() is None
    first = project.register_model(name="m1", bundle_path=tmp_path / "b1", metrics={"f1": 0.7},
                                   settings={"epochs": 3}, trained_on={"documents": 10})
    second = project.register_model(name="m2", bundle_path=tmp_path / "b2", metrics={"f1": 0.8},
                                    settings={}, trained_on={})
    project.set_active_model(second)
    active = project.active_model()
    assert (active.id, active.name, active.bundle_path, active.metrics) == (second, "m2", tmp_path / "b2",
                                                                            {"f1": 0.8})
    project.set_active_model(first)
    assert [m.active for m in project.model_versions()] == [True, False]
    assert project.model_versions()[0].trained_on == {"documents": 10}
    project.delete_model(first)
    assert project.active_model() is None
    with pytest.raises(ProjectError) as caught:
        project.set_active_model(first)
    assert caught.value.code == "E241"


def test_training_runs_record_their_fields(project):
    run = project.record_training_run(settings={"lr": 0.001}, documents=12)
    model = project.register_model(name="m", bundle_path="b", metrics={}, settings={}, trained_on={})
    project.finish_training_run(run, status="finished", model_id=model, metrics={"f1": 0.5})
    [stored] = project.training_runs()
    assert (stored.status, stored.model_id) == ("finished", model)
    assert stored.fields == {"settings": {"lr": 0.001}, "documents": 12, "metrics": {"f1": 0.5}}
    assert stored.finished is not None
    project.delete_model(model)
    assert project.training_run(run).model_id is None


def test_settings_hold_json(project):
    assert project.get_setting("missing", 3) == 3
    project.set_setting("train", {"epochs": 5, "labels": ["A", "B"]})
    assert project.get_setting("train") == {"epochs": 5, "labels": ["A", "B"]}
    project.set_setting("train", None)
    assert project.get_setting("train") is None
    with pytest.raises(ProjectError, match="setting 'bad'") as caught:
        project.set_setting("bad", object())
    assert caught.value.code == "E250"


def test_stats_count_documents_labels_and_nesting(project):
    project.set_status([2], "reviewed")
    stats = project.stats()
    assert stats["documents"] == 2
    assert stats["by_status"] == {"new": 1, "predicted": 0, "in-progress": 0, "reviewed": 1}
    assert stats["spans"] == {"gold": 3, "pred": 1}
    assert stats["labels"] == {"PER": {"gold": 1, "pred": 0}, "NAME": {"gold": 2, "pred": 1}}
    assert stats["nesting_depth"] == 2
    assert stats["overlapping_spans"] == 2
    assert stats["documents_with_overlaps"] == 1


OVERLAP_CASES = [
    ([], 0, 0),
    ([(0, 2)], 0, 1),
    ([(0, 2), (2, 4)], 0, 1),
    ([(0, 5), (1, 2), (3, 4)], 3, 2),
    ([(0, 3), (2, 6), (7, 9)], 2, 2),
    ([(0, 10), (8, 9), (12, 13)], 2, 2),
    ([(0, 10), (2, 8), (3, 5), (4, 5)], 4, 4),
]


@pytest.mark.parametrize(("spans", "overlapping", "depth"), OVERLAP_CASES)
def test_overlap_and_depth_statistics(tmp_path, spans, overlapping, depth):
    with Project.create(tmp_path / "o.nerdesk") as project:
        document = Document("x" * 20, [Span(s, e, "X") for s, e in spans])
        predictions = Document("y" * 20, [Span(0, 5, "X", "pred"), Span(1, 3, "X", "pred")])
        project.add_documents([document, predictions])
        stats = project.stats()
    assert stats["overlapping_spans"] == overlapping
    assert stats["documents_with_overlaps"] == (overlapping > 0)
    assert stats["nesting_depth"] == depth


def test_same_range_with_two_labels_counts_as_overlap(tmp_path):
    with Project.create(tmp_path / "o.nerdesk") as project:
        project.add_documents([Document("abcd", [Span(0, 2, "A"), Span(0, 2, "B")])])
        assert (project.stats()["overlapping_spans"], project.stats()["nesting_depth"]) == (2, 2)


def test_labels_after_the_tenth_get_letter_keys_that_no_editing_key_or_other_label_uses(project):
    project.add_label("custom", key="Q")  # keys ignore case: "q" is taken
    added = project.ensure_labels(f"type{number}" for number in range(30))
    keys = [label.key for label in added]
    assert keys[:8] == ["3", "4", "5", "6", "7", "8", "9", "0"]
    assert keys[8:12] == ["w", "e", "t", "y"]  # after the digits; q is taken, a, r and x accept and reject
    assert not {"a", "r", "x", "q"} & set(keys) and len(set(filter(None, keys))) == 30
