"""Where a retraining starts, stored as a project setting and resolved to ``nerdesk train --init``.

- ``auto`` (the default): the active model with its head when its labels cover the reviewed labels;
  else the embedded or registered model that probes best on the reviewed documents (see
  ``nerdesk.workflows.probe``); else scratch.
- ``default``: the embedded default model for the project's script: ``zh-general-cluener`` for Chinese
  text, ``en-general-conll`` for Latin-script text; falls back to scratch when that model is not installed.
- ``active``: the project's active model (its head kept when it covers the reviewed labels).
- ``scratch``: a new character/word model.
- ``huggingface``: a local Hugging Face encoder directory (``path``).

Whatever the start, training keeps the start model's head when its labels cover the reviewed labels
and gives it a new head otherwise (``nerdesk.training.start.start_kind``); a kept head learns at the full
rate when the model learnt from fewer documents than there are to train on (``nerdesk.core.learnt_from``).
The description says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.core.labels import as_renamed, covers
from nerdesk.core.learnt_from import learns_afresh
from nerdesk.runtime.bundle import Bundle, bundle_problem, documents_learnt_from_manifest
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import (
    SCRIPT_WORDS,
    default_model_for,
    default_model_name,
    directory_or_embedded,
)
from nerdesk.workflows.evaluation_set import training_documents
from nerdesk.workflows.probe import best_candidate, missing_base_package
from nerdesk.workflows.version_names import spoken_name

SETTING_KEY = "retrain.start"
AUTO = "auto"
KINDS = (AUTO, "default", "active", "scratch", "huggingface")
SCRATCH = "scratch"
SAMPLE_DOCUMENTS = 200


@dataclass(frozen=True, slots=True)
class StartPoint:
    kind: str = AUTO
    path: str | None = None  # for kind "huggingface": a model directory (a Hugging Face or a nerdesk one)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ProjectError(f"unknown training start {self.kind!r}; use one of {', '.join(KINDS)}",
                               code="E553")
        if self.kind == "huggingface" and not self.path:
            raise ProjectError("a Hugging Face start needs the directory of the model; choose one",
                               code="E554")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path}

    @classmethod
    def from_json(cls, value: Any) -> StartPoint:
        if not isinstance(value, dict):
            return cls()
        return cls(kind=value.get("kind", AUTO), path=value.get("path"))

    @classmethod
    def from_argument(cls, value: str) -> StartPoint:
        """``auto``, ``active``, ``default``, ``scratch``, a directory (a nerdesk or Hugging Face model) or an
        embedded model's name."""
        if value in KINDS:
            return cls(value)
        return cls("huggingface", str(Path(directory_or_embedded(value)).resolve()))  # kept: the next run's cwd differs


@dataclass(frozen=True, slots=True)
class ResolvedStart:
    init: str  # the value for ``nerdesk train --init``
    description: str  # for the user and the model record: which start, and why
    keeps_head: bool = False


def load_start_point(project: Project) -> StartPoint:
    return StartPoint.from_json(project.get_setting(SETTING_KEY))


def save_start_point(project: Project, start: StartPoint) -> None:
    project.set_setting(SETTING_KEY, start.to_json())


@dataclass(frozen=True, slots=True)
class Reviewed:
    """What the start depends on in the reviewed documents, read once."""

    labels: set[str]  # of the documents training learns from: a label only in the evaluation set is not trained
    training: int  # documents training learns from (outside the evaluation set)
    renamed: dict[str, str]  # labels renamed since models learnt them: old name -> name now

    @classmethod
    def read(cls, project: Project) -> Reviewed:
        trained = training_documents(list(project.all_documents(status="reviewed")))
        return cls({span.label for doc in trained for span in doc.gold}, len(trained), project.renamed_labels())


def resolve_start(project: Project, start: StartPoint) -> ResolvedStart:
    """Turn a start point into an ``--init`` value, checking that what it names exists."""
    if start.kind == SCRATCH:
        return ResolvedStart(SCRATCH, "from scratch, as chosen")
    if start.kind == "huggingface":
        assert start.path is not None  # StartPoint refuses a Hugging Face start without a directory
        return _directory(project, Path(start.path))
    reviewed = Reviewed.read(project)
    if start.kind == "active":
        return _active(project, reviewed)
    if start.kind == AUTO:
        return _automatic(project, reviewed)
    return _default(project, reviewed)


def _bundle_facts(bundle_path: str | Path) -> tuple[list[str], int | None]:
    """A nerdesk bundle's labels and the number of documents it learnt from; ([], None) when it cannot be read."""
    try:
        bundle = Bundle.load(bundle_path, check_models=False)
    except NerdeskError:
        return [], None
    return bundle.labels.names, documents_learnt_from_manifest(bundle.manifest)


def _rate_clause(learnt_from: int | None, reviewed: Reviewed) -> str:
    """Whether a kept head learns at the full rate (``nerdesk.core.learnt_from``) or is continued gently, and why."""
    if not learns_afresh(learnt_from, reviewed.training):
        if not learnt_from:
            return "; it is continued gently"
        return (f"; it learnt from {learnt_from:,} documents, no fewer than the {reviewed.training:,} it has now, so "
                "it is continued gently")
    return (f"; it learnt from {learnt_from} documents and now has {reviewed.training} to learn from, so it learns "
            f"them at the full rate")


