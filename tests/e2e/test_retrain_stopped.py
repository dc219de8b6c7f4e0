"""``nerdesk retrain`` stopped by a signal (a pipeline's timeout, ``kill``; Ctrl+C alike) stops its training
process too and records the run as cancelled, instead of leaving it marked running in the project."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict

import pytest
from test_retrain_workflow import build_project, improvable_bundle  # noqa: F401 (fixtures)

from nerdesk.storage import Project
from nerdesk.workflows.retrain import INCOMPLETE, OPTIONS_KEY, RetrainOptions, versions_dir

SLOW = RetrainOptions(epochs=50, min_steps=2000, patience=50, threads=1)  # far longer than the test waits


def training_processes(project_path) -> list[int]:
    """The ``nerdesk train`` processes working for this project."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                words = handle.read().split(b"\0")
        except OSError:
            continue
        if b"train" in words and str(project_path).encode() in words:
            found.append(int(entry))
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX stop signal")
def test_a_stop_signal_stops_the_training_and_records_the_run_cancelled(improvable_bundle, tmp_path):  # noqa: F811
    path = tmp_path / "notes.nerdesk"
    with build_project(path, improvable_bundle) as project:
        project.set_setting(OPTIONS_KEY, asdict(SLOW))
    retrain = subprocess.Popen([sys.executable, "-m", "nerdesk", "retrain", str(path), "--start", "active",
                                "--progress", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in retrain.stdout:
            if json.loads(line)["event"] == "StepProgress":
                break
        assert training_processes(path.resolve())
        retrain.send_signal(signal.SIGTERM)
        assert retrain.wait(timeout=30) == 130
    finally:
        retrain.kill()
    deadline = time.monotonic() + 10
    while training_processes(path.resolve()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert training_processes(path.resolve()) == []
    with Project.open(path) as project:
        run = project.training_runs()[-1]
        assert run.status == "cancelled" and run.fields["message"] == "interrupted (Ctrl+C or a stop signal)"
        assert project.model_versions()[-1].name == "tiny@start"
    assert not any((versions_dir(path) / INCOMPLETE).iterdir())
