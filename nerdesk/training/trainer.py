"""The training loop: AdamW, warm-up then linear decay, dev evaluation per epoch, early stopping.

The learning-rate schedule follows training progress, measured in steps or, with a time budget,
in elapsed time (whichever is further along), so a run cut short by its budget still ends with a
decayed learning rate. The best weights on the dev set are kept in memory and restored at the end.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from nerdesk.core.document import Document
from nerdesk.core.errors import TrainingError
from nerdesk.core.metrics import Report, evaluate
from nerdesk.core.spans import Span
from nerdesk.training.data import (
    AlignmentSummary,
    Window,
    collate,
    encode_documents,
    length_grouped_batches,
    sorted_batches,
)
from nerdesk.training.decode import merge_window_spans, window_spans
from nerdesk.training.model import GlobalPointerModel
from nerdesk.training.tokenizer import padding_id


@dataclass
class TrainConfig:
    epochs: int = 20
    batch_size: int = 32
    learning_rate: float = 2e-3
    head_learning_rate: float | None = None  # defaults to learning_rate
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    max_grad_norm: float = 5.0
    patience: int = 4  # epochs without a better dev F1 before stopping
    time_budget: float | None = None  # seconds
    seed: int = 13
    eval_batch_size: int = 64


@dataclass
class TrainingCallbacks:
    """Hooks for progress bars and cancel buttons; all optional."""

    on_step: Callable[[int, int, float], None] | None = None  # (step, total steps, loss)
    on_eval: Callable[[int, Report], None] | None = None  # (epoch, dev report)
    should_stop: Callable[[], bool] | None = None  # polled after every step
    on_data: Callable[[AlignmentSummary, AlignmentSummary | None], None] | None = None  # after encoding


@dataclass
class TrainingResult:
    model: GlobalPointerModel
    best_report: Report | None
    best_epoch: int
    epochs_run: int
    steps: int
    seconds: float
    stop_reason: str
    train_summary: AlignmentSummary
    dev_summary: AlignmentSummary | None
    history: list[dict] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    def __init__(self, model: GlobalPointerModel, tokenizer, config: TrainConfig,
                 callbacks: TrainingCallbacks | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.config = config
        self.callbacks = callbacks or TrainingCallbacks()
        self.labels = list(model.config.labels)
        self.pad_id = padding_id(tokenizer)

    def encode(self, documents: Sequence[Document]) -> tuple[list[Window], AlignmentSummary]:
        settings = self.model.config
        return encode_documents(documents, self.tokenizer, self.labels, settings.max_length, settings.window_stride)

    def fit(self, train_documents: Sequence[Document], dev_documents: Sequence[Document] = ()) -> TrainingResult:
        seed_everything(self.config.seed)
        train_windows, train_summary = self.encode(train_documents)
        if not any(window.cells for window in train_windows):
            raise TrainingError(
                f"no usable gold spans in {len(train_documents)} training documents "
                f"({train_summary.describe()}); annotate and mark documents reviewed first"
            )
        dev_windows, dev_summary = self.encode(dev_documents) if dev_documents else ([], None)
        if self.callbacks.on_data:
            self.callbacks.on_data(train_summary, dev_summary)
        run = _Run(self, train_windows, dev_windows, list(dev_documents))
        run.loop()
        return TrainingResult(self.model, run.best_report, run.best_epoch, run.epoch, run.step,
                              time.monotonic() - run.started, run.stop_reason, train_summary, dev_summary,
                              run.history)

    @torch.no_grad()
    def predict_windows(self, windows: Sequence[Window], num_documents: int,
                        flat: bool | None = None) -> list[list[Span]]:
        """Predicted spans per document (documents numbered as in ``Window.document``)."""
        was_training = self.model.training
        self.model.eval()
        found: list[list[Span]] = [[] for _ in range(num_documents)]
        for batch_windows in sorted_batches(windows, self.config.eval_batch_size):
            batch = collate(batch_windows, len(self.labels), self.pad_id)
            logits, _ = self.model(batch.input_ids, batch.attention_mask, batch.token_mask)  # (B, m, L, L)
            for row, window in enumerate(batch_windows):
                found[window.document].extend(
                    window_spans(logits[row], window, self.labels, self.model.config.threshold))
        self.model.train(was_training)
        flat = self.model.config.flat if flat is None else flat
        return [merge_window_spans(spans, flat) for spans in found]

    def evaluate(self, documents: Sequence[Document], windows: Sequence[Window] | None = None) -> Report:
        if windows is None:
            windows, _ = self.encode(documents)
        predictions = self.predict_windows(windows, len(documents))
        return evaluate([doc.gold for doc in documents], predictions)


class _Run:
    """The state of one ``Trainer.fit`` call."""

    def __init__(self, trainer: Trainer, train_windows: list[Window], dev_windows: list[Window],
                 dev_documents: list[Document]) -> None:
        self.trainer = trainer
        self.config = trainer.config
        self.model = trainer.model
        self.train_windows = train_windows
        self.dev_windows = dev_windows
        self.dev_documents = dev_documents
        self.rng = random.Random(self.config.seed)
        self.steps_per_epoch = math.ceil(len(train_windows) / self.config.batch_size)
        self.total_steps = self.steps_per_epoch * self.config.epochs
        self.optimizer = self._optimizer()
        self.base_rates = [group["lr"] for group in self.optimizer.param_groups]
        self.step = self.epoch = self.best_epoch = self.stale_epochs = 0
        self.best_f1 = -1.0
        self.best_report: Report | None = None
        self.best_state: dict | None = None
        self.history: list[dict] = []
        self.stop_reason = "epochs"
        self.started = time.monotonic()

    def _optimizer(self) -> torch.optim.Optimizer:
        head_rate = self.config.head_learning_rate or self.config.learning_rate
        groups = [
            {"params": list(self.model.encoder.parameters()), "lr": self.config.learning_rate},
            {"params": list(self.model.head.parameters()), "lr": head_rate},
        ]
        return torch.optim.AdamW(groups, weight_decay=self.config.weight_decay)

    def loop(self) -> None:
        self.model.train()
        while self.epoch < self.config.epochs and self.stop_reason == "epochs":
            self.epoch += 1
            finished = self._train_epoch()
            self._end_of_epoch(finished)
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        self.model.eval()

    def _train_epoch(self) -> bool:
        """One pass over the training windows; False when stopped early (budget or cancel)."""
        batches = length_grouped_batches(self.train_windows, self.config.batch_size, self.rng)
        for windows in batches:
            loss = self._train_step(windows)
            self.step += 1
            if self.trainer.callbacks.on_step:
                self.trainer.callbacks.on_step(self.step, self.total_steps, loss)
            reason = self._stop_requested()
            if reason:
                self.stop_reason = reason
                return False
        return True

    def _train_step(self, windows: list[Window]) -> float:
        batch = collate(windows, len(self.trainer.labels), self.trainer.pad_id)
        self._set_learning_rate()
        _, loss = self.model(batch.input_ids, batch.attention_mask, batch.token_mask, batch.labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.max_grad_norm)
        self.optimizer.step()
        return loss.item()

    def progress(self) -> float:
        by_steps = self.step / max(self.total_steps, 1)
        if not self.config.time_budget:
            return by_steps
        return max(by_steps, (time.monotonic() - self.started) / self.config.time_budget)

    def _set_learning_rate(self) -> None:
        progress = self.progress()
        warmup = self.config.warmup_ratio
        factor = progress / warmup if progress < warmup else max(0.0, (1 - progress) / (1 - warmup))
        factor = max(factor, 0.01)
        for group, base in zip(self.optimizer.param_groups, self.base_rates, strict=True):
            group["lr"] = base * factor

    def _stop_requested(self) -> str | None:
        if self.trainer.callbacks.should_stop and self.trainer.callbacks.should_stop():
            return "cancelled"
        if self.config.time_budget and time.monotonic() - self.started >= self.config.time_budget:
            return "time budget"
        return None

    def _end_of_epoch(self, finished: bool) -> None:
        record = {"epoch": self.epoch, "step": self.step, "seconds": round(time.monotonic() - self.started, 1),
                  "complete": finished}
        if self.dev_documents and self.stop_reason != "cancelled":
            report = self.trainer.evaluate(self.dev_documents, self.dev_windows)
            record.update(f1=report.micro.f1, precision=report.micro.precision, recall=report.micro.recall)
            self._keep_if_best(report)
            if self.trainer.callbacks.on_eval:
                self.trainer.callbacks.on_eval(self.epoch, report)
        self.history.append(record)

    def _keep_if_best(self, report: Report) -> None:
        if report.micro.f1 > self.best_f1:
            self.best_f1, self.best_report, self.best_epoch = report.micro.f1, report, self.epoch
            self.best_state = copy.deepcopy(self.model.state_dict())
            self.stale_epochs = 0
            return
        self.stale_epochs += 1
        if self.stale_epochs >= self.config.patience and self.stop_reason == "epochs":
            self.stop_reason = "early stopping"
