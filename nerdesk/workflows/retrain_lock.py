"""One retraining of a project at a time, whichever window or ``nerdesk retrain`` starts it.

A run holds a lock on ``<project>.models/.retrain.lock`` from the moment it is prepared until it is
registered or abandoned. Two runs at once would both name their version v1, and each would clear the
other's bundle as an interrupted run's leftovers. The system drops the lock of a process that dies, so
a crashed window never blocks the next retraining; what such a window left behind is cleared by the next
run, once it holds the lock (``clear_incomplete``, ``close_interrupted_runs``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import IO

from nerdesk.core.errors import TrainingError
from nerdesk.storage.project import Project

LOCK_FILE = ".retrain.lock"
INCOMPLETE = ".incomplete"  # where training processes write the bundles of versions not yet registered


def hold_retrain_lock(root: Path) -> IO[bytes]:
    """Lock ``root / LOCK_FILE`` for this process, or refuse (E603) while another retraining of the project
    runs; closing the returned file lets the next one start."""
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK_FILE, "a+b")  # noqa: SIM115 (held open for the whole run)
    try:
        _lock(handle)
    except OSError:
        handle.close()
        raise TrainingError("another retraining of this project is running (in another window or a nerdesk "
                            "retrain); wait for it to end or cancel it, then retrain", code="E603") from None
    return handle


def _lock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def clear_incomplete(root: Path) -> None:
    """Remove what interrupted trainings left behind (one project trains one model at a time)."""
    shutil.rmtree(root / INCOMPLETE, ignore_errors=True)


def close_interrupted_runs(project: Project) -> None:
    """Runs still marked ``running`` belong to a window that was killed mid-training: record them as such."""
    for run in project.training_runs():
        if run.status == "running":
            project.finish_training_run(run.id, status="interrupted",
                                        message="the app stopped before the training ended")
