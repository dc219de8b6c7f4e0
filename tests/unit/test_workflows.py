"""Workflows without a model: progress events, the training command, start points, active learning,
model-version management. (Retraining with a real model is in tests/e2e/test_retrain_*.py.)"""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from nerdesk.core import Document, ProjectError, Span
from nerdesk.storage import Project
from nerdesk.workflows import default_models, retrain, training_failures
from nerdesk.workflows.active_learning import document_uncertainty, next_most_useful, rank_unreviewed
from nerdesk.workflows.default_models import embedded_model
from nerdesk.workflows.progress import (
    EpochEvaluated,
    StepProgress,
    TrainingDone,
    TrainingFailed,
    TrainingFinishing,
    TrainingStarted,
    parse_progress_line,
)
from nerdesk.workflows.start_points import (
    StartPoint,
    load_start_point,
    resolve_start,
    save_start_point,
)
from nerdesk.workflows.versions import activate_version, delete_version, export_version


def pred(start: int, end: int, score: float, label: str = "PER") -> Span:
    return Span(start, end, label, "pred", score, "m1")


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "notes.nerdesk") as project:
        project.add_documents([
            Document("张伟在北京工作。", [Span(0, 2, "PER")], status="reviewed"),
            Document("李娜去了上海。", [pred(0, 2, 0.97)]),
            Document("王芳在华为公司工作。", [pred(0, 2, 0.55), pred(3, 7, 0.99, "ORG")]),
            Document("今天天气很好，我们去公园散步吧。"),
            Document("赵磊从深圳回来了。", [pred(0, 2, 0.7)]),
        ])
        yield project


# ---------------------------------------------------------------- progress
def test_progress_lines_become_typed_events():
    lines = [
        {"event": "start", "labels": ["LOC", "PER"], "train_documents": 9, "dev_documents": 1, "init": "scratch"},
        {"event": "step", "step": 3, "total": 10, "loss": 1.25},
        {"event": "eval", "epoch": 1, "f1": 0.5, "precision": 0.6, "recall": 0.4},
        {"event": "finishing", "message": "training stopped by early stopping after 3 steps; writing"},
        {"event": "done", "out": "/m/v1", "metrics": {"micro": {"f1": 0.5}}, "bundle": True, "message": "\nok"},
        {"event": "error", "message": "no gold spans"},
    ]
    events = [parse_progress_line(json.dumps(line)) for line in lines]
    assert events == [
        TrainingStarted(["LOC", "PER"], 9, 1, "scratch"),
        StepProgress(3, 10, 1.25),
        EpochEvaluated(1, 0.5, 0.6, 0.4),
        TrainingFinishing("training stopped by early stopping after 3 steps; writing"),
        TrainingDone("/m/v1", {"micro": {"f1": 0.5}}, True, "ok"),
        TrainingFailed("no gold spans"),
    ]


def test_a_retraining_says_evaluation_set_where_training_says_dev_and_gives_its_own_options():
    from nerdesk.workflows.progress import NO_MODEL_ADVICE_TRAIN, in_retrain_words

    said = in_retrain_words("the model found none of the dev entities; no model was written. " + NO_MODEL_ADVICE_TRAIN)
    assert "evaluation set's entities" in said and "--start" in said and "--init" not in said
    assert in_retrain_words("threshold -2, as many spans as the dev documents hold: dev F1 2.3 -> 7.6") == (
        "threshold -2, as many spans as the evaluation documents hold: F1 on the evaluation set 2.3 -> 7.6")


@pytest.mark.parametrize("line", ["", "Warning: something", "[1, 2]", '{"event": "unknown"}',
                                  '{"event": "step", "step": "x", "total": 1, "loss": 0}', '{"no": "event"}'])
def test_other_lines_are_ignored(line):
    assert parse_progress_line(line) is None


# ----------------------------------------------------------------- command
def test_training_command_runs_the_cli_module(monkeypatch, tmp_path):
    options = retrain.RetrainOptions(epochs=2, patience=1, time_budget_seconds=30.0, threads=1)
    command = retrain.training_command(tmp_path / "p.nerdesk", tmp_path / "out", "scratch", options)
    assert command[:4] == [sys.executable, "-m", "nerdesk", "train"]
    assert command[command.index("--project") + 1] == str(tmp_path / "p.nerdesk")
    assert command[command.index("--progress") + 1] == "json"
    assert command[command.index("--init") + 1] == "scratch"
    assert command[command.index("--time-budget") + 1] == "30"
    assert command[command.index("--threads") + 1] == "1"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    frozen = retrain.training_command(tmp_path / "p.nerdesk", tmp_path / "out", "scratch", options)
    assert frozen[:2] == [sys.executable, "train"]


