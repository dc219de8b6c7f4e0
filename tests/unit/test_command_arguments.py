"""Numbers no training can use are refused when the command line is read, before any data or model is touched."""

from __future__ import annotations

import pytest

from nerdesk.cli import main
from nerdesk.commands.arguments import duration
from nerdesk.storage import Project


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--threads", "0", "must be a whole number of at least 1, not 0"),
    ("--threads", "-1", "must be a whole number of at least 1, not -1"),
    ("--epochs", "0", "must be a whole number of at least 1, not 0"),
    ("--batch-size", "x", "must be a whole number, not 'x'"),
    ("--lr", "-1", "must be a number above 0, not -1"),
    ("--head-lr", "nan", "must be a number above 0, not nan"),
    ("--lr", "inf", "must be a number above 0, not inf"),
])
def test_train_refuses_a_number_no_run_can_use(tmp_path, capsys, option, value, said):
    out = tmp_path / "model"
    with pytest.raises(SystemExit) as exited:
        main(["train", "--train", str(tmp_path / "missing.jsonl"), "--out", str(out), option, value])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"nerdesk train: error: argument {option}: {said}"
    assert not out.exists()


def test_train_still_takes_the_smallest_usable_values(tmp_path, capsys):
    """--threads 1 and --min-steps 0 pass the command line: the run stops later, at the missing file."""
    assert main(["train", "--train", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "model"),
                 "--threads", "1", "--min-steps", "0", "--lr", "1e-5"]) == 1
    assert "missing.jsonl" in capsys.readouterr().err


def test_a_time_budget_takes_units_and_refuses_what_is_no_duration():
    assert duration("90") == 90 and duration("15m") == 900 and duration("1h") == 3600 and duration("0.5s") == 0.5
    for text, said in [("soon", "not a duration"), ("nan", "not nan"), ("infm", "not infm"), ("-5", "not -5"),
                       ("0", "not 0")]:
        with pytest.raises(Exception, match=said):
            duration(text)


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--threads", "0", "must be a whole number of at least 1, not 0"),
    ("--time-budget", "nan", "the time budget must be a positive number of seconds, not nan"),
    ("--time-budget", "inf", "the time budget must be a positive number of seconds, not inf"),
])
def test_retrain_refuses_a_number_no_run_can_use_before_opening_the_project(tmp_path, capsys, option, value, said):
    project = tmp_path / "p.nerdesk"
    Project.create(project).close()
    with pytest.raises(SystemExit) as exited:
        main(["retrain", str(project), option, value])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"nerdesk retrain: error: argument {option}: {said}"


def test_retrain_names_a_start_folder_that_does_not_exist(tmp_path, capsys):
    from nerdesk.core import Document, Span

    project = tmp_path / "p.nerdesk"
    with Project.create(project) as created:
        created.add_documents([Document(f"Anna {n} lives in Oslo.", [Span(0, 4, "PER")], status="reviewed")
                               for n in range(3)])
    assert main(["retrain", str(project), "--start", str(tmp_path / "nowhere")]) == 1
    assert "nowhere: no such folder" in capsys.readouterr().err