def _kept_head(bundle_path: str | Path, reviewed: Reviewed) -> str | None:
    """None when training gives this bundle a new head (its labels do not cover the reviewed ones, by the rule
    ``nerdesk.training.start.start_kind`` applies); else the rate clause for its kept head."""
    labels, learnt_from = _bundle_facts(bundle_path)
    covered = covers(as_renamed(labels, reviewed.renamed), reviewed.labels)  # as training renames them
    return _rate_clause(learnt_from, reviewed) if covered else None


def _active(project: Project, reviewed: Reviewed) -> ResolvedStart:
    active = project.active_model()
    if active is None:
        raise ProjectError("training should continue from the active model, but the project has none; "
                           "choose the automatic start, the default model or scratch", code="E555")
    missing = missing_base_package(active.bundle_path)
    if missing is not None:
        raise ProjectError(f"training should continue from the active model {spoken_name(active.name)}, but {missing}; "
                           f"install it, or choose the automatic start, the default model or scratch",
                           code="E409")
    clause = _kept_head(active.bundle_path, reviewed)
    if clause is None:
        return ResolvedStart(str(active.bundle_path), f"continuing the active model {spoken_name(active.name)}, a new head "
                                                      f"(it lacks some of your labels)")
    return ResolvedStart(str(active.bundle_path), f"continuing the active model {spoken_name(active.name)}, its head "
                                                  f"kept{clause}", True)


def _automatic(project: Project, reviewed: Reviewed) -> ResolvedStart:
    labels = reviewed.labels
    active = project.active_model()
    skipped = ""
    if active is not None:
        damaged = bundle_problem(active.bundle_path)
        clause = None if damaged else _kept_head(active.bundle_path, reviewed)
        problem = damaged or (missing_base_package(active.bundle_path) if clause is not None else None)
        if clause is not None and problem is None:
            return ResolvedStart(str(active.bundle_path), f"continuing the active model {spoken_name(active.name)} with its "
                                 f"head: its labels cover all {len(labels)} labels you reviewed{clause}", True)
        if problem is not None:
            skipped = f" (the active model {spoken_name(active.name)} cannot be continued here: {problem})"
    candidate = best_candidate(project, labels)
    if candidate is None:
        fallback = _default(project, reviewed)
        return ResolvedStart(fallback.init, f"{fallback.description}: no model probed well enough on your "
                                            f"reviewed documents to be preferred{skipped}")
    clause = _kept_head(candidate.path, reviewed)
    if clause is not None:
        return ResolvedStart(str(candidate.path), f"continuing {candidate.name} with its head: {candidate.reason}"
                                                  f"{clause}{skipped}", True)
    return ResolvedStart(str(candidate.path), f"from the encoder of {candidate.name} with a new head: "
                                              f"{candidate.reason}{skipped}")


def _default(project: Project, reviewed: Reviewed) -> ResolvedStart:
    """The embedded default model for the project's script."""
    texts = [doc.text for _, doc in zip(range(SAMPLE_DOCUMENTS), project.all_documents(), strict=False)]
    script, name = default_model_name(texts)
    text = SCRIPT_WORDS[script]
    if name is None:
        return ResolvedStart(SCRATCH, f"from scratch (no embedded default model for {text} text)")
    model = default_model_for(texts)
    if model is None:
        return ResolvedStart(SCRATCH, f"from scratch (the embedded model {name} for {text} text is not installed)")
    missing = missing_base_package(model)
    if missing is not None:
        return ResolvedStart(SCRATCH, f"from scratch (the embedded model {name} for {text} text cannot be "
                                      f"trained here: {missing})")
    clause = _kept_head(model, reviewed)
    if clause is not None:
        return ResolvedStart(str(model), f"continuing the embedded model {model.name}, the default for {text} "
                                         f"text, with its head: its labels cover all the labels you reviewed{clause}",
                             True)
    return ResolvedStart(str(model), f"from the encoder of the embedded model {model.name}, the default for "
                                     f"{text} text")


def _directory(project: Project, directory: Path) -> ResolvedStart:
    if (directory / "bundle.json").is_file():
        clause = _kept_head(directory, Reviewed.read(project))
        if clause is None:
            return ResolvedStart(str(directory), f"from the encoder of the nerdesk model in {directory} with a new "
                                                 "head, as chosen")
        return ResolvedStart(str(directory), f"continuing the nerdesk model in {directory} with its head, as chosen: "
                                             f"its labels cover all the labels you reviewed{clause}", True)
    if not directory.is_dir():
        raise ProjectError(f"{directory}: no such folder; choose a nerdesk model folder (with bundle.json), a "
                           "Hugging Face model folder (with config.json) or an embedded model's name (nerdesk "
                           "models)", code="E413")
    if not (directory / "config.json").is_file():
        raise ProjectError(f"{directory}: not a Hugging Face model directory (no config.json); "
                           f"choose the folder that holds config.json and the tokenizer files", code="E414")
    return ResolvedStart(str(directory), f"from the Hugging Face encoder in {directory}")