def test_versions_live_beside_the_project(tmp_path):
    assert retrain.versions_dir(tmp_path / "notes.nerdesk") == tmp_path / "notes.models"


def test_options_ignore_unknown_keys():
    assert retrain.RetrainOptions.from_json({"epochs": 3, "colour": "red"}) == retrain.RetrainOptions(epochs=3)
    assert retrain.RetrainOptions.from_json(None) == retrain.RetrainOptions()


def test_failure_message_prefers_the_reported_error():
    assert training_failures.failure_message([TrainingFailed("no gold spans")], "Traceback...", 1) == \
        "training failed: no gold spans"
    assert "killed or crashed without a message" in training_failures.failure_message([], "", -9)
    assert "exit code 2" in training_failures.failure_message([], "", 2)
    assert training_failures.failure_message([], "x" * 5000 + "MemoryError", 1).endswith("MemoryError")


# ------------------------------------------------------------- start points
def test_start_point_is_a_project_setting(project):
    assert load_start_point(project) == StartPoint("auto")
    save_start_point(project, StartPoint("scratch"))
    assert load_start_point(project) == StartPoint("scratch")
    with pytest.raises(ProjectError) as caught:
        StartPoint("somewhere")
    assert caught.value.code == "E553"


def test_start_points_resolve_to_init_values(project, tmp_path, monkeypatch):
    assert resolve_start(project, StartPoint("scratch")).init == "scratch"
    with pytest.raises(ProjectError) as caught:
        resolve_start(project, StartPoint("active"))
    assert caught.value.code == "E555"
    model_id = project.register_model(name="m1", bundle_path=tmp_path / "m1", metrics={}, settings={},
                                      trained_on={})
    project.set_active_model(model_id)
    assert resolve_start(project, StartPoint("active")).init == str(tmp_path / "m1")
    with pytest.raises(ProjectError) as caught:
        resolve_start(project, StartPoint("huggingface", str(tmp_path)))
    assert caught.value.code == "E414"
    (tmp_path / "config.json").write_text("{}")
    assert resolve_start(project, StartPoint("huggingface", str(tmp_path))).init == str(tmp_path)


def test_default_start_uses_the_embedded_model_for_the_script(project, tmp_path, monkeypatch):
    monkeypatch.setenv(default_models.MODELS_ENV, str(tmp_path / "models"))
    assert resolve_start(project, StartPoint("default")).init == "scratch"
    general = tmp_path / "models" / default_models.GENERAL_ZH
    general.mkdir(parents=True)
    (general / "bundle.json").write_text("{}")
    resolved = resolve_start(project, StartPoint("default"))
    assert resolved.init == str(general)
    assert default_models.GENERAL_ZH in resolved.description


def test_script_detection():
    assert default_models.text_script(["患者男，62岁，因反复咳嗽入院。"]) == "cjk"
    assert default_models.text_script(["IL-2 gene expression in T cells."]) == "latin"
    assert default_models.text_script([]) == "latin"


# ---------------------------------------------------------- active learning
def test_uncertainty_of_documents():
    assert document_uncertainty([pred(0, 1, 0.5)])[0] == pytest.approx(1.0)
    assert document_uncertainty([pred(0, 1, 0.99), pred(1, 2, 0.95)])[0] == pytest.approx(0.1)
    assert document_uncertainty([]) == (0.5, "no prediction")
    assert document_uncertainty([pred(0, 1, 0.8)]) == (pytest.approx(0.5), "no confident prediction")
    assert document_uncertainty([Span(0, 1, "PER")])[1] == "no prediction"


def test_unreviewed_documents_ranked_by_uncertainty(project):
    ranked = rank_unreviewed(project)
    ids = [item.doc_id for item in ranked]
    # doc 3 has a span at 0.55 (uncertainty 0.9); doc 5's only span scores 0.7 (0.6, nothing confident);
    # doc 4 has no prediction (0.5); doc 2 is confident (0.06). The reviewed doc 1 is never proposed.
    assert ids == [3, 5, 4, 2]
    assert ranked[0].uncertainty == pytest.approx(0.9)
    assert next_most_useful(project) == 3
    assert next_most_useful(project, skip=[3, 5]) == 4
    project.set_status([2, 3, 4, 5], "reviewed")
    assert next_most_useful(project) is None


