"""The sparse multilabel cross-entropy equals the dense formula."""

from __future__ import annotations

import torch

from nerdesk.training.heads import valid_cells
from nerdesk.training.loss import NO_CELL, sparse_multilabel_crossentropy


def dense_reference(logits: torch.Tensor, gold: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """log(1 + sum_pos exp(-s)) + log(1 + sum_neg exp(s)), written out cell by cell."""
    losses = []
    batch, labels = logits.shape[:2]
    for b in range(batch):
        for m in range(labels):
            scores, is_gold, ok = logits[b, m].flatten(), gold[b, m].flatten(), valid[b, 0].flatten()
            positives = scores[is_gold & ok]
            negatives = scores[~is_gold & ok]
            losses.append(torch.log1p(torch.exp(-positives).sum()) + torch.log1p(torch.exp(negatives).sum()))
    return torch.stack(losses).mean()


def test_sparse_loss_matches_dense_reference():
    torch.manual_seed(0)
    batch, labels, length = 2, 3, 5
    token_mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    valid = valid_cells(token_mask)  # (B, 1, L, L)
    raw = torch.randn(batch, labels, length, length) * 3
    logits = raw.masked_fill(~valid, torch.finfo(torch.float32).min)
    gold_cells = {(0, 0, 0, 2), (0, 0, 1, 1), (0, 2, 3, 4), (1, 1, 0, 2)}
    gold = torch.zeros(batch, labels, length, length, dtype=torch.bool)
    positive = torch.full((batch, labels, 2), NO_CELL)
    filled = torch.zeros(batch, labels, dtype=torch.long)
    for b, m, i, j in sorted(gold_cells):
        gold[b, m, i, j] = True
        positive[b, m, filled[b, m]] = i * length + j
        filled[b, m] += 1
    sparse = sparse_multilabel_crossentropy(logits, positive)
    dense = dense_reference(logits, gold, valid)
    assert torch.allclose(sparse, dense, rtol=1e-5, atol=1e-5)


def test_sparse_loss_is_small_when_scores_separate_and_has_gradients():
    logits = torch.full((1, 1, 3, 3), -20.0)
    logits[0, 0, 0, 1] = 20.0
    logits.requires_grad_(True)
    positive = torch.tensor([[[0 * 3 + 1]]])
    loss = sparse_multilabel_crossentropy(logits, positive)
    assert loss.item() < 1e-6
    flipped = sparse_multilabel_crossentropy(-logits, positive)
    assert flipped.item() > 20
    flipped.backward()
    assert torch.isfinite(logits.grad).all()
