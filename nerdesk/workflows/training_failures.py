"""What to tell the user when a training process did not finish: its own error, else the end of its stderr."""

from __future__ import annotations

from nerdesk.core.errors import TrainingError
from nerdesk.workflows.progress import TrainingEvent, TrainingFailed, in_retrain_words

STDERR_TAIL = 2000  # characters of the training process's stderr kept for error messages


def failed_training(events: list[TrainingEvent], stderr: str, returncode: int | None) -> TrainingError:
    """The error for a training process that did not finish: E552, or the code of the error it reported."""
    failed = TrainingError(failure_message(events, stderr, returncode), code="E552")
    reported = [event.code for event in events if isinstance(event, TrainingFailed) and event.code]
    failed.code = reported[-1] if reported else failed.code
    return failed


def failure_message(events: list[TrainingEvent], stderr: str, returncode: int | None) -> str:
    """What to tell the user when training did not finish: its own error, else the end of its stderr.

    ``returncode`` is None or negative (a signal) when the process was killed or crashed.
    """
    reported = [event.message for event in events if isinstance(event, TrainingFailed)]
    if reported:
        return f"training failed: {in_retrain_words(reported[-1])}"
    tail = stderr.strip()[-STDERR_TAIL:]
    detail = f":\n{tail}" if tail else " without a message"
    if returncode is None or returncode < 0:
        return f"the training process was killed or crashed{detail}"
    return f"the training process stopped (exit code {returncode}){detail}"
