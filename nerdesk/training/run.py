"""One training run from documents to a validated bundle: start, recipe, training, export.

``nerdesk train`` (and through it the Retrain button and ``nerdesk retrain``) calls ``run_training``
with the documents and options; progress goes to ``emit(event, **fields)`` (see
``nerdesk.commands.train`` for the events).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from tokenizers import Tokenizer

from nerdesk.core.document import Document
from nerdesk.core.errors import TrainingError
from nerdesk.core.labels import LabelSet
from nerdesk.core.learnt_from import LEARNT_FROM
from nerdesk.core.wording import by_count, counted
from nerdesk.runtime.bundle import MANIFEST, Bundle, documents_learnt_from_bundle
from nerdesk.training.augment import (
    budgeted_copies,
    copies_per_document,
    mention_swapped_copies,
    worth_copying,
)
from nerdesk.training.export import SPAN_LENGTH_MARGIN, longest_gold_span_tokens
from nerdesk.training.logits import calibrate_threshold
from nerdesk.training.model import GlobalPointerModel
from nerdesk.training.recipe import CONTINUE, EXTEND, TRANSFER, calibrates, train_config
from nerdesk.training.start import ScratchSettings, start_kind, start_model
from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks, TrainingResult
from nerdesk.training.vocabulary import extend_vocabulary
from nerdesk.workflows.progress import NO_MODEL_ADVICE_TRAIN

Emit = Callable[..., None]  # emit(event, **fields)


@dataclass
class TrainRequest:
    train_documents: list[Document]
    dev_documents: list[Document]
    source: str  # where the documents come from, for messages and the model record
    out: Path
    init: str  # scratch, a nerdesk model directory or a Hugging Face directory
    label_set: LabelSet | None = None  # the project's labels (colours, flat), if any
    head: str | None = None
    max_length: int = 256
    batch_size: int | None = None  # None: the recipe's, by the number of documents
    seed: int = 13
    scratch: ScratchSettings = field(default_factory=ScratchSettings)
    overrides: dict[str, Any] = field(default_factory=dict)  # explicit TrainConfig values
    export: bool = True
    keep_failed: bool = False
    augment: bool = True  # mention-swapped copies of a small training set (see ``training_documents``)
    renamed: dict[str, str] = field(default_factory=dict)  # the project's renamed labels: old name -> name now


def training_labels(documents: list[Document]) -> list[str]:
    return sorted({span.label for doc in documents for span in doc.gold})


class PreparedStart(NamedTuple):
    labels: list[str]  # the labels to learn
    kind: str  # continue, extend, transfer, scratch or pretrained (``start_kind``)
    model: GlobalPointerModel
    tokenizer: Tokenizer
    new_tokens: list[str]  # added to the start model's vocabulary (``nerdesk.training.vocabulary``)


def prepare_start(request: TrainRequest) -> PreparedStart:
    """The labels to learn, the kind of start, and the model and tokenizer training starts from: a start
    checkpoint's vocabulary gains the tokens of the training documents it did not know."""
    labels = training_labels(request.train_documents)
    if not labels:
        raise TrainingError(f"{request.source}: no gold spans in {len(request.train_documents)} documents; "
                            "nothing to learn", code="E400")
    kind = start_kind(request.init, labels, len(request.train_documents), request.renamed)
    texts = [doc.text for doc in request.train_documents]
    model, tokenizer = start_model(request.init, labels, texts, head=request.head, max_length=request.max_length,
                                   scratch=request.scratch, renamed=request.renamed)
    new_tokens: list[str] = []
    if kind in (CONTINUE, EXTEND, TRANSFER):
        tokenizer, new_tokens = extend_vocabulary(model, tokenizer, texts)
    if request.label_set is not None:
        model.config.flat = request.label_set.flat
    return PreparedStart(labels, kind, model, tokenizer, new_tokens)


def run_training(request: TrainRequest, emit: Emit) -> dict[str, Any]:
    """Train, check the result, write the checkpoint and bundle; returns the fields of the ``done`` event."""
    labels, kind, model, tokenizer, new_tokens = prepare_start(request)
    documents = training_documents(request, kind)
    copies = len(documents) - len(request.train_documents)
    config, kept_threshold = run_settings(request, kind, tokenizer, copies)
    emit("start", message=start_message(request, labels, kind, config, copies), labels=labels, start=kind,
         train_documents=len(request.train_documents), copies=copies, dev_documents=len(request.dev_documents),
         init=request.init, head=model.config.head, time_budget_seconds=config.time_budget_seconds)
    if new_tokens:
        emit("vocabulary", message=vocabulary_message(new_tokens), added=len(new_tokens))
    trainer = Trainer(model, tokenizer, config, progress_callbacks(emit, copies))
    result = trainer.fit(documents, request.dev_documents)
    emit("finishing", message=f"{how_training_ended(result.stop_reason, result.steps)}; choosing the decision "
                              "threshold, writing the model and checking it…")
    if kept_threshold is not None:
        threshold = config.threshold
    else:
        threshold = calibrate_threshold_on_dev(result, tokenizer, request, config, emit)
    refuse_useless_run(result, request)
    return write_bundle(result, tokenizer, request, kind, config, threshold)


