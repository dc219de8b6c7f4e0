"""``nerdesk retrain`` is the Retrain button without a window; ``nerdesk eval`` is ``nerdesk predict``
scored by hand, long documents included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_bundle import long_document, sentence_documents, shared_tiny_bundle
from test_retrain_workflow import (  # noqa: F401 (fixtures)
    QUICK,
    build_project,
    finish_with,
    improvable_bundle,
    sorted_tiny_bundle,
    worse_bundle,
)

from nerdesk.cli import main
from nerdesk.core.metrics import evaluate
from nerdesk.formats import read_file, write_file
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage import Project
from nerdesk.workflows.evaluation_set import evaluation_set
from nerdesk.workflows.models import UNREVIEWED


@pytest.mark.slow  # about 40 s with its fixture: a real training run
def test_retrain_command_compares_promotes_and_predicts(improvable_bundle, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "notes.nerdesk"
    build_project(path, improvable_bundle).close()
    code = main(["retrain", str(path), "--start", "active", "--progress", "json", "--time-budget", "60"])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    outcome = events[-1]
    assert outcome["event"] == "outcome" and outcome["previous_active"] == "tiny@start"
    assert outcome["promoted"] is (outcome["f1"] > outcome["active_f1"])
    assert outcome["message"].startswith(outcome["version"].split("-")[0] + ": F1 ")  # "v1: F1 …"
    assert outcome["start"].startswith("continuing the active model tiny, its head kept")
    assert any(event["event"] == "TrainingStarted" for event in events)
    prepared = events[0]  # before the training process has loaded
    assert prepared["event"] == "prepared" and prepared["start"] == outcome["start"]
    assert outcome["version"].startswith(prepared["version"] + "@")  # registered with its model's fingerprint
    assert prepared["evaluation_documents"] == 3
    with Project.open(path) as project:
        assert outcome["evaluation_documents"] == len(evaluation_set(project).documents) == 3
        active = project.active_model()
        assert (active.name == outcome["version"]) is outcome["promoted"]
        (new,) = [version for version in project.model_versions() if version.name == outcome["version"]]
        assert outcome["bundle"] == str(new.bundle_path) and Path(outcome["bundle"]).is_dir()
        run = project.training_runs()[-1]
        assert run.status == "finished" and run.fields["message"] == outcome["message"]
        unreviewed = list(project.all_documents(status=UNREVIEWED))
        assert outcome["predicted_documents"] == (len(unreviewed) if outcome["promoted"] else 0)
        assert {span.model_version for doc in unreviewed for span in doc.predictions} <= {active.name}


def test_eval_equals_predict_scored_by_hand_on_long_documents(tmp_path_factory, tmp_path, capsys):
    bundle = shared_tiny_bundle(tmp_path_factory)
    documents = sentence_documents() + [long_document(repeats=3, seed=seed) for seed in (1, 2)]
    assert max(len(doc.text) for doc in documents) > 100  # several 24-token windows
    data = tmp_path / "gold.jsonl"
    write_file(documents, data, "jsonl")
    assert main(["eval", "--model", str(bundle), str(data), "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    predicted_file = tmp_path / "predicted.jsonl"
    assert main(["predict", "--model", str(bundle), str(data), "--out", str(predicted_file), "--quiet"]) == 0
    predicted = list(read_file(predicted_file, "jsonl").documents)
    by_hand = evaluate([doc.gold for doc in documents], [doc.predictions for doc in predicted])
    assert reported["micro"] == by_hand.as_dict()["micro"]
    assert sum(len(doc.predictions) for doc in predicted) > 0 and by_hand.micro.f1 > 0


def test_retrain_with_too_few_reviewed_documents_says_why_once(tmp_path, capsys):
    from nerdesk.core.document import Document
    from nerdesk.core.spans import Span

    path = tmp_path / "one.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("张伟在北京大学读书。", [Span(0, 2, "PER")], status="reviewed"),
                               Document("李娜去了上海。")])
    code = main(["retrain", str(path), "--start", "scratch"])
    err = capsys.readouterr().err
    assert code == 1
    assert "review at least 2 before training" in err and err.count("review at least 2") == 1
    with Project.open(path) as project:
        assert project.active_model() is None and project.document(1).status == "reviewed"


def test_retrain_json_progress_reports_a_failure_as_one_training_failed_line(sorted_tiny_bundle, tmp_path,  # noqa: F811
                                                                             capsys):
    """Refused before training (too few reviewed documents) or failed in the training process (a start whose
    weights are cut short): either way one ``TrainingFailed`` line on stdout, the error on stderr, exit 1."""
    from test_retrain_workflow import broken_copy

    few = tmp_path / "few.nerdesk"
    build_project(few, sorted_tiny_bundle, reviewed=False).close()
    broken_start = tmp_path / "broken.nerdesk"
    build_project(broken_start, sorted_tiny_bundle).close()
    broken = broken_copy(sorted_tiny_bundle, tmp_path / "broken")
    for path, start, code in [(few, "active", "E405"), (broken_start, str(broken), None)]:
        assert main(["retrain", str(path), "--start", start, "--progress", "json"]) == 1
        captured = capsys.readouterr()
        failures = [json.loads(line) for line in captured.out.splitlines() if "TrainingFailed" in line]
        assert len(failures) == 1 and failures[0]["message"] in captured.err
        assert code is None or failures[0]["code"] == code


def test_activate_lists_versions_activates_anyway_and_rolls_back_with_new_predictions(
        sorted_tiny_bundle, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "notes.nerdesk"
    with build_project(path, sorted_tiny_bundle) as project:
        kept = finish_with(project, worse_bundle, QUICK).version  # not promoted: "Activate anyway to use it"
        original = project.active_model()
    assert main(["activate", str(path)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("* tiny") and listed[1].startswith(f"  {kept.name.split('@')[0]}")

    assert main(["activate", str(path), kept.name.split("-")[0], "--json"]) == 0  # "v2": the start of its name
    said = json.loads(capsys.readouterr().out)
    assert said["name"] == kept.name and said["previous_active"] == original.name and said["predicted_documents"] > 0
    assert said["active"] is True
    with Project.open(path) as project:
        assert project.active_model().id == kept.id
        unreviewed = list(project.all_documents(status=UNREVIEWED))
        assert {span.model_version for doc in unreviewed for span in doc.predictions} == {kept.name}

    assert main(["activate", str(path), original.name]) == 0  # roll back: its predictions come back
    assert "is the active model" in capsys.readouterr().out
    with Project.open(path) as project:
        assert project.active_model().id == original.id
        unreviewed = list(project.all_documents(status=UNREVIEWED))
        assert {span.model_version for doc in unreviewed for span in doc.predictions} <= {
            Bundle.load(original.bundle_path).model_version}

    assert main(["activate", str(path), "v9"]) == 1
    error = capsys.readouterr().err
    assert "E241" in error and kept.name in error
