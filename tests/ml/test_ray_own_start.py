"""``nerdesk predict --engine ray`` with no Ray running starts a local Ray of its own and stops it when done.

The other Ray tests share one Ray started by their fixture, so the commands there find Ray running; this one
runs the command in a process of its own, as a user does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("torch")  # building the bundle needs torch; predicting does not
pytest.importorskip("ray.data")
pytestmark = pytest.mark.xdist_group("ray")  # one local Ray cluster at a time (pyproject addopts)

from fixtures_bundle import SENTENCES, shared_tiny_bundle  # noqa: E402

from nerdesk.workflows import ray_shards  # noqa: E402

STOPPED = "import ray, sys; from nerdesk.cli import main; code = main(sys.argv[1:]); print('ray still up:', " \
          "ray.is_initialized()); sys.exit(code)"


@pytest.mark.timeout(300)
def test_a_command_starts_its_own_local_ray_and_stops_it(tmp_path_factory, tmp_path):
    bundle = shared_tiny_bundle(tmp_path_factory)
    source = tmp_path / "in.txt"
    source.write_text("".join(text + "\n" for text, _ in SENTENCES), "utf-8")
    out = tmp_path / "ray-out"
    environment = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    finished = subprocess.run(
        [sys.executable, "-c", STOPPED, "predict", "--model", str(bundle), str(source), "--out", str(out),
         "--quiet", "--engine", "ray", "--workers", "1", "--threads", "1"],
        capture_output=True, text=True, env=environment, timeout=280, check=False)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "ray still up: False" in finished.stdout
    records = ray_shards.read_shards(out, "jsonl")
    assert [record["text"] for record in records] == [text for text, _ in SENTENCES]
    assert all(record["status"] == "predicted" for record in records)