def run_settings(request: TrainRequest, kind: str, tokenizer: Tokenizer,
                 copies: int = 0) -> tuple[TrainConfig, float | None]:
    """The TrainConfig of a run on the request's documents and ``copies`` of them, and the threshold a
    continuation keeps (None: a new one is calibrated on the dev documents)."""
    span_cap = longest_span_tokens(tokenizer, request.train_documents + request.dev_documents)
    kept_threshold = None
    if not calibrates(kind):  # a continuation keeps what its bundle decodes with
        kept_threshold, start_cap = start_decoding(request.init)
        span_cap = None if start_cap is None or span_cap is None else max(span_cap, start_cap)
    counted_copies = budgeted_copies(copies, len(request.train_documents))
    config = train_config(kind, len(request.train_documents), counted_copies, batch_size=request.batch_size,
                          seed=request.seed, max_span_tokens=span_cap, threshold=kept_threshold, **request.overrides)
    return config, kept_threshold


def training_documents(request: TrainRequest, kind: str) -> list[Document]:
    """The reviewed documents, plus copies with other mentions when a new or extended head learns from them
    (``nerdesk.training.augment``); a continuation trains on the documents as they are."""
    documents = request.train_documents
    if not request.augment or kind == CONTINUE or not worth_copying(documents):
        return documents
    copies = copies_per_document(len(documents))
    return documents + mention_swapped_copies(documents, copies, random.Random(request.seed))


def calibrate_threshold_on_dev(result: TrainingResult, tokenizer: Tokenizer, request: TrainRequest, config: TrainConfig,
               emit: Emit) -> float:
    """Choose the decision threshold on the dev documents (see ``calibrate_threshold``); 0 without gold."""
    if not any(doc.gold for doc in request.dev_documents):
        return 0.0
    threshold, report = calibrate_threshold(result.model, tokenizer, request.dev_documents,
                                            max_span_tokens=config.max_span_tokens)
    if threshold != 0.0:
        before = result.best_report.micro.f1 if result.best_report else 0.0
        emit("threshold", message=threshold_message(before, report.micro.f1), threshold=threshold)
        result.best_report = report
    return threshold


def threshold_message(f1_before: float, f1_after: float) -> str:
    """The calibrated threshold in the words of the scores people see, where a span scores 0.50 (the logit is
    bundle.json's ``threshold``)."""
    return (f"decision threshold set where the model finds about as many spans as the dev documents hold (there "
            f"a span scores 0.50): dev F1 {100 * f1_before:.1f} -> {100 * f1_after:.1f}")


def start_decoding(init: str) -> tuple[float, int | None]:
    """(threshold, span cap) of the bundle training started from; (0, None) for a start without ``bundle.json``.
    The bundle is checked as any bundle nerdesk loads: a corrupt one is its ``ModelBundleError``."""
    if (Path(init) / MANIFEST).is_file():
        bundle = Bundle.load(init, check_models=False)
        return bundle.threshold, bundle.max_span_tokens
    return 0.0, None


def longest_span_tokens(tokenizer: Tokenizer, documents: list[Document]) -> int | None:
    """Decoded spans may be ``SPAN_LENGTH_MARGIN`` times the longest gold span (None: no gold spans)."""
    longest = longest_gold_span_tokens(tokenizer, documents)
    return math.ceil(SPAN_LENGTH_MARGIN * longest) if longest else None


def start_message(request: TrainRequest, labels: list[str], kind: str, config: TrainConfig, copies: int = 0) -> str:
    added = f" and {copies} copies of them with other mentions" if copies else ""
    held_out = f"{len(request.dev_documents)} held out to evaluate"
    return (f"training on {counted(len(request.train_documents), 'document')}{added} ({held_out}) from {request.source}; "
            f"labels: {', '.join(labels)}; starting from {start_words(request.init, kind)}; at least "
            f"{config.min_steps} steps, at most {config.time_budget_seconds:.0f} s")


def start_words(init: str, kind: str) -> str:
    if kind == EXTEND:
        return (f"{init} with its head, learning at the full rate: it learnt from "
                f"{documents_learnt_from_bundle(init)} documents")
    starts = {CONTINUE: f"{init}, continuing it with its head", TRANSFER: f"the encoder of {init} with a new head",
              "scratch": "scratch", "pretrained": f"the Hugging Face encoder {init}"}
    return starts[kind]


def vocabulary_message(new_tokens: list[str]) -> str:
    """What ``extend_vocabulary`` added, in words: how many, and the most frequent of them."""
    single = all(len(token) == 1 for token in new_tokens)
    shown = ("" if single else ", ").join(new_tokens[:8]) + (" ..." if len(new_tokens) > 8 else "")
    count = len(new_tokens)
    return (f"{counted(count, 'character' if single else 'word')} of the training documents "
            f"{by_count(count, 'was', 'were')} unknown to the start model and {by_count(count, 'joins', 'join')} "
            f"its vocabulary ({shown})")


