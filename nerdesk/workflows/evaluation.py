"""Scores of model versions on the project's evaluation set, through the same path as prediction.

Every score is measured with ``nerdesk.runtime.predictor.OnnxPredictor`` (the bundle's default variant,
its windows, decoder and span cap), so it is exactly what ``nerdesk predict`` followed by scoring by
hand gives, with the labels renamed since a version learnt them counted under their names now and those
deleted since dropped (``EvaluationSet.label_changes``). Scores are cached in the project per model version
and evaluation-set fingerprint: a version is scored again only when the set or its gold spans changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import NerdeskError
from nerdesk.core.label_changes import LabelChanges
from nerdesk.core.metrics import Report, evaluate
from nerdesk.core.spans import Span
from nerdesk.core.text_checks import shown
from nerdesk.core.wording import counted
from nerdesk.runtime.bundle import Bundle, manifest_label_names
from nerdesk.storage.project import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.evaluation_set import EvaluationSet
from nerdesk.workflows.model_script import SCRIPT_NAMES, bundle_script, fits_script

CACHE_KEY = "evaluation.scores"
LISTED = 12  # labels named in one message


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
                      progress: Callable[[int, int], None] | None = None,
                      changes: LabelChanges | None = None) -> list[list[Span]]:
    """The spans ``nerdesk predict`` finds in the documents' texts with the bundle's default variant, through
    the project's label ``changes`` (renamed labels under their names now, deleted ones dropped)."""
    predictions = _predict(Bundle.load(bundle_path, check_models=False), documents, threads, progress)
    if not changes:
        return predictions
    return [changes.applied(spans) for spans in predictions]


def score_bundle(bundle_path: str | Path, documents: Sequence[Document], *, threads: int | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 changes: LabelChanges | None = None) -> Report:
    """Precision, recall and F1 of a bundle on the gold spans of ``documents``."""
    predictions = predict_documents(bundle_path, documents, threads=threads, progress=progress, changes=changes)
    return evaluate([doc.gold for doc in documents], predictions)


@dataclass(frozen=True, slots=True)
class BundleEvaluation:
    """``nerdesk eval``'s result: the report, and what makes its scores less than they seem."""

    report: Report
    warnings: list[str]


def evaluate_bundle(bundle_path: str | Path, documents: Sequence[Document], *, threads: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> BundleEvaluation:
    """``score_bundle`` that first compares the model's labels with the gold spans' labels: none in
    common raises an error (every score would be 0), gold labels the model cannot predict and documents
    without gold spans give warnings."""
    bundle = Bundle.load(bundle_path, check_models=False)  # the predictor checks the labels on its session
    warnings = label_warnings(bundle.labels.names, documents)
    predictions = _predict(bundle, documents, threads, progress)
    return BundleEvaluation(evaluate([doc.gold for doc in documents], predictions), warnings)


def label_warnings(model_labels: Sequence[str], documents: Sequence[Document]) -> list[str]:
    """What the gold spans of ``documents`` say about scoring a model with ``model_labels`` on them.

    Raises ``NerdeskError`` when the model predicts none of the gold labels."""
    gold = Counter(span.label for doc in documents for span in doc.gold)
    if not gold:
        return [f"{_no_gold(len(documents))}; the scores mean nothing"]
    missing = [label for label in gold if label not in model_labels]
    predicts = _listed(model_labels)
    if len(missing) == len(gold):
        raise NerdeskError(f"none of the gold spans' labels ({_labels_counted(gold, missing)}) is one the model "
                           f"predicts ({predicts}); every score would be 0: evaluate a model trained for these "
                           "labels, or give the gold spans the model's label names", code="E010")
    if not missing:
        return []
    spans = sum(gold[label] for label in missing)
    return [f"the model cannot predict the gold label{'s' if len(missing) > 1 else ''} "
            f"{_labels_counted(gold, missing)}: {'its' if spans == 1 else 'their'} {counted(spans, 'span')} "
            f"count{'s' if spans == 1 else ''} as missed (the model predicts {predicts})"]


def _no_gold(documents: int) -> str:
    if documents == 0:
        return "there are no documents to score"
    return "the document has no gold spans" if documents == 1 else f"none of the {documents} documents has gold spans"


def _labels_counted(gold: Counter[str], labels: Sequence[str], limit: int = LISTED) -> str:
    listed = ", ".join(f"{shown(label)} ({counted(gold[label], 'span')})" for label in labels[:limit])
    return listed + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _predict(bundle: Bundle, documents: Sequence[Document], threads: int | None,
             progress: Callable[[int, int], None] | None) -> list[list[Span]]:
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(bundle, threads=threads)
    return predictor.predict([doc.text for doc in documents], progress=progress)


def score_version(project: Project, version: ModelVersion, evaluation: EvaluationSet, *, threads: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> EvaluationScore:
    """The version's score on ``evaluation``, from the cache when the set has not changed since."""
    cached = cached_score(project, version.id, evaluation)
    if cached is not None:
        return cached
    report = score_bundle(version.bundle_path, evaluation.documents, threads=threads, progress=progress,
                          changes=evaluation.label_changes)
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
    trained on (an English model in a Chinese project would score 0 and say nothing), or the model predicts
    none of the labels of the set's gold spans. None otherwise."""
    documents = evaluation.documents
    model_script = bundle_script(version.bundle_path, version.trained_on)
    if not documents or any(fits_script(doc.text, model_script) for doc in documents):
        return _other_labels_reason(version, evaluation)
    return (f"not scored: trained on {SCRIPT_NAMES[model_script]} text, and none of the {len(documents)} "
            "evaluation documents is")


def _other_labels_reason(version: ModelVersion, evaluation: EvaluationSet) -> str | None:
    gold = sorted({span.label for doc in evaluation.documents for span in doc.gold})
    model_labels = manifest_label_names(version.bundle_path)
    if model_labels is not None:
        model_labels = [evaluation.renamed.get(label, label) for label in model_labels]
    if not gold or model_labels is None or set(gold) & set(model_labels):
        return None
    return (f"not scored: the model predicts {_listed(model_labels)}, none of the labels of the evaluation "
            f"set's gold spans ({_listed(gold)})")


def _listed(labels: Sequence[str], limit: int = LISTED) -> str:
    """Labels quoted for a message, at most ``limit`` of them."""
    shown_labels = ", ".join(shown(label) for label in labels[:limit])
    return shown_labels + (f" and {len(labels) - limit} more" if len(labels) > limit else "") if labels else "none"


def _cache(project: Project) -> dict[str, Any]:
    value = project.get_setting(CACHE_KEY)
    return dict(value) if isinstance(value, dict) else {}
