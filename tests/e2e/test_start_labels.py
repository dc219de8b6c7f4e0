"""The automatic start weighs the labels training learns, those of the reviewed documents outside the evaluation
set: a label found only in evaluation-only documents is not trained (``nerdesk train`` takes its labels from the
training documents), so it must not make the Start line promise a new head while training keeps the old one."""

from __future__ import annotations

from test_retrain_workflow import build_project, sorted_tiny_bundle  # noqa: F401 (the fixture)

from nerdesk.core import Document, Span
from nerdesk.workflows.start_points import StartPoint, resolve_start


def test_a_label_only_in_the_evaluation_set_does_not_change_the_start(sorted_tiny_bundle, tmp_path):  # noqa: F811
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        project.add_documents([Document("王五住在北京。", [Span(4, 6, "CITY")], status="reviewed", split="eval")])
        resolved = resolve_start(project, StartPoint("auto"))
        assert resolved.keeps_head and resolved.init == str(project.active_model().bundle_path)
        assert resolved.description.startswith("continuing the active model tiny with its head: its labels cover "
                                                "all 3 labels")
        assert "new head" not in resolved.description
