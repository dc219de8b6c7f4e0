"""Multilabel categorical cross-entropy over span cells, in its sparse form.

For one (sample, type) pair with cell scores ``s``, positives P and negatives N (Su 2020):
``log(1 + sum_{P} exp(-s)) + log(1 + sum_{N} exp(s))``.
The positives arrive as flat cell indices, so no dense (B, m, L, L) label tensor is built. The
negative term is taken over the scores with the positive cells overwritten by ``finfo.min``, not as
``log(1 + sum_all) + log(1 - exp(lse_P - log(1 + sum_all)))``: that shorter form cancels
catastrophically in fp32 once the positives dominate and then pushes confident positives down.
Invalid cells already hold ``finfo(float32).min`` and contribute ``exp(min) = 0`` to every sum.
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
    lowest = torch.finfo(torch.float32).min
    scores = logits.float().reshape(batch * num_labels, length * length)  # (G, L*L)
    # One extra column at finfo.min gives the padding entries somewhere harmless to point.
    scores = torch.cat([scores, torch.full_like(scores[:, :1], lowest)], dim=1)  # (G, L*L+1)
    cells = positive_cells.reshape(batch * num_labels, -1)  # (G, P)
    is_positive = cells != NO_CELL  # (G, P)
    cells = torch.where(is_positive, cells, torch.full_like(cells, length * length))  # (G, P)
    zeros = torch.zeros_like(scores[:, :1])  # (G, 1)

    positive_scores = scores.gather(1, cells)  # (G, P)
    negated = (-positive_scores).masked_fill(~is_positive, lowest)  # (G, P)
    positive_loss = torch.logsumexp(torch.cat([zeros, negated], dim=1), dim=1)  # (G,)

    negative_scores = scores.scatter(1, cells, lowest)  # (G, L*L+1): positives removed
    negative_loss = torch.logsumexp(torch.cat([zeros, negative_scores], dim=1), dim=1)  # (G,)
    return (positive_loss + negative_loss).mean()
