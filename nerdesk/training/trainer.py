"""The training loop: AdamW, warm-up then linear decay, dev evaluation, early stopping.

Training length is counted in optimizer steps: ``epochs`` passes over the data, but at least
``min_steps`` (a tiny set is seen many times) and at most ``max_steps``. The learning-rate schedule
follows training progress, measured in steps or, with a time budget, in elapsed time (whichever is
further along), so a run cut short by its budget still ends with a decayed learning rate.

A new head on a trained encoder first learns alone for ``head_warmup_steps`` (the encoder's rate is
zero), so the random head's first gradients do not wash out what the encoder knows. Dev scores are
measured through the prediction pipeline (``nerdesk.training.logits.evaluate_model``); the best
weights on the dev set are kept in memory and restored at the end. With ``evaluate_start`` the
starting weights are scored first and count as a candidate, so continuing a trained model never ends
worse on the dev set than it began. With ``average_decay`` the weights scored and kept are a moving average
of the steps' weights (``nerdesk.training.averaging``).
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from tokenizers import Tokenizer

from nerdesk.core.document import Document
from nerdesk.core.errors import TrainingError
from nerdesk.core.metrics import Report
from nerdesk.runtime.token_features import feature_table
from nerdesk.training.averaging import WeightAverage
from nerdesk.training.data import AlignmentSummary, Window, collate, encode_documents, length_grouped_batches
from nerdesk.training.device import autocast, autocast_dtype, resolve_device
from nerdesk.training.logits import evaluate_model
from nerdesk.training.model import GlobalPointerModel
from nerdesk.training.tokenizer import padding_id


@dataclass
class TrainConfig:
    epochs: int = 20
    min_steps: int = 0  # train at least this many steps, however small the data
    max_steps: int | None = None
    batch_size: int = 32
    learning_rate: float = 2e-3  # the encoder's
    head_learning_rate: float | None = None  # defaults to learning_rate
    head_warmup_steps: int = 0  # steps at the start during which only the head learns
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    max_grad_norm: float = 5.0
    average_decay: float | None = None  # score and keep a moving average of the weights (training/averaging.py)
    eval_every_steps: int | None = None  # None: often enough for ``evaluations`` per run
    evaluations: int = 20
    patience: int = 4  # dev evaluations without a better F1 before stopping
    evaluate_start: bool = False  # score the starting weights first (a kept head)
    min_delta: float = 0.0  # a dev F1 must beat the best so far by more than this to count as better
    max_span_tokens: int | None = None  # decoding cap for dev scores, as the exported bundle will have
    threshold: float = 0.0  # decision threshold (logit) for dev scores
    time_budget_seconds: float | None = None
    seed: int = 13
    eval_batch_size: int = 64
    device: str = "auto"  # auto|cpu|cuda: where the training steps run (see nerdesk.training.device)


@dataclass
class TrainingCallbacks:
    """Hooks for progress bars and cancel buttons; all optional."""

    on_step: Callable[[int, int, float], None] | None = None  # (step, total steps, loss)
    # (evaluation number, dev report, dev F1 of the checkpoint kept so far: a continuation keeps a later one only
    # when it beats the start by ``min_delta``)
    on_eval: Callable[[int, Report, float], None] | None = None
    should_stop: Callable[[], bool] | None = None  # polled after every step
    on_data: Callable[[AlignmentSummary, AlignmentSummary | None], None] | None = None  # after encoding


@dataclass
class TrainingResult:
    model: GlobalPointerModel
    best_report: Report | None
    best_epoch: int  # the evaluation whose weights were kept (0: the starting weights)
    epochs_run: int
    steps: int
    seconds: float
    stop_reason: str
    train_summary: AlignmentSummary
    dev_summary: AlignmentSummary | None
    history: list[dict[str, Any]] = field(default_factory=list)
    best_step: int = 0


def seed_everything(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    def __init__(self, model: GlobalPointerModel, tokenizer: Tokenizer, config: TrainConfig,
                 callbacks: TrainingCallbacks | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.config = config
        self.callbacks = callbacks or TrainingCallbacks()
        self.labels = list(model.config.labels)
        self.pad_id = padding_id(tokenizer)

    def encode(self, documents: Sequence[Document]) -> tuple[list[Window], AlignmentSummary]:
        settings = self.model.config
        return encode_documents(documents, self.tokenizer, self.labels, settings.max_length, settings.window_stride,
                                features=feature_table(settings.encoder))

    def fit(self, train_documents: Sequence[Document], dev_documents: Sequence[Document] = ()) -> TrainingResult:
        seed_everything(self.config.seed)
        train_windows, train_summary = self.encode(train_documents)
        if not any(window.cells for window in train_windows):
            raise TrainingError(
                f"no usable gold spans in {len(train_documents)} training documents "
                f"({train_summary.describe()}); annotate and mark documents reviewed first",
                code="E401",
            )
        dev_summary = self.encode(dev_documents)[1] if dev_documents else None
        if self.callbacks.on_data:
            self.callbacks.on_data(train_summary, dev_summary)
        run = TrainingRun(self, train_windows, list(dev_documents))
        try:
            run.loop()
        finally:
            self.model.to("cpu")  # export, parity and prediction stay on the CPU
        return TrainingResult(self.model, run.best_report, run.best_evaluation, run.epoch, run.step,
                              time.monotonic() - run.started, run.stop_reason, train_summary, dev_summary,
                              run.history, run.best_step)

    def evaluate(self, documents: Sequence[Document]) -> Report:
        """Score the model on ``documents`` exactly as its bundle will predict them."""
        was_training = self.model.training
        device = next(self.model.parameters()).device
        self.model.to("cpu")  # dev scores come from the same CPU pipeline as the bundle's
        report = evaluate_model(self.model, self.tokenizer, documents, max_span_tokens=self.config.max_span_tokens,
                                threshold=self.config.threshold, batch_size=self.config.eval_batch_size)
        self.model.to(device).train(was_training)
        return report


def total_steps(config: TrainConfig, steps_per_epoch: int) -> int:
    """Steps a run takes unless stopped early: the epochs, raised to ``min_steps``, capped at ``max_steps``."""
    steps = max(steps_per_epoch * config.epochs, config.min_steps)
    return min(steps, config.max_steps) if config.max_steps else steps


class TrainingRun:
    """The state of one ``Trainer.fit`` call.

    ``training/ray_train.py`` subclasses it for data-parallel ranks, overriding ``_step_module``, ``progress``,
    ``_stop_requested``, ``_evaluation_due`` and ``_end_of_stretch``: every rank must call them at the same
    points of the loop.
    """

    def __init__(self, trainer: Trainer, train_windows: list[Window], dev_documents: list[Document]) -> None:
        self.trainer = trainer
        self.config = trainer.config
        self.model = trainer.model
        self.train_windows = train_windows
        self.dev_documents = dev_documents
        self.rng = random.Random(self.config.seed)
        self.steps_per_epoch = math.ceil(len(train_windows) / self.config.batch_size)
        self.total_steps = total_steps(self.config, self.steps_per_epoch)
        self.eval_every = self.config.eval_every_steps or max(1, math.ceil(self.total_steps / self.config.evaluations))
        self.device = resolve_device(self.config.device)
        self.precision = autocast_dtype(self.device)
        self.model.to(self.device)  # before the optimizer, which holds the parameters
        self.optimizer = self._optimizer()
        self.average = WeightAverage(self.model, self.config.average_decay) if self.config.average_decay else None
        self.base_rates = [group["lr"] for group in self.optimizer.param_groups]
        self.step = self.epoch = self.evaluations = self.best_evaluation = self.best_step = self.stale = 0
        self.best_f1 = -1.0
        self.best_report: Report | None = None
        self.best_state: dict[str, torch.Tensor] | None = None
        self.history: list[dict[str, Any]] = []
        self.stop_reason = "steps"
        self.started = self.last_stretch_end = time.monotonic()

    def _optimizer(self) -> torch.optim.Optimizer:
        head_rate = self.config.head_learning_rate or self.config.learning_rate
        groups = [
            {"params": list(self.model.encoder.parameters()), "lr": self.config.learning_rate},
            {"params": list(self.model.head.parameters()), "lr": head_rate},
        ]
        return torch.optim.AdamW(groups, weight_decay=self.config.weight_decay)

    def loop(self) -> None:
        if self.config.evaluate_start and self.dev_documents:
            self._evaluate()
        self.model.train()
        for windows in self._batches():
            loss = self._train_step(windows)
            self.step += 1
            if self.average:
                self.average.update(self.model)
            if self.trainer.callbacks.on_step:
                self.trainer.callbacks.on_step(self.step, self.total_steps, loss)
            reason = self._stop_requested()
            if reason == "cancelled":
                self.stop_reason = reason
                break
            if self._evaluation_due() or reason or self.step == self.total_steps:
                self._end_of_stretch(complete=reason is None)
            if reason or self.stop_reason != "steps":
                self.stop_reason = reason or self.stop_reason
                break
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        self.model.eval()

    def _batches(self) -> Iterator[list[Window]]:
        """Shuffled length-grouped batches, pass after pass, until the step count is reached."""
        while self.step < self.total_steps:
            self.epoch += 1
            for windows in length_grouped_batches(self.train_windows, self.config.batch_size, self.rng):
                if self.step >= self.total_steps:
                    return
                yield windows

    def _evaluation_due(self) -> bool:
        """Every ``eval_every`` steps and, under a time budget, every ``1 / evaluations`` of it: a run that
        its budget ends long before its last step (many documents, or their mention-swapped copies) is
        still scored about ``evaluations`` times, not only at the few step marks it reaches."""
        if self.step % self.eval_every == 0:
            return True
        budget = self.config.time_budget_seconds
        if not budget:
            return False
        return time.monotonic() - self.last_stretch_end >= budget / self.config.evaluations

    def _step_module(self) -> torch.nn.Module:
        """What a training step runs: the model (a data-parallel rank wraps it to average the gradients)."""
        return self.model

    def _train_step(self, windows: list[Window]) -> float:
        batch = collate(windows, len(self.trainer.labels), self.trainer.pad_id)
        self._set_learning_rate()
        tensors = (batch.input_ids, batch.attention_mask, batch.token_mask, batch.labels)
        features = ({} if batch.feature_ids is None  # (B, L, K): a character- or lexicon-aware encoder's
                    else {"feature_ids": batch.feature_ids.to(self.device, non_blocking=True)})
        with autocast(self.device, self.precision):
            _, loss = self._step_module()(*(tensor.to(self.device, non_blocking=True) for tensor in tensors),
                                          **features)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()  # a data-parallel rank averages the gradients of all ranks here
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.max_grad_norm)
        self.optimizer.step()
        return float(loss.item())

    def progress(self) -> float:
        by_steps = self.step / max(self.total_steps, 1)
        if not self.config.time_budget_seconds:
            return by_steps
        return max(by_steps, (time.monotonic() - self.started) / self.config.time_budget_seconds)

    def _set_learning_rate(self) -> None:
        progress = self.progress()
        warmup = self.config.warmup_ratio
        factor = progress / warmup if progress < warmup else max(0.0, (1 - progress) / (1 - warmup))
        factor = max(factor, 0.01)
        head_only = self.step < self.config.head_warmup_steps
        encoder_group, head_group = self.optimizer.param_groups
        encoder_group["lr"] = 0.0 if head_only else self.base_rates[0] * factor
        head_group["lr"] = self.base_rates[1] * (1.0 if head_only else factor)

    def _stop_requested(self) -> str | None:
        if self.trainer.callbacks.should_stop and self.trainer.callbacks.should_stop():
            return "cancelled"
        budget = self.config.time_budget_seconds
        if budget and time.monotonic() - self.started >= budget:
            return "time budget"
        return None

    def _end_of_stretch(self, complete: bool) -> None:
        record = {"epoch": self.epoch, "step": self.step, "seconds": round(time.monotonic() - self.started, 1),
                  "complete": complete}
        if self.dev_documents:
            record.update(self._evaluate())
        self.history.append(record)
        self.last_stretch_end = time.monotonic()

    def _evaluate(self) -> dict[str, Any]:
        self.evaluations += 1
        with self.average.swapped_in(self.model) if self.average else contextlib.nullcontext():
            report = self.trainer.evaluate(self.dev_documents)
            self._keep_if_best(report)
        if self.trainer.callbacks.on_eval:
            self.trainer.callbacks.on_eval(self.evaluations, report, self.best_f1)
        return {"f1": report.micro.f1, "precision": report.micro.precision, "recall": report.micro.recall}

    def _keep_if_best(self, report: Report) -> None:
        if report.micro.f1 > self.best_f1 + (self.config.min_delta if self.best_report else 0.0):
            self.best_f1, self.best_report = report.micro.f1, report
            self.best_evaluation, self.best_step = self.evaluations, self.step
            self.best_state = {name: value.detach().to("cpu", copy=True)
                               for name, value in self.model.state_dict().items()}
            self.stale = 0
            return
        self.stale += 1
        # A new head predicts nothing for its first steps: patience only counts once min_steps are done.
        # At the last planned step the run ends anyway: it stops by its steps, not by early stopping.
        if self.stale >= self.config.patience and self.config.min_steps <= self.step < self.total_steps:
            self.stop_reason = "early stopping"
