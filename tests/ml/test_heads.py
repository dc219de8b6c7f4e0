"""Heads, validity mask and RoPE: shapes, masked cells, padding independence."""

from __future__ import annotations

import pytest
import torch

from nerdesk.training.heads import (
    EfficientGlobalPointerHead,
    GlobalPointerHead,
    RotaryEmbedding,
    valid_cells,
)
from nerdesk.training.model import GlobalPointerModel, ModelConfig

LOWEST = torch.finfo(torch.float32).min


@pytest.mark.parametrize("head_class", [GlobalPointerHead, EfficientGlobalPointerHead])
def test_head_scores_every_type_and_cell(head_class):
    head = head_class(hidden_size=24, num_labels=5, head_size=8)
    scores = head(torch.randn(3, 7, 24))
    assert scores.shape == (3, 5, 7, 7)
    assert scores.dtype == torch.float32


def test_efficient_head_parameters_barely_grow_with_types():
    def count(head):
        return sum(p.numel() for p in head.parameters())

    gp_growth = count(GlobalPointerHead(64, 20, 16)) - count(GlobalPointerHead(64, 2, 16))
    egp_growth = count(EfficientGlobalPointerHead(64, 20, 16)) - count(EfficientGlobalPointerHead(64, 2, 16))
    assert egp_growth * 10 < gp_growth


def test_rope_scores_depend_on_relative_position_only():
    rope = RotaryEmbedding(8)
    vector = torch.randn(8)
    q = rope(vector.expand(1, 10, 8).clone())  # (1, 10, 8): same vector at every position
    k = rope(vector.flip(0).expand(1, 10, 8).clone())
    dots = torch.einsum("bid,bjd->bij", q, k)[0]  # (10, 10)
    assert torch.allclose(dots[0, 3], dots[4, 7], atol=1e-5)
    assert not torch.allclose(dots[0, 3], dots[0, 5], atol=1e-3)


def test_mask_excludes_padding_on_both_axes_and_lower_triangle():
    token_mask = torch.tensor([[1, 1, 1, 0, 0]])
    valid = valid_cells(token_mask)[0, 0]  # (5, 5)
    expected = torch.tensor([[1, 1, 1, 0, 0],
                             [0, 1, 1, 0, 0],
                             [0, 0, 1, 0, 0],
                             [0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0]], dtype=torch.bool)
    assert torch.equal(valid, expected)


@pytest.mark.parametrize("head", ["gp", "egp"])
def test_model_masks_special_tokens_padding_and_lower_triangle(head, tiny_bilstm):
    config = ModelConfig(labels=["A", "B"], encoder=tiny_bilstm(20), head=head, head_size=8)
    model = GlobalPointerModel(config).eval()
    input_ids = torch.tensor([[2, 5, 6, 7, 3, 0]])  # [CLS] x x x [SEP] [PAD]
    attention = torch.tensor([[1, 1, 1, 1, 1, 0]])
    token_mask = torch.tensor([[0, 1, 1, 1, 0, 0]])
    logits, loss = model(input_ids, attention, token_mask)
    assert loss is None
    assert logits.shape == (1, 2, 6, 6)
    invalid = logits == LOWEST
    for special in (0, 4, 5):
        assert invalid[0, :, special, :].all() and invalid[0, :, :, special].all()
    assert invalid[0, :, 2, 1].all() and invalid[0, :, 3, 1].all()  # start after end
    upper = torch.ones(3, 3, dtype=torch.bool).triu()
    assert torch.equal(~invalid[0, :, 1:4, 1:4], upper.expand(2, 3, 3))
    assert (~invalid[0, 0]).sum() == 6  # 3 real tokens -> 3 * 4 / 2 cells


def test_token_mask_defaults_to_attention_mask(tiny_bilstm):
    config = ModelConfig(labels=["A"], encoder=tiny_bilstm(20), head_size=8)
    model = GlobalPointerModel(config).eval()
    input_ids = torch.tensor([[4, 5, 6, 0]])
    attention = torch.tensor([[1, 1, 1, 0]])
    with torch.no_grad():
        implicit, _ = model(input_ids, attention)
        explicit, _ = model(input_ids, attention, attention)
    assert torch.equal(implicit, explicit)
    assert (implicit[0, 0] > LOWEST).sum() == 6


@pytest.mark.parametrize("head", ["gp", "egp"])
def test_real_tokens_score_the_same_with_or_without_padding(head, tiny_bilstm):
    config = ModelConfig(labels=["A", "B"], encoder=tiny_bilstm(30, num_layers=2), head=head, head_size=8)
    model = GlobalPointerModel(config).eval()
    ids = torch.tensor([[5, 6, 7, 8]])
    padded = torch.tensor([[5, 6, 7, 8, 0, 0, 0], [9, 9, 9, 9, 9, 9, 9]])
    attention = (padded != 0).long()
    with torch.no_grad():
        alone, _ = model(ids, torch.ones_like(ids))
        batched, _ = model(padded, attention)
    assert torch.allclose(alone[0], batched[0, :, :4, :4], atol=1e-5)
