"""Multilabel categorical cross-entropy over span cells, in its sparse form.

For one (sample, type) pair with cell scores ``s``, positives P and negatives N (Su 2020):
``log(1 + sum_{P} exp(-s)) + log(1 + sum_{N} exp(s))``.
The sparse form gets the positives as cell indices and writes the negative term as
``log(1 + sum_all exp(s)) + log(1 - exp(logsumexp_P(s) - log(1 + sum_all exp(s))))``, so no dense
(B, m, L, L) label tensor is ever built. Cells that are not valid hold ``finfo(float32).min`` and
contribute ``exp(min) = 0`` to every sum.
"""

from __future__ import annotations

import torch
from torch import Tensor

NO_CELL = -1  # padding value in the positive-index tensor


def sparse_multilabel_crossentropy(logits: Tensor, positive_cells: Tensor) -> Tensor:
    """Mean loss over all (sample, type) pairs.

    logits: (B, m, L, L), invalid cells already set to ``finfo(float32).min``.
    positive_cells: (B, m, P) int64 flat cell indices ``start * L + end``, padded with ``NO_CELL``.
    """
    batch, num_labels, length, _ = logits.shape
    scores = logits.float().reshape(batch * num_labels, length * length)  # (G, L*L)
    cells = positive_cells.reshape(batch * num_labels, -1)  # (G, P)
    is_positive = cells != NO_CELL  # (G, P)
    lowest = torch.finfo(torch.float32).min
    positive_scores = scores.gather(1, cells.clamp(min=0))  # (G, P)
    zeros = torch.zeros_like(scores[:, :1])  # (G, 1)

    negated = (-positive_scores).masked_fill(~is_positive, lowest)  # (G, P)
    positive_loss = torch.logsumexp(torch.cat([zeros, negated], dim=1), dim=1)  # (G,)

    all_term = torch.logsumexp(torch.cat([zeros, scores], dim=1), dim=1)  # (G,)
    positive_mass = torch.logsumexp(positive_scores.masked_fill(~is_positive, lowest), dim=1)  # (G,)
    remaining = 1.0 - torch.exp(positive_mass - all_term)  # (G,): share of the mass on negatives
    negative_loss = all_term + torch.log(remaining.clamp(min=1e-7, max=1.0))  # (G,)
    return (positive_loss + negative_loss).mean()
