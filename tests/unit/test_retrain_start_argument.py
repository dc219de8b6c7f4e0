"""nerdesk retrain --start takes a version of the project by the name nerdesk activate lists (v1)."""

from __future__ import annotations

import pytest

from nerdesk.commands.retrain import start_argument
from nerdesk.core.errors import NerdeskError
from nerdesk.storage import Project
from nerdesk.workflows.start_points import StartPoint


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "notes.nerdesk") as created:
        for name in ("v1-20261204-230208@3fa2", "v12-20261205-010101@4bb1"):
            folder = tmp_path / "notes.models" / name.split("@")[0]
            folder.mkdir(parents=True)
            created.register_model(name=name, bundle_path=folder, metrics={}, settings={}, trained_on={})
        yield created


def test_a_version_by_its_short_name(project, tmp_path):
    assert start_argument(project, "v1") == StartPoint(
        "huggingface", str((tmp_path / "notes.models" / "v1-20261204-230208").resolve()))
    assert start_argument(project, "v12").path.endswith("v12-20261205-010101")


def test_the_start_kinds_and_other_names_are_read_as_before(project):
    assert start_argument(project, "active") == StartPoint("active")
    assert start_argument(project, "scratch") == StartPoint("scratch")
    assert start_argument(project, "en-bio-genia").path.endswith("en-bio-genia")  # an embedded model
    assert start_argument(project, "models/none").path.endswith("none")  # a path: refused when resolved


def test_a_name_that_is_no_version_folder_or_embedded_model_says_so(project):
    """``--start v9`` in a project without v9 said "/home/me/v9: no such folder", as if v9 were meant as a folder."""
    with pytest.raises(NerdeskError) as refused:
        start_argument(project, "v9")
    assert refused.value.code == "E413"
    assert "no model version 'v9'" in str(refused.value) and "v1-20261204-230208@3fa2" in str(refused.value)
    assert "no such folder" not in str(refused.value)


def test_a_name_of_two_versions_is_refused(project):
    project.register_model(name="v1-20261206-000000@5cc2", bundle_path=project.path, metrics={}, settings={},
                           trained_on={})
    with pytest.raises(NerdeskError) as refused:
        start_argument(project, "v1")
    assert refused.value.code == "E242"
