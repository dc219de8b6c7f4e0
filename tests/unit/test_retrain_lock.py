"""One retraining of a project at a time: a second one (another window, a nerdesk retrain) is refused
while the first runs, instead of naming its version v1 too and clearing the first one's bundle."""

from __future__ import annotations

import pytest
from fixtures_bundle import sentence_documents

from nerdesk.core.errors import NerdeskError
from nerdesk.storage import Project
from nerdesk.workflows.retrain import abandon_run, prepare_run
from nerdesk.workflows.start_points import StartPoint

SCRATCH = StartPoint("scratch")


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "notes.nerdesk"
    with Project.create(path) as project:
        project.add_documents(sentence_documents(status="reviewed"))
    return path


def test_a_second_retraining_is_refused_while_the_first_runs(path):
    with Project.open(path) as first, Project.open(path) as second:
        running = prepare_run(first, SCRATCH)
        running.staging_dir.mkdir(parents=True)
        (running.staging_dir / "bundle.json").write_text("{}", encoding="utf-8")  # what training has written

        with pytest.raises(NerdeskError) as refused:
            prepare_run(second, SCRATCH)

        assert refused.value.code == "E603" and "another retraining of this project is running" in str(refused.value)
        assert (running.staging_dir / "bundle.json").is_file()  # not cleared as an interrupted run's leftovers
        assert [run.status for run in second.training_runs()] == ["running"]
        assert {doc.split for doc in second.all_documents()} == {doc.split for doc in first.all_documents()}

        abandon_run(first, running, "cancelled")
        after = prepare_run(second, SCRATCH)  # the first one ended: the next may start
        assert after.version.startswith("v1-")  # the cancelled run registered nothing
        abandon_run(second, after, "cancelled")
