"""Scores of model versions on the project's evaluation set, through the same path as prediction.

Every score is measured with ``nerdesk.runtime.predictor.OnnxPredictor`` (the bundle's default variant,
its windows, decoder and span cap), so it is exactly what ``nerdesk predict`` followed by scoring by
hand gives. Scores are cached in the project per model version and evaluation-set fingerprint: a
version is scored again only when the set or its gold spans changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.metrics import Report, evaluate
from nerdesk.core.spans import Span
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage.project import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.evaluation_set import EvaluationSet
from nerdesk.workflows.model_script import SCRIPT_NAMES, bundle_script, fits_script

CACHE_KEY = "evaluation.scores"


@dataclass(frozen=True, slots=True)
class EvaluationScore:
    """A model version's micro scores (0-1) on one evaluation set, with per-label rows."""

    f1: float
    precision: float
    recall: float
    documents: int
    gold_spans: int
    fingerprint: str
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_report(cls, report: Report, evaluation: EvaluationSet) -> EvaluationScore:
        data = report.as_dict()
        return cls(report.micro.f1, report.micro.precision, report.micro.recall, len(evaluation.documents),
                   evaluation.gold_spans, evaluation.fingerprint, data.get("per_label", {}))

    @classmethod
    def from_json(cls, value: Any) -> EvaluationScore | None:
        try:
            return cls(**value)
        except TypeError:
            return None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def percent(self) -> str:
        return f"{100 * self.f1:.1f}"


def predict_documents(bundle_path: str | Path, documents: Sequence[Document], *, threads: int | None = None,
                      progress: Callable[[int, int], None] | None = None) -> list[list[Span]]:
    """The spans ``nerdesk predict`` finds in the documents' texts with the bundle's default variant."""
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load(bundle_path, check_models=False), threads=threads)
    return predictor.predict([doc.text for doc in documents], progress=progress)


def score_bundle(bundle_path: str | Path, documents: Sequence[Document], *, threads: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Report:
    """Precision, recall and F1 of a bundle on the gold spans of ``documents``."""
    predictions = predict_documents(bundle_path, documents, threads=threads, progress=progress)
    return evaluate([doc.gold for doc in documents], predictions)


def score_version(project: Project, version: ModelVersion, evaluation: EvaluationSet, *, threads: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> EvaluationScore:
    """The version's score on ``evaluation``, from the cache when the set has not changed since."""
    cached = cached_score(project, version.id, evaluation)
    if cached is not None:
        return cached
    report = score_bundle(version.bundle_path, evaluation.documents, threads=threads, progress=progress)
    score = EvaluationScore.from_report(report, evaluation)
    remember_score(project, version.id, score)
    return score


def cached_score(project: Project, version_id: int, evaluation: EvaluationSet) -> EvaluationScore | None:
    """The version's cached score on ``evaluation``, or None when it was scored on another set or never."""
    cached = EvaluationScore.from_json(_cache(project).get(str(version_id)))
    return cached if cached is not None and cached.fingerprint == evaluation.fingerprint else None


def remember_score(project: Project, version_id: int, score: EvaluationScore) -> None:
    """Cache a score measured elsewhere (the window scores in a worker thread, without the project)."""
    def with_score(value: Any) -> dict[str, Any]:
        cache = dict(value) if isinstance(value, dict) else {}
        cache[str(version_id)] = score.to_json()
        return cache

    project.update_setting(CACHE_KEY, with_score)


def other_script_reason(version: ModelVersion, evaluation: EvaluationSet) -> str | None:
    """Why a version is not scored on ``evaluation``: none of its documents is in the script the model was
    trained on (an English model in a Chinese project would score 0 and say nothing). None otherwise."""
    documents = evaluation.documents
    model_script = bundle_script(version.bundle_path, version.trained_on)
    if not documents or any(fits_script(doc.text, model_script) for doc in documents):
        return None
    return (f"not scored: trained on {SCRIPT_NAMES[model_script]} text, and none of the {len(documents)} "
            "evaluation documents is")


def _cache(project: Project) -> dict[str, Any]:
    value = project.get_setting(CACHE_KEY)
    return dict(value) if isinstance(value, dict) else {}
