"""Leaving the open project (File > Open, Open recent, New project, Close project) while work for it runs.

A retraining trains for the project open when Retrain was pressed, and the predictions that follow an
activation (and Predict all's) are stored in the project open when they arrive. Opening another project
went on training for the old one, and stopping or failing then wrote to its closed file (an error box
saying the project was damaged, the panel busy for good), while predictions still on their way were
stored in the project opened since. So, as closing the window does, a training asks first and is stopped
for good on yes; the predictions in hand stop, and what they had sent is dropped.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

OPEN, CREATE, CLOSE = "open", "create", "close"
_LEAVING = {OPEN: ("Opening {target}", "Open it anyway?"), CREATE: ("Creating {target}", "Create it anyway?"),
            CLOSE: ("Closing the project", "Close it anyway?")}


def stop_on_leaving(elapsed: str, project: str, how: str, target: str = "") -> str:
    """What leaving ``project`` (``how``: OPEN, CREATE or CLOSE ``target``) asks while its training has run for
    ``elapsed`` (``3:05``)."""
    doing, answer = _LEAVING[how]
    return (f"A retraining of {project} has been running for {elapsed}. {doing.format(target=target)} stops it: "
            f"the active model stays as it is and the run is recorded as cancelled. {answer}")


def may_leave_project(window, how: str, target: str | Path = "") -> bool:
    """Whether ``window`` (a ``MainWindow``) may leave its project for ``target``: a training of it runs on
    only if the user says so, and keeps the project open. On yes (or with nothing training), the work in hand
    for the project stops before it is closed: the training, the prediction after an activation, Predict all."""
    project, panel = window.session.project, window.retrain_panel
    if project is not None:
        here = Path(project.path).name
        question = partial(stop_on_leaving, project=here, how=how, target=Path(target).name)
        if not panel.may_stop(window.confirm, question):
            return False
    panel.leave_project()
    window.cancel_prediction(wait=True)
    return True
