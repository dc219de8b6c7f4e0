"""An active model whose bundle was damaged after it was scored: retraining says so, starts elsewhere, and does
not keep the damaged model active on the strength of its remembered score."""

from __future__ import annotations

import shutil

from test_retrain_workflow import (  # noqa: F401 (fixture)
    QUICK,
    build_project,
    finish_with,
    sorted_tiny_bundle,
    worse_bundle,
)

from nerdesk.workflows.start_points import StartPoint, resolve_start


def damage(bundle_dir) -> None:
    model = next(bundle_dir.glob("*.onnx"))
    model.write_bytes(model.read_bytes()[:1000])


def test_a_damaged_active_model_is_named_and_a_new_version_replaces_it(sorted_tiny_bundle, tmp_path):  # noqa: F811
    active_copy = tmp_path / "active"
    shutil.copytree(sorted_tiny_bundle, active_copy)
    with build_project(tmp_path / "notes.nerdesk", active_copy) as project:
        first = finish_with(project, worse_bundle, QUICK)
        assert not first.promoted and first.active_score.f1 > first.score.f1  # the active model's score is cached
        damage(active_copy)
        resolved = resolve_start(project, StartPoint("auto"))
        assert "(the active model tiny cannot be continued here: " in resolved.description
        assert "(E312)" in resolved.description and resolved.init != str(active_copy)
        second = finish_with(project, worse_bundle, QUICK)
        assert second.promoted and second.active_score is None
        assert project.active_model().id == second.version.id
        assert "it is now the active model (the active tiny cannot be loaded: " in second.decision.message
