"""Plain records the store returns besides core documents and spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list: enough to draw it without loading texts or spans."""

    id: int
    title: str
    status: str
    gold_count: int
    pred_count: int
    length: int
    split: str | None = None
    # The beginning of the text (spaces collapsed) and the name, which ``title`` prefers: a list of named
    # documents can show their texts' beginnings, as names often share a long prefix.
    opening: str = field(default="", compare=False)
    name: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """A trained model bundle registered in the project; ``name`` is what spans record as model_version."""

    id: int
    name: str
    bundle_path: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    trained_on: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    active: bool = False


@dataclass(frozen=True, slots=True)
class TrainingRun:
    id: int
    status: str
    started: str
    finished: str | None
    model_id: int | None
    fields: dict[str, Any] = field(default_factory=dict)