def progress_callbacks(emit: Emit, copies: int = 0) -> TrainingCallbacks:
    """The training's events as progress lines; ``copies``: the mention-swapped copies among the documents."""
    return TrainingCallbacks(
        on_data=lambda train, dev: emit("data", message=train.describe(copies), train=train.as_dict(),
                                        dev=dev.as_dict() if dev else None),
        on_step=lambda step, total, loss: emit("step", step=step, total=total, loss=round(loss, 5)),
        on_eval=lambda number, report, kept_f1: emit("eval", epoch=number, f1=report.micro.f1,
                                                     precision=report.micro.precision, recall=report.micro.recall,
                                                     kept_f1=kept_f1),
    )


def refuse_useless_run(result: TrainingResult, request: TrainRequest) -> None:
    """A model that finds none of the dev entities is not written (unless ``keep_failed``)."""
    dev_has_gold = any(doc.gold for doc in request.dev_documents)
    if not dev_has_gold or request.keep_failed or result.best_report is None or result.best_report.micro.f1 > 0:
        return
    raise TrainingError(f"the model found none of the dev entities after {result.steps} steps "
                        f"({result.seconds:.0f} s, stopped by {result.stop_reason}); no model was written. "
                        f"{NO_MODEL_ADVICE_TRAIN}", code="E402")


def write_bundle(result: TrainingResult, tokenizer: Tokenizer, request: TrainRequest, kind: str, config: TrainConfig,
           threshold: float) -> dict[str, Any]:
    from nerdesk.training.model import save_checkpoint

    metrics = result.best_report.as_dict() if result.best_report else {}
    if not request.export or is_empty_folder(request.out):
        # Before export, only into a new folder: the weights survive a failed export, and an earlier model in
        # the folder stays whole (its bundle.json hashes its checkpoint) until export replaces it.
        save_checkpoint(result.model, tokenizer, request.out)
    trained_on = {"source": request.source, "documents": len(request.train_documents),
                  "dev_documents": len(request.dev_documents), "init": request.init, "start": kind,
                  "head": result.model.config.head, "epochs": result.epochs_run, "steps": result.steps,
                  "best_step": result.best_step, "stop_reason": result.stop_reason,
                  "seconds": round(result.seconds, 1), "learning_rate": config.learning_rate,
                  "head_learning_rate": config.head_learning_rate, "threshold": threshold,
                  LEARNT_FROM: learnt_from_documents(request, kind, result.best_step)}
    note = None
    if request.export:
        _export(result, tokenizer, request, metrics, trained_on, config, threshold)
    else:
        note = "checkpoint only (--no-bundle)"
    why = (f"best dev F1 {100 * result.best_report.micro.f1:.1f} at step {result.best_step}"
           if result.best_report else "no dev documents")
    return {"out": str(request.out), "metrics": metrics, "bundle": note is None, "stop_reason": result.stop_reason,
            "message": f"\n{how_training_ended(result.stop_reason, result.steps)} ({why}); model written to "
                       f"{request.out}" + (f" ({note})" if note else "")}


def how_training_ended(stop_reason: str, steps: int) -> str:
    """Why the loop ended, in words (the stop reasons are the trainer's names for them)."""
    return {"steps": f"training ran all {steps} planned steps",
            "early stopping": f"training stopped early after {steps} steps: the dev F1 had stopped improving",
            "time budget": f"training reached its time limit after {steps} steps",
            "cancelled": f"training was cancelled after {steps} steps"}.get(
        stop_reason, f"training stopped by {stop_reason} after {steps} steps")


def is_empty_folder(path: Path) -> bool:
    """True when ``path`` does not exist yet or is an empty folder."""
    return not path.exists() or (path.is_dir() and next(path.iterdir(), None) is None)


def learnt_from_documents(request: TrainRequest, kind: str, best_step: int) -> int | None:
    """What the new model learnt from (``nerdesk.core.learnt_from``): its training documents, except that a
    gentle continuation learns little from them (it runs only when its start learnt from at least as many),
    and a run that kept its starting weights (best at step 0) learnt nothing: both keep the start's count."""
    if kind == CONTINUE or (kind == EXTEND and best_step == 0):
        return documents_learnt_from_bundle(request.init)
    return len(request.train_documents)


def _export(result: TrainingResult, tokenizer: Tokenizer, request: TrainRequest, metrics: dict[str, Any],
            trained_on: dict[str, Any],
            config: TrainConfig, threshold: float) -> None:
    """Write the ONNX bundle next to the checkpoint."""
    from nerdesk.training.export import export_bundle

    labels = _labels_in_model_order(request.label_set, list(result.model.config.labels))
    export_bundle(result.model, tokenizer, request.out, labels=labels, metrics=metrics, trained_on=trained_on,
                  dev_documents=list(request.dev_documents), max_span_tokens=config.max_span_tokens,
                  threshold=threshold)


def _labels_in_model_order(label_set: LabelSet | None, names: list[str]) -> LabelSet | list[str]:
    """The project's labels (with their colours) in the model's order, or just the names."""
    if label_set is None:
        return names
    ordered = LabelSet(flat=label_set.flat)
    for name in names:
        known = label_set.get(name) if name in label_set else None
        ordered.add(name, known.color if known else None, None)
    return ordered
