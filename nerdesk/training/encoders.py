"""Encoders: token ids -> contextual vectors (B, L, H) for the GlobalPointer head.

``bilstm`` is trained from scratch on a vocabulary built with ``tokenizers``; with ``lexicon``
settings it also reads each character's dictionary-word flags (``nerdesk.runtime.lexicon``). ``hf`` wraps any
Hugging Face encoder (BERT, RoBERTa, MiniLM, ...) rebuilt from its stored config dict, so a
checkpoint never needs the original model directory. ``bilstm_chars`` (``char_encoder``) builds on
the BiLSTM layers here; ``encoder_kinds.build_encoder`` builds any of them from its settings.

Every encoder takes right-padded inputs (real tokens first, then padding) and gives each real
token the same vector whatever the amount of padding after it, so batched and single-text
predictions agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from nerdesk.runtime.lexicon import lexicon_width

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def reversal_index(attention_mask: Tensor) -> Tensor:
    """Per-row index that reverses the real tokens of a right-padded row and leaves padding alone.

    attention_mask: (B, L). Returns int64 (B, L); applying it twice is the identity.
    """
    positions = torch.cumsum(torch.ones_like(attention_mask), dim=1) - 1  # (B, L)
    lengths = attention_mask.sum(dim=1, keepdim=True)  # (B, 1)
    mirrored = lengths - 1 - positions  # (B, L)
    return torch.where(mirrored >= 0, mirrored, positions).long()  # (B, L)


def reverse_real_tokens(x: Tensor, index: Tensor) -> Tensor:
    """x: (B, L, H); index from ``reversal_index``. Returns x with each row's real tokens reversed."""
    return x.gather(1, index[:, :, None].expand(-1, -1, x.shape[-1]))  # (B, L, H)


class BiLstmLayer(nn.Module):
    """A bidirectional LSTM layer whose backward pass starts at each row's last real token.

    ``nn.LSTM(bidirectional=True)`` on a padded batch would run the backward direction through the
    padding first; packed sequences avoid that but do not export to ONNX with dynamic shapes.
    Reversing each row within its own length and running a forward LSTM does both.
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.forward_lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.backward_lstm = nn.LSTM(input_size, hidden_size, batch_first=True)

    def forward(self, x: Tensor, reverse_index: Tensor) -> Tensor:
        forward_states, _ = self.forward_lstm(x)  # (B, L, h)
        backward_input = reverse_real_tokens(x, reverse_index)  # (B, L, in)
        backward_states, _ = self.backward_lstm(backward_input)  # (B, L, h), reversed order
        backward_states = reverse_real_tokens(backward_states, reverse_index)  # (B, L, h)
        return torch.cat([forward_states, backward_states], dim=-1)  # (B, L, 2h)


class Encoder(nn.Module):
    """What the GlobalPointer model needs of an encoder: ``forward`` returns states (B, L, H) with
    H = ``hidden_size``."""

    hidden_size: int


class BiLstmEncoder(Encoder):
    """Token embedding (+ lexicon flags) + stacked padding-invariant BiLSTM layers.

    ``lexicon`` is the ``{"words": "...", "max_word_length": n}`` of a lexicon-aware model; each flag
    set on a token (``LexiconTable.ids``) adds its learnt vector to the token's embedding.
    """

    lexicon: nn.Embedding | None

    def __init__(self, vocab_size: int, embedding_dim: int = 200, hidden_size: int = 256,
                 num_layers: int = 2, dropout: float = 0.2, padding_id: int = 0,
                 lexicon: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_id)
        self.lexicon = None if lexicon is None else lexicon_embedding(int(lexicon["max_word_length"]), embedding_dim)
        sizes = [embedding_dim] + [2 * hidden_size] * (num_layers - 1)
        self.layers = nn.ModuleList(BiLstmLayer(size, hidden_size) for size in sizes)
        self.dropout = nn.Dropout(dropout)
        self.hidden_size = 2 * hidden_size

    def forward(self, input_ids: Tensor, attention_mask: Tensor, lexicon_ids: Tensor | None = None) -> Tensor:
        reverse_index = reversal_index(attention_mask)  # (B, L)
        states: Tensor = self.dropout(embed_tokens(self.embedding, self.lexicon, input_ids, lexicon_ids))  # (B, L, E)
        for layer in self.layers:
            states = self.dropout(layer(states, reverse_index))  # (B, L, 2h)
        return states


def lexicon_embedding(max_word_length: int, embedding_dim: int) -> nn.Embedding:
    """One vector per lexicon flag (id 0 pads). It starts at zero, so a model given a lexicon predicts as
    before until training moves it; an embedding row's gradient does not depend on its value."""
    embedding = nn.Embedding(lexicon_width(max_word_length) + 1, embedding_dim, padding_idx=0)
    nn.init.zeros_(embedding.weight)
    return embedding


def embed_tokens(embedding: nn.Embedding, lexicon: nn.Embedding | None, input_ids: Tensor,
                 lexicon_ids: Tensor | None) -> Tensor:
    """input_ids (B, L) [, lexicon_ids (B, L, K)] -> token vectors (B, L, E)."""
    states: Tensor = embedding(input_ids)  # (B, L, E)
    if lexicon is None:
        return states
    if lexicon_ids is None:
        raise ValueError("a lexicon-aware encoder needs lexicon_ids (B, L, K); see nerdesk.runtime.lexicon")
    flags: Tensor = lexicon(lexicon_ids)  # (B, L, K, E), zero rows for unset flags
    return states + flags.sum(dim=2)  # (B, L, E)


class HuggingFaceEncoder(Encoder):
    """Any ``transformers`` encoder, built from a config dict (weights come from the checkpoint)."""

    def __init__(self, config: dict[str, Any], model: PreTrainedModel | None = None) -> None:
        super().__init__()
        if model is None:
            from transformers import AutoConfig, AutoModel

            settings = dict(config)
            hf_config = AutoConfig.for_model(settings.pop("model_type"), **settings)
            # transformers leaves AutoModel.from_config unannotated
            model = AutoModel.from_config(hf_config)  # type: ignore[no-untyped-call]
        self.model = model
        self.hidden_size = int(model.config.hidden_size)

    @classmethod
    def from_pretrained(cls, directory: str) -> HuggingFaceEncoder:
        from transformers import AutoModel

        model = AutoModel.from_pretrained(directory)
        return cls(model.config.to_dict(), model=model)

    @property
    def config_dict(self) -> dict[str, Any]:
        return self.model.config.to_dict()

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        output = self.model(input_ids=input_ids, attention_mask=attention_mask)
        hidden: Tensor = output.last_hidden_state  # (B, L, H)
        return hidden

