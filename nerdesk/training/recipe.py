"""Training settings chosen by where training starts and how much data there is.

Five starts need different care (figures in docs/benchmarks.md, ``python -m benchmarks.learning_curve``):

- ``continue``: a trained model whose head already knows every label, and that learnt from at least as
  many documents as the run has (an embedded model trained on a whole corpus). A gentle rate and few
  steps; the starting weights are scored first, so the run can only keep or improve the dev score.
- ``extend``: a model whose head knows every label but that learnt from fewer documents than the run has
  (a version retrained in the project before more documents were reviewed; ``nerdesk.core.learnt_from``).
  Its head is kept, and the documents are learnt at the transfer rates; the starting weights are scored
  first too.
- ``transfer``: a trained nerdesk encoder with a new head for new labels. The head first learns
  alone (``head_warmup_steps``), then both learn, the head faster than the encoder.
- ``scratch``: everything is new: the from-scratch rate, and many passes over a small set.
- ``pretrained``: a Hugging Face encoder: the usual small rate for it and a larger one for the head.

Every start trains for at least ``min_steps`` optimizer steps however few documents there are
(a new head predicts nothing for its first few hundred steps), is evaluated about ``TrainConfig.evaluations``
times, stops after ``patience`` evaluations without a better dev F1, and has a time budget that
grows with the data. A run at the full rate (``transfer``, ``extend``) scores and keeps a moving average
of its weights (``nerdesk.training.averaging``) rather than the last step's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nerdesk.training.trainer import TrainConfig

CONTINUE, EXTEND, TRANSFER, SCRATCH, PRETRAINED = "continue", "extend", "transfer", "scratch", "pretrained"
KINDS = (CONTINUE, EXTEND, TRANSFER, SCRATCH, PRETRAINED)


@dataclass(frozen=True, slots=True)
class Recipe:
    learning_rate: float  # the encoder's
    head_learning_rate: float
    head_warmup_steps: int
    min_steps: int
    epochs: int
    patience: int  # evaluations without a better dev F1
    evaluate_start: bool = False
    min_delta: float = 0.0  # how much better (F1, 0-1) a checkpoint must be than the best so far
    calibrate: bool = True  # choose the decision threshold on the dev documents
    average_decay: float | None = None  # score a moving average of the weights (nerdesk.training.averaging)


RECIPES = {
    # A continuation replaces the starting weights only with a clear gain on the evaluation set, and keeps the
    # start model's threshold: the best of many checkpoints (and thresholds) on 30 documents is flattered (without
    # these rules, 200 CLUENER documents gave a version at least as good on its 30 evaluation documents but
    # 73.74 -> 73.16 on the 1,343 dev sentences).
    CONTINUE: Recipe(learning_rate=2e-4, head_learning_rate=2e-4, head_warmup_steps=0, min_steps=60, epochs=4,
                     patience=3, evaluate_start=True, min_delta=0.01, calibrate=False),
    # The moving average of the weights (decay 0.99), against the last step's, same seed side by side: 100 CMeEE
    # documents +0.7 test F1 (four seeds, every one higher), 1,000 +0.7; English -> 1,000 GENIA +7.4; 100 People's
    # Daily three seeds of four higher (one -8.9), 100 Resume +1.1 (docs/benchmarks.md).
    TRANSFER: Recipe(learning_rate=1e-3, head_learning_rate=3e-3, head_warmup_steps=30, min_steps=200, epochs=30,
                     patience=5, average_decay=0.99),
    # A version that learnt from 38 People's Daily documents, given 360: continued gently it stayed at 52.8 test
    # F1; with these rates 67.3 (from the general model afresh: 69.6, in twice the time).
    EXTEND: Recipe(learning_rate=1e-3, head_learning_rate=3e-3, head_warmup_steps=30, min_steps=200, epochs=30,
                   patience=5, evaluate_start=True, average_decay=0.99),
    SCRATCH: Recipe(learning_rate=2e-3, head_learning_rate=2e-3, head_warmup_steps=0, min_steps=300, epochs=40,
                    patience=6),
    PRETRAINED: Recipe(learning_rate=3e-5, head_learning_rate=1e-3, head_warmup_steps=0, min_steps=300, epochs=20,
                       patience=5),
}
# Time budget: a base plus a share per training document, capped (seconds). Mention-swapped copies
# (``nerdesk.training.augment``) count as documents for at most ``BUDGET_COPIES_SECONDS``.
BUDGET_BASE_SECONDS = 60.0
BUDGET_PER_DOCUMENT_SECONDS = 0.25
BUDGET_COPIES_SECONDS = 60.0
BUDGET_CAP_SECONDS = 1800.0
# A run that learns at the full rate (a new head, a version extended) gets at least this long: early stopping ends
# it sooner when it stops improving. 100 reviewed documents from the general model, 139 s -> 270 s, on a busy
# machine where 139 s cut most CMeEE runs short: CMeEE 21.9 -> 26.0 test F1 (five samples, every one higher),
# Resume 87.4 -> 88.2, People's Daily 59.2 -> 56.7 (four samples; it stops early either way).
BUDGET_FLOOR_SECONDS = 270.0


def batch_size(documents: int) -> int:
    """Small batches: more updates in the same time, which is what a run cut by its time budget needs.

    75 CMeEE documents from the general model: batch 8 reached the F1 of batch 32 in 37 s instead of 86 s.
    900: batch 16 gave 45.97 / 48.53 test F1 where 32 gave 45.18 / 45.54 (two samples), and the whole
    pool of 3,600 51.11 where 32 gave 48.72, in the same time (docs/benchmarks.md).
    """
    return 8 if documents < 200 else 16


def time_budget_seconds(documents: int, copies: int = 0, kind: str = TRANSFER) -> float:
    """Seconds of training for ``documents`` reviewed documents and ``copies`` mention-swapped copies.

    The copies lengthen the budget as documents do, but by at most a minute: 900 documents and their 2,700
    copies get 345 s (285 without copies) rather than 960: what a user waits for grows with what they
    reviewed. A run at the full rate gets at least ``BUDGET_FLOOR_SECONDS``; a continuation, which stops
    after a few passes, does not need it.
    """
    copies_seconds = min(BUDGET_COPIES_SECONDS, BUDGET_PER_DOCUMENT_SECONDS * copies)
    budget = BUDGET_BASE_SECONDS + BUDGET_PER_DOCUMENT_SECONDS * documents + copies_seconds
    if kind != CONTINUE:
        budget = max(budget, BUDGET_FLOOR_SECONDS)
    return min(BUDGET_CAP_SECONDS, budget)


def train_config(kind: str, documents: int, copies: int = 0, **overrides: Any) -> TrainConfig:
    """The settings for a start of ``kind`` on ``documents`` training documents and ``copies`` of them
    with other mentions; ``overrides`` that are not None (the command line's explicit options) win."""
    recipe = RECIPES[kind]
    settings: dict[str, Any] = {
        "learning_rate": recipe.learning_rate, "head_learning_rate": recipe.head_learning_rate,
        "head_warmup_steps": recipe.head_warmup_steps, "min_steps": recipe.min_steps, "epochs": recipe.epochs,
        "patience": recipe.patience, "evaluate_start": recipe.evaluate_start, "min_delta": recipe.min_delta,
        "average_decay": recipe.average_decay,
        "time_budget_seconds": time_budget_seconds(documents, copies, kind),
        "batch_size": batch_size(documents + copies),
    }
    settings.update({key: value for key, value in overrides.items() if value is not None})
    return TrainConfig(**settings)


def calibrates(kind: str) -> bool:
    return RECIPES[kind].calibrate
