"""Typed events parsed from the JSON progress lines of ``nerdesk train --progress json``.

The training process prints one JSON object per line on stdout (see ``nerdesk.commands.train``).
The GUI and the benchmark read them through ``parse_progress_line``, so a change of the wire format
breaks in one place only. Lines that are not progress events (stray prints, warnings) give ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nerdesk.core.json_values import is_number


@dataclass(frozen=True, slots=True)
class TrainingStarted:
    labels: list[str]
    train_documents: int
    dev_documents: int
    init: str
    message: str = ""
    time_budget_seconds: float | None = None  # the training loop stops by then at the latest


@dataclass(frozen=True, slots=True)
class DataEncoded:
    """The training and dev documents were read into windows: how many, and the gold spans that fit."""

    message: str = ""


@dataclass(frozen=True, slots=True)
class VocabularyExtended:
    """Tokens of the training documents that the start model did not know joined its vocabulary."""

    message: str = ""
    added: int = 0  # how many


@dataclass(frozen=True, slots=True)
class ThresholdChosen:
    """The decision threshold was chosen on the dev documents (when it is not the model's own 0)."""

    message: str = ""
    threshold: float = 0.0  # the logit bundle.json keeps


@dataclass(frozen=True, slots=True)
class StepProgress:
    step: int
    total: int
    loss: float


@dataclass(frozen=True, slots=True)
class EpochEvaluated:
    epoch: int
    f1: float
    precision: float
    recall: float
    kept_f1: float | None = None  # the checkpoint training keeps so far (a continuation's start, till beaten)


@dataclass(frozen=True, slots=True)
class TrainingFinishing:
    """The training loop ended; the threshold is chosen and the model exported and checked (tens of seconds)."""

    message: str = ""


@dataclass(frozen=True, slots=True)
class TrainingDone:
    out: str
    metrics: dict[str, Any] = field(default_factory=dict)
    bundle: bool = True
    message: str = ""


@dataclass(frozen=True, slots=True)
class TrainingFailed:
    message: str
    code: str | None = None  # the error code (docs/errors.md), when the error has one


TrainingEvent = (TrainingStarted | DataEncoded | VocabularyExtended | ThresholdChosen | StepProgress | EpochEvaluated
                 | TrainingFinishing | TrainingDone | TrainingFailed)
# What the training process says about its data and the model it makes: the Retrain panel lists these under its
# status line, and ``nerdesk retrain`` prints them as they come.
RunNote = DataEncoded | VocabularyExtended | ThresholdChosen

# What to do when a run found none of the dev entities (E402), in the words of the command that ran it.
NO_MODEL_ADVICE_TRAIN = ("Review more documents, start from a trained model (--init), or give training more time "
                         "(--time-budget); --keep-failed writes it anyway")
NO_MODEL_ADVICE_RETRAIN = ("Review more documents, start from a trained model (the Retrain panel's Start, or "
                           "--start), or give training more time (--time-budget)")


# A retraining's dev documents are the project's evaluation set: its messages say so.
_RETRAIN_WORDS = ((NO_MODEL_ADVICE_TRAIN, NO_MODEL_ADVICE_RETRAIN), ("the dev documents", "the evaluation documents"),
                  ("the dev entities", "the evaluation set's entities"), ("dev F1", "F1 on the evaluation set"))


def in_retrain_words(message: str) -> str:
    """A training process's message as the Retrain button and ``nerdesk retrain`` should say it."""
    for train_words, retrain_words in _RETRAIN_WORDS:
        message = message.replace(train_words, retrain_words)
    return message


def parse_progress_line(line: str) -> TrainingEvent | None:
    """The event on one stdout line, or ``None`` for anything that is not a progress event."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, TypeError):
        return None
    if not isinstance(record, dict):
        return None
    event = record.get("event")
    builder = _BUILDERS.get(event) if isinstance(event, str) else None
    if builder is None:
        return None
    try:
        return builder(record)
    except (KeyError, TypeError, ValueError):
        return None


def _started(record: dict[str, Any]) -> TrainingStarted:
    return TrainingStarted(labels=list(record.get("labels", [])), train_documents=int(record["train_documents"]),
                           dev_documents=int(record.get("dev_documents", 0)), init=str(record.get("init", "")),
                           message=str(record.get("message", "")),
                           time_budget_seconds=_optional_number(record.get("time_budget_seconds")))


def _optional_number(value: Any) -> float | None:
    """A number a newer field of a line holds; None when the line has none (an older training process)."""
    return float(value) if is_number(value) else None


def _step(record: dict[str, Any]) -> StepProgress:
    return StepProgress(step=int(record["step"]), total=int(record["total"]), loss=float(record["loss"]))


def _evaluated(record: dict[str, Any]) -> EpochEvaluated:
    return EpochEvaluated(epoch=int(record["epoch"]), f1=float(record["f1"]),
                          precision=float(record["precision"]), recall=float(record["recall"]),
                          kept_f1=_optional_number(record.get("kept_f1")))


def _done(record: dict[str, Any]) -> TrainingDone:
    return TrainingDone(out=str(record["out"]), metrics=dict(record.get("metrics") or {}),
                        bundle=bool(record.get("bundle", True)), message=str(record.get("message", "")).strip())


def _finishing(record: dict[str, Any]) -> TrainingFinishing:
    return TrainingFinishing(message=str(record.get("message", "")))


def _data(record: dict[str, Any]) -> DataEncoded:
    return DataEncoded(message=str(record.get("message", "")))


def _vocabulary(record: dict[str, Any]) -> VocabularyExtended:
    return VocabularyExtended(message=str(record.get("message", "")), added=int(record.get("added", 0)))


def _threshold(record: dict[str, Any]) -> ThresholdChosen:
    return ThresholdChosen(message=str(record.get("message", "")), threshold=float(record["threshold"]))


def _failed(record: dict[str, Any]) -> TrainingFailed:
    code = record.get("code")
    return TrainingFailed(message=str(record["message"]), code=code if isinstance(code, str) else None)


_BUILDERS: dict[str, Callable[[dict[str, Any]], TrainingEvent]] = {
    "start": _started,
    "data": _data,
    "vocabulary": _vocabulary,
    "threshold": _threshold,
    "step": _step,
    "eval": _evaluated,
    "finishing": _finishing,
    "done": _done,
    "error": _failed,
}
