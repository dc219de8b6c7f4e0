"""GlobalPointer heads: every (start, end) token pair gets one score per entity type.

GlobalPointer (Su 2021) projects each token to a query and a key per type and scores a span by
their dot product after rotary position embedding (RoPE), which makes the score depend on the
relative distance between start and end. Efficient GlobalPointer (Su 2022) shares one query/key
projection across types and adds a cheap per-type bias from the start and end tokens, so the
parameter count barely grows with the number of types.

Everything here exports to ONNX with ``torch.onnx.export(..., dynamo=False)`` and dynamic batch and
sequence axes: positions come from ``cumsum`` over the input (not a Python ``range``), and RoPE
repeats its angles with ``stack(...).flatten`` (``repeat_interleave`` breaks the exported graph).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


def token_positions(hidden: Tensor) -> Tensor:
    """Positions ``0..L-1`` of the sequence axis of ``hidden`` (B, L, ...), as float32 (L,)."""
    ones = torch.ones_like(hidden.flatten(2)[0, :, 0], dtype=torch.float32)  # (L,)
    return torch.cumsum(ones, dim=0) - 1.0  # (L,)


class RotaryEmbedding(nn.Module):
    """Rotary position embedding on interleaved channel pairs (0,1), (2,3), ...

    ``tables`` computes the sin/cos tables once per batch; ``rotate`` applies them, so a head
    rotates its queries and keys with one pair of tables.
    """

    inverse_frequency: Tensor  # (d/2,) a buffer

    def __init__(self, head_size: int, base: float = 10000.0) -> None:
        super().__init__()
        if head_size % 2:
            raise ValueError(f"RoPE needs an even head size, got {head_size}")
        inverse_frequency = base ** (-torch.arange(0, head_size, 2, dtype=torch.float32) / head_size)  # (d/2,)
        self.register_buffer("inverse_frequency", inverse_frequency, persistent=False)

    def tables(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """sin and cos (1, L, [1,] d) for ``x`` (B, L, ..., d), shaped to broadcast over its middle axes."""
        positions = token_positions(x)  # (L,)
        angles = positions[:, None] * self.inverse_frequency[None, :]  # (L, d/2)
        sin = torch.stack([angles.sin(), angles.sin()], dim=-1).flatten(-2)  # (L, d)
        cos = torch.stack([angles.cos(), angles.cos()], dim=-1).flatten(-2)  # (L, d)
        shape = (1, -1) + (1,) * (x.dim() - 3) + (x.shape[-1],)
        return sin.reshape(shape), cos.reshape(shape)  # (1, L, [1,] d)

    @staticmethod
    def rotate(x: Tensor, sin: Tensor, cos: Tensor) -> Tensor:
        """Rotate ``x`` (B, L, ..., d) with tables from ``tables``."""
        rotated_pairs = torch.stack([-x[..., 1::2], x[..., 0::2]], dim=-1).flatten(-2)  # (B, L, ..., d)
        return x * cos + rotated_pairs * sin  # (B, L, ..., d)

    def forward(self, x: Tensor) -> Tensor:
        """Rotate ``x`` (B, L, ..., d) by its position on axis 1."""
        return self.rotate(x, *self.tables(x))


class GlobalPointerHead(nn.Module):
    """One query/key projection per entity type; scores (B, m, L, L)."""

    def __init__(self, hidden_size: int, num_labels: int, head_size: int = 64) -> None:
        super().__init__()
        self.num_labels = num_labels
        self.head_size = head_size
        self.projection = nn.Linear(hidden_size, num_labels * head_size * 2)
        self.rope = RotaryEmbedding(head_size)

    def forward(self, hidden: Tensor) -> Tensor:
        batch, length = hidden.shape[0], hidden.shape[1]
        projected = self.projection(hidden)  # (B, L, m*2d)
        projected = projected.reshape(batch, length, self.num_labels, 2 * self.head_size)  # (B, L, m, 2d)
        queries, keys = projected[..., : self.head_size], projected[..., self.head_size:]  # each (B, L, m, d)
        sin, cos = self.rope.tables(queries)  # each (1, L, 1, d)
        # Scaling the queries instead of the scores divides L*d numbers per type instead of L*L.
        queries = self.rope.rotate(queries, sin, cos) / math.sqrt(self.head_size)  # (B, L, m, d)
        keys = self.rope.rotate(keys, sin, cos)  # (B, L, m, d)
        return torch.matmul(queries.transpose(1, 2), keys.permute(0, 2, 3, 1))  # (B, m, L, L)


class EfficientGlobalPointerHead(nn.Module):
    """Shared query/key for all types plus a per-type start bias and end bias; scores (B, m, L, L)."""

    def __init__(self, hidden_size: int, num_labels: int, head_size: int = 64) -> None:
        super().__init__()
        self.num_labels = num_labels
        self.head_size = head_size
        self.projection = nn.Linear(hidden_size, head_size * 2)
        self.type_bias = nn.Linear(head_size * 2, num_labels * 2)
        self.rope = RotaryEmbedding(head_size)

    def forward(self, hidden: Tensor) -> Tensor:
        features = self.projection(hidden)  # (B, L, 2d)
        queries, keys = features[..., 0::2], features[..., 1::2]  # each (B, L, d)
        sin, cos = self.rope.tables(queries)  # each (1, L, d)
        queries = self.rope.rotate(queries, sin, cos) / math.sqrt(self.head_size)  # (B, L, d)
        keys = self.rope.rotate(keys, sin, cos)  # (B, L, d)
        shared = torch.matmul(queries, keys.transpose(1, 2))  # (B, L, L)
        bias: Tensor = self.type_bias(features).transpose(1, 2) / 2  # (B, 2m, L)
        start_bias = bias[:, 1::2, :, None]  # (B, m, L, 1): indexed by the start token
        end_bias = bias[:, 0::2, None, :]  # (B, m, 1, L): indexed by the end token
        return shared[:, None] + start_bias + end_bias  # (B, m, L, L)


SpanHead = GlobalPointerHead | EfficientGlobalPointerHead  # what build_head makes


def build_head(kind: str, hidden_size: int, num_labels: int, head_size: int) -> SpanHead:
    heads: dict[str, type[SpanHead]] = {"gp": GlobalPointerHead, "egp": EfficientGlobalPointerHead}
    if kind not in heads:
        raise ValueError(f"unknown head {kind!r}; choose one of {', '.join(heads)}")
    return heads[kind](hidden_size, num_labels, head_size)


def valid_cells(token_mask: Tensor) -> Tensor:
    """Cells a span may occupy: start and end on allowed tokens and start <= end.

    ``token_mask`` (B, L) is 1 on tokens a span may start or end on (0 on padding and special
    tokens). Returns a boolean (B, 1, L, L) that broadcasts over the entity types.
    """
    allowed = token_mask.bool()  # (B, L)
    both = allowed[:, :, None] & allowed[:, None, :]  # (B, L, L)
    positions = token_positions(token_mask[:, :, None])  # (L,)
    upper = positions[:, None] <= positions[None, :]  # (L, L): start <= end
    return (both & upper[None])[:, None]  # (B, 1, L, L)
