"""The trained model rewritten for inference: same weights, same scores, fewer and cheaper operations.

``inference_module(model)`` is what export traces to ONNX, and what the torch engine of the
inference benchmark runs, so both engines compute the same thing; export checks the ONNX model
against the trained model itself (``check_parity``), which also checks every rewrite here.

- Each BiLSTM layer becomes one ONNX ``LSTM`` node with ``direction="bidirectional"`` and
  ``sequence_lens``, whose backward direction starts at each row's last real token. The training
  module gets the same result by reversing every row within its length with two gathers around a
  forward LSTM (torch cannot export packed sequences with dynamic shapes); in eager mode the layer
  still runs that way.
- The GlobalPointer head's query and key channels are reordered so that RoPE rotates halves
  (``[-x2, x1]``, two contiguous slices) instead of interleaved pairs (two strided slices and an
  interleave). A q·k product does not change when q and k have their channels reordered alike.
  An Efficient GlobalPointer head, and a Hugging Face encoder, are traced as trained.
- No validity mask: the runtime decoder reads only the cells a span can occupy.
"""

from __future__ import annotations

import math
from typing import Any, cast

import torch
from torch import Tensor, nn

from nerdesk.training.char_encoder import CharAwareBiLstmEncoder
from nerdesk.training.encoders import BiLstmEncoder, BiLstmLayer, embed_tokens, reversal_index
from nerdesk.training.heads import GlobalPointerHead, token_positions
from nerdesk.training.model import GlobalPointerModel

ONNX_INT32 = 6  # TensorProto.INT32, the type of an LSTM's sequence_lens


def inference_module(model: GlobalPointerModel) -> nn.Module:
    """``model`` as inference runs it: (input_ids, attention_mask, token_mask[, feature_ids]) -> logits
    (B, m, L, L); ``feature_ids`` (B, L, K) for an encoder that reads characters or lexicon flags only."""
    return InferenceModel(model).eval()


def _inference_encoder(encoder: nn.Module) -> nn.Module:
    if isinstance(encoder, CharAwareBiLstmEncoder):
        return InferenceCharBiLstmEncoder(encoder)
    if isinstance(encoder, BiLstmEncoder):
        return InferenceBiLstmEncoder(encoder)
    return encoder


class InferenceModel(nn.Module):
    def __init__(self, model: GlobalPointerModel) -> None:
        super().__init__()
        self.encoder = _inference_encoder(model.encoder)
        head = model.head
        self.head = HalfRotationGlobalPointerHead(head) if isinstance(head, GlobalPointerHead) else head

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_mask: Tensor,
                feature_ids: Tensor | None = None) -> Tensor:
        """Unmasked logits (B, m, L, L); ``token_mask`` is accepted for the graph's signature only."""
        if feature_ids is None:
            hidden = self.encoder(input_ids, attention_mask)  # (B, L, H)
        else:
            hidden = self.encoder(input_ids, attention_mask, feature_ids)  # (B, L, H)
        logits: Tensor = self.head(hidden.float())  # (B, m, L, L)
        return logits


def _onnx_gate_order(tensor: Tensor, hidden_size: int) -> Tensor:
    """Rows of an LSTM weight or bias from torch's gate order (i, f, g, o) to ONNX's (i, o, f, c)."""
    # torch leaves Tensor.split unannotated
    gates = tensor.split(hidden_size, dim=0)  # type: ignore[no-untyped-call]
    input_gate, forget_gate, cell_gate, output_gate = gates
    return torch.cat([input_gate, output_gate, forget_gate, cell_gate], dim=0)


class _BidirectionalLstmNode(torch.autograd.Function):
    """Export only: replaces a traced BiLSTM layer by one ONNX LSTM node.

    ``states`` is the layer's eager output, returned as it is while tracing; the symbolic ignores it,
    so the gathers and the two LSTMs that produced it drop out of the graph.
    """

    @staticmethod
    def forward(ctx: Any, states: Tensor, x: Tensor, lengths: Tensor, weights: Tensor,
                recurrent: Tensor, bias: Tensor, hidden_size: int) -> Tensor:
        return states.clone()

    @staticmethod
    def symbolic(g: Any, states: Any, x: Any, lengths: Any, weights: Any, recurrent: Any, bias: Any,
                 hidden_size: int) -> Any:
        """The ONNX node; ``g`` and the values are the exporter's own (torch.onnx internals, untyped)."""
        time_major = g.op("Transpose", x, perm_i=[1, 0, 2])  # (L, B, in)
        sequence_lens = g.op("Cast", lengths, to_i=ONNX_INT32)  # (B,)
        outputs, _, _ = g.op("LSTM", time_major, weights, recurrent, bias, sequence_lens,
                             direction_s="bidirectional", hidden_size_i=hidden_size, outputs=3)  # (L, 2, B, h)
        batch_major = g.op("Transpose", outputs, perm_i=[2, 0, 1, 3])  # (B, L, 2, h)
        shape = g.op("Constant", value_t=torch.tensor([0, 0, -1], dtype=torch.int64))
        return g.op("Reshape", batch_major, shape)  # (B, L, 2h)


def _lstm_weight(lstm: nn.LSTM, name: str) -> Tensor:
    """A per-layer weight of ``lstm`` (``weight_ih_l0``...): registered under computed names that torch's
    type stubs do not declare."""
    return cast(Tensor, getattr(lstm, name))


