"""Where a retraining starts, stored as a project setting and resolved to ``nerdesk train --init``.

- ``default``: the encoder of the embedded default model for the project's script (a new head for the
  project's labels); falls back to scratch when no embedded model fits (e.g. English texts).
- ``active``: the project's active model (transfer: encoder kept, head kept if the labels are the same).
- ``scratch``: a new character/word model.
- ``huggingface``: a local Hugging Face encoder directory (``path``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.runtime.bundle import Bundle
from nerdesk.workflows.default_models import default_model_for

SETTING_KEY = "retrain.start"
KINDS = ("default", "active", "scratch", "huggingface")
SCRATCH = "scratch"
SAMPLE_DOCUMENTS = 200


@dataclass(frozen=True, slots=True)
class StartPoint:
    kind: str = "default"
    path: str | None = None  # the Hugging Face directory for kind "huggingface"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ProjectError(f"unknown training start {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.kind == "huggingface" and not self.path:
            raise ProjectError("a Hugging Face start needs the directory of the model; choose one")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path}

    @classmethod
    def from_json(cls, value: Any) -> StartPoint:
        if not isinstance(value, dict):
            return cls()
        return cls(kind=value.get("kind", "default"), path=value.get("path"))


@dataclass(frozen=True, slots=True)
class ResolvedStart:
    init: str  # the value for ``nerdesk train --init``
    description: str  # for the user and the model record


def load_start_point(project) -> StartPoint:
    return StartPoint.from_json(project.get_setting(SETTING_KEY))


def save_start_point(project, start: StartPoint) -> None:
    project.set_setting(SETTING_KEY, start.to_json())


def resolve_start(project, start: StartPoint) -> ResolvedStart:
    """Turn a start point into an ``--init`` value, checking that what it names exists."""
    if start.kind == SCRATCH:
        return ResolvedStart(SCRATCH, "from scratch")
    if start.kind == "huggingface":
        return _huggingface(Path(start.path))
    if start.kind == "active":
        active = project.active_model()
        if active is None:
            raise ProjectError("training should continue from the active model, but the project has none; "
                               "choose the default model or scratch as the starting point")
        return ResolvedStart(str(active.bundle_path), f"continued from {active.name}")
    return _default(project)


def _default(project) -> ResolvedStart:
    texts = [doc.text for _, doc in zip(range(SAMPLE_DOCUMENTS), project.all_documents(), strict=False)]
    model = default_model_for(texts)
    if model is None:
        return ResolvedStart(SCRATCH, "from scratch (no embedded default model for this script)")
    return ResolvedStart(str(model), f"from the encoder of the embedded model {model.name}")


def _huggingface(directory: Path) -> ResolvedStart:
    if not (directory / "config.json").is_file():
        raise ProjectError(f"{directory}: not a Hugging Face model directory (no config.json); "
                           f"choose the folder that holds config.json and the tokenizer files")
    return ResolvedStart(str(directory), f"from the Hugging Face encoder in {directory}")


def keeps_head(project, init: str) -> bool:
    """Whether training from ``init`` keeps its trained head: a nerdesk model with the project's labels."""
    if init == SCRATCH or not (Path(init) / "bundle.json").is_file():
        return False
    try:
        start_labels = Bundle.load(init, check_models=False).labels.names
    except NerdeskError:
        return False
    reviewed = {span.label for doc in project.all_documents(status="reviewed") for span in doc.gold}
    return start_labels == sorted(reviewed)