# -------------------------------------------------------------- versions
def test_versions_activate_delete_and_export(project, tmp_path):
    owned = retrain.versions_dir(project.path) / "v1"
    shutil.copytree(embedded_model("zh-medical-cmeee"), owned)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(embedded_model("zh-medical-cmeee"), elsewhere)
    first = project.register_model(name="v1", bundle_path=owned, metrics={}, settings={}, trained_on={})
    second = project.register_model(name="ext", bundle_path=elsewhere, metrics={}, settings={}, trained_on={})
    activate_version(project, first)
    with pytest.raises(ProjectError) as caught:
        delete_version(project, first)
    assert caught.value.code == "E510"
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    assert (export_version(project, first, export_dir) / "bundle.json").is_file()
    with pytest.raises(ProjectError) as caught:
        export_version(project, first, export_dir)
    assert caught.value.code == "E512"
    activate_version(project, second)
    delete_version(project, first)
    assert not owned.exists()
    activate_version(project, first := project.register_model(
        name="again", bundle_path=embedded_model("en-bio-genia"), metrics={}, settings={}, trained_on={}))
    delete_version(project, second)
    assert elsewhere.is_dir(), "bundles outside the project's models folder are never deleted"
    assert [v.name for v in project.model_versions()] == ["again"]


def test_a_version_whose_bundle_is_damaged_or_gone_is_not_activated(project, tmp_path):
    # The active model changed although its bundle could not load: the project pointed at a model that fails.
    good = project.register_model(name="good", bundle_path=embedded_model("en-bio-genia"), metrics={},
                                  settings={}, trained_on={})
    damaged_folder = tmp_path / "damaged"
    shutil.copytree(embedded_model("zh-medical-cmeee"), damaged_folder)
    model_file = next(damaged_folder.glob("*.onnx"))
    model_file.write_bytes(model_file.read_bytes()[:1000])
    damaged = project.register_model(name="damaged", bundle_path=damaged_folder, metrics={}, settings={},
                                     trained_on={})
    gone = project.register_model(name="gone", bundle_path=tmp_path / "moved", metrics={}, settings={},
                                  trained_on={})
    activate_version(project, good)
    with pytest.raises(ProjectError, match="damaged cannot be activated, so the active model stays") as caught:
        activate_version(project, damaged)
    assert caught.value.code == "E312"
    with pytest.raises(ProjectError, match="the bundle of gone is missing") as caught:
        activate_version(project, gone)
    assert caught.value.code == "E513"
    assert project.active_model().name == "good"


# ------------------------------------------------------- registering a run
def test_an_invalid_bundle_is_never_registered(project):
    from nerdesk.core import ModelBundleError, TrainingError

    project.add_documents([Document("陈静在广州。", [Span(0, 2, "PER")], status="reviewed")])  # 2 to train on
    run = retrain.prepare_run(project, StartPoint("scratch"), retrain.RetrainOptions(epochs=1))
    assert run.command[run.command.index("--out") + 1] == str(run.staging_dir)
    assert project.training_runs()[-1].status == "running"
    run.staging_dir.mkdir(parents=True)
    (run.staging_dir / "bundle.json").write_text("{ half written")
    with pytest.raises(TrainingError) as caught:
        retrain.complete_run(project, run, TrainingDone(str(run.staging_dir), bundle=False))
    assert caught.value.code == "E551"
    with pytest.raises(ModelBundleError) as caught:
        retrain.complete_run(project, run, TrainingDone(str(run.staging_dir)))
    assert caught.value.code == "E302"
    assert project.model_versions() == [] and project.active_model() is None
    assert not run.final_dir.exists()
    retrain.abandon_run(project, run, "failed", "bad bundle")
    assert not run.staging_dir.exists()
    assert project.training_runs()[-1].status == "failed"


def test_a_projects_first_version_is_v1_whatever_models_it_was_given_and_numbers_never_come_back(tmp_path):
    from nerdesk.workflows.version_names import next_version_number

    with Project.create(tmp_path / "numbers.nerdesk") as project:
        for name in ("zh-medical-cmeee@dcde5f4fd20a", "en-general-conll@818d09dc299c"):  # the demo's models
            project.register_model(name=name, bundle_path=tmp_path / name, metrics={}, settings={}, trained_on={})
        assert next_version_number(project) == 1
        for name in ("v1-20261204-230208@aa", "v3-20261204-231000@bb"):  # v2 was deleted
            project.register_model(name=name, bundle_path=tmp_path / name, metrics={}, settings={}, trained_on={})
        assert next_version_number(project) == 4


def test_a_versions_short_name_fits_a_narrow_table():
    from nerdesk.workflows.version_names import short_name

    assert short_name("v4-20261204-230208@dcde5f4fd20a") == "v4 · 12-04 23:02"
    assert short_name("v12-20261204-230208-2@ab") == "v12 · 12-04 23:02"  # a second run in the same second
    assert short_name("zh-medical-cmeee@dcde5f4fd20a") == "zh-medical-cmeee"