class InferenceBiLstmLayer(nn.Module):
    def __init__(self, layer: BiLstmLayer) -> None:
        super().__init__()
        self.layer = layer
        self.hidden_size = layer.forward_lstm.hidden_size
        directions = (layer.forward_lstm, layer.backward_lstm)
        h = self.hidden_size
        with torch.no_grad():
            weights = torch.stack([_onnx_gate_order(_lstm_weight(d, "weight_ih_l0"), h)
                                   for d in directions])  # (2, 4h, in)
            recurrent = torch.stack([_onnx_gate_order(_lstm_weight(d, "weight_hh_l0"), h)
                                     for d in directions])  # (2, 4h, h)
            bias = torch.stack([torch.cat([_onnx_gate_order(_lstm_weight(d, "bias_ih_l0"), h),
                                           _onnx_gate_order(_lstm_weight(d, "bias_hh_l0"), h)])
                                for d in directions])  # (2, 8h)
        self.register_buffer("weights", weights)
        self.register_buffer("recurrent", recurrent)
        self.register_buffer("bias", bias)

    def forward(self, x: Tensor, reverse_index: Tensor, lengths: Tensor) -> Tensor:
        states: Tensor = self.layer(x, reverse_index)  # (B, L, 2h)
        if torch.onnx.is_in_onnx_export():
            # torch leaves autograd.Function.apply unannotated
            node: Tensor = _BidirectionalLstmNode.apply(  # type: ignore[no-untyped-call]
                states, x, lengths, self.weights, self.recurrent, self.bias, self.hidden_size)
            return node
        return states


class InferenceBiLstmEncoder(nn.Module):
    def __init__(self, encoder: BiLstmEncoder | CharAwareBiLstmEncoder) -> None:
        super().__init__()
        self.embedding = encoder.embedding
        self.lexicon: nn.Embedding | None = getattr(encoder, "lexicon", None)
        # nn.ModuleList is not generic: its items are the encoder's BiLstmLayers
        self.layers = nn.ModuleList(InferenceBiLstmLayer(cast(BiLstmLayer, layer))
                                    for layer in encoder.layers)
        self.hidden_size = encoder.hidden_size

    def forward(self, input_ids: Tensor, attention_mask: Tensor, lexicon_ids: Tensor | None = None) -> Tensor:
        tokens = embed_tokens(self.embedding, self.lexicon, input_ids, lexicon_ids)  # (B, L, E)
        return self.contextual(tokens, attention_mask)  # (B, L, 2h)

    def contextual(self, states: Tensor, attention_mask: Tensor) -> Tensor:
        """states: (B, L, in) token inputs through the BiLSTM layers -> (B, L, 2h)."""
        lengths = attention_mask.sum(dim=1)  # (B,)
        reverse_index = reversal_index(attention_mask)  # (B, L)
        for layer in self.layers:
            states = layer(states, reverse_index, lengths)  # (B, L, 2h)
        return states


class InferenceCharBiLstmEncoder(InferenceBiLstmEncoder):
    """``CharAwareBiLstmEncoder`` with one ONNX LSTM node per layer; the character CNN is traced as trained."""

    def __init__(self, encoder: CharAwareBiLstmEncoder) -> None:
        super().__init__(encoder)
        self.chars = encoder.chars

    def forward(self, input_ids: Tensor, attention_mask: Tensor, char_ids: Tensor | None = None) -> Tensor:
        if char_ids is None:
            raise ValueError("a character-aware encoder needs char_ids (B, L, C); see nerdesk.runtime.chars")
        tokens = torch.cat([self.embedding(input_ids), self.chars(char_ids)], dim=-1)  # (B, L, E + F)
        return self.contextual(tokens, attention_mask)  # (B, L, 2h)


class HalfRotationGlobalPointerHead(nn.Module):
    """``GlobalPointerHead`` with each query/key block's channels ordered evens first, then odds."""

    inverse_frequency: Tensor  # (d/2,) a buffer

    def __init__(self, head: GlobalPointerHead) -> None:
        super().__init__()
        self.num_labels, self.head_size = head.num_labels, head.head_size
        d = head.head_size
        half_order = torch.cat([torch.arange(0, d, 2), torch.arange(1, d, 2)])  # (d,)
        blocks = torch.arange(2 * head.num_labels)  # a query block and a key block per type
        rows = (blocks[:, None] * d + half_order[None, :]).flatten()  # (2md,)
        self.projection = nn.Linear(head.projection.in_features, head.projection.out_features)
        with torch.no_grad():
            self.projection.weight.copy_(head.projection.weight[rows])
            self.projection.bias.copy_(head.projection.bias[rows])
        self.register_buffer("inverse_frequency", head.rope.inverse_frequency.clone(), persistent=False)

    def forward(self, hidden: Tensor) -> Tensor:
        batch, length = hidden.shape[0], hidden.shape[1]
        d = self.head_size
        projected = self.projection(hidden).reshape(batch, length, self.num_labels, 2 * d)  # (B, L, m, 2d)
        queries, keys = projected[..., :d], projected[..., d:]  # each (B, L, m, d)
        angles = token_positions(hidden)[:, None] * self.inverse_frequency[None, :]  # (L, d/2)
        sin = torch.cat([angles.sin(), angles.sin()], dim=-1)[None, :, None, :]  # (1, L, 1, d)
        cos = torch.cat([angles.cos(), angles.cos()], dim=-1)[None, :, None, :]  # (1, L, 1, d)
        queries = self._rotate(queries, sin, cos) / math.sqrt(d)  # (B, L, m, d)
        keys = self._rotate(keys, sin, cos)  # (B, L, m, d)
        return torch.matmul(queries.transpose(1, 2), keys.permute(0, 2, 3, 1))  # (B, m, L, L)

    def _rotate(self, x: Tensor, sin: Tensor, cos: Tensor) -> Tensor:
        half = self.head_size // 2
        rotated_halves = torch.cat([-x[..., half:], x[..., :half]], dim=-1)  # (B, L, m, d)
        return x * cos + rotated_halves * sin
