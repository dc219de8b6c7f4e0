"""Ctrl+C while ``nerdesk retrain`` predicts the unreviewed documents again: the new version is already active
and stays so. The command used to exit with 130 and print nothing more, so a pipeline (and the user guide)
took the project to be as it was, with the earlier model active."""

from __future__ import annotations

import json

import pytest
from test_retrain_workflow import build_project, improvable_bundle  # noqa: F401 (the fixture)

from nerdesk.cli import main
from nerdesk.storage import Project
from nerdesk.workflows import retrain_subprocess


def interrupt_after_one_batch(project, bundle_path, *, threads=None, progress=None):
    if progress is not None:
        progress(4, 9)
    raise KeyboardInterrupt


@pytest.mark.parametrize("mode", ["json", "text"])
def test_an_interrupted_prediction_says_the_new_version_is_active(improvable_bundle, tmp_path, capsys,  # noqa: F811
                                                                  monkeypatch, mode):
    path = tmp_path / "notes.nerdesk"
    build_project(path, improvable_bundle).close()
    monkeypatch.setattr(retrain_subprocess, "repredict_unreviewed", interrupt_after_one_batch)
    code = main(["retrain", str(path), "--start", "active", "--activate", "always", "--progress", mode,
                 "--time-budget", "30"])
    out = capsys.readouterr().out
    assert code == 130
    with Project.open(path) as project:
        active = project.active_model()
        assert active.name != "tiny@start" and project.training_runs()[-1].status == "finished"
    if mode == "json":
        outcome = json.loads(out.splitlines()[-1])
        assert outcome["event"] == "outcome" and outcome["version"] == active.name and outcome["promoted"]
        assert outcome["interrupted"] is True and outcome["predicted_documents"] == 4
    else:
        assert "Interrupted while predicting the unreviewed documents again: v" in out
        assert "stays active; 4 were predicted with it" in out and f"nerdesk activate {path} v" in out


def test_ctrl_c_while_the_versions_are_compared_leaves_no_new_version(improvable_bundle, tmp_path,  # noqa: F811
                                                                      monkeypatch):
    """At the same F1 the active model predicts the evaluation set once more (seconds): Ctrl+C then left the new
    version registered while the run was recorded as cancelled."""
    from nerdesk.workflows import retrain
    from nerdesk.workflows.retrain import RetrainOptions
    from nerdesk.workflows.start_points import StartPoint

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(retrain, "_changed_on_tie", interrupted)
    with build_project(tmp_path / "notes.nerdesk", improvable_bundle) as project:
        with pytest.raises(KeyboardInterrupt):
            retrain_subprocess.run_retrain(project, start=StartPoint("active"), options=RetrainOptions(
                epochs=1, min_steps=4, patience=1, time_budget_seconds=30, threads=1))
        assert [version.name for version in project.model_versions()] == ["tiny@start"]
        assert project.active_model().name == "tiny@start" and project.training_runs()[-1].status == "cancelled"
        assert [path.name for path in retrain.versions_dir(project.path).iterdir() if not path.name.startswith(".")] \
            == []
