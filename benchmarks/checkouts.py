"""Timing this checkout against another (the code before a change), run after run under the same load.

Each timing is a new process that imports nerdesk from the checkout timed (``PYTHONPATH``), so neither
checkout gains from what the other loaded; the benchmarks built on this take ``--against OLD_CHECKOUT``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.datasets import REPO_ROOT


def add_arguments(parser: argparse.ArgumentParser, *, runs: int, project_name: str) -> None:
    parser.add_argument("--against", type=Path, help="another checkout (the code before a change) to time too")
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--project", type=Path, default=Path(tempfile.gettempdir()) / project_name)


def checkouts(args: argparse.Namespace) -> dict[str, Path]:
    """"this checkout", and "--against" when given, in the order each run times them."""
    return {"this checkout": REPO_ROOT} | ({"--against": args.against.resolve()} if args.against else {})


def run_script(checkout: Path, script: str, *arguments: str, **environment: str) -> str:
    """The standard output of ``python -c script arguments`` importing nerdesk from ``checkout``."""
    env = {**os.environ, "PYTHONPATH": str(checkout), **environment}
    return subprocess.run([sys.executable, "-c", script, *arguments], capture_output=True, text=True, check=True,
                          cwd=checkout, env=env).stdout
