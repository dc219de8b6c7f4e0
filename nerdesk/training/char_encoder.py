"""A character- and word-aware BiLSTM encoder trained from scratch (``kind: "bilstm_chars"``).

Each token enters the BiLSTM as [word embedding ; character CNN over the token's characters], as in
Ma & Hovy (2016) and Lample et al. (2016): the word embedding knows the frequent words of the
training text, the characters give every token (rare and unseen ones too) its spelling, its case
and its affixes. The character ids come from ``nerdesk.runtime.chars.CharTable``, which the runtime
uses too; its vocabulary and width are stored with the encoder's settings in ``config.json``.

Like ``BiLstmEncoder`` it takes right-padded inputs and gives each real token the same vector
whatever the padding after it: a token's character vector depends on its own characters only (the
width ``C`` is fixed, padded character slots are masked out of the max-pool), and the BiLSTM layers
are the padding-invariant ``BiLstmLayer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor, nn

from nerdesk.runtime.chars import CHAR_PAD, CharTable, char_vocabulary
from nerdesk.training.encoders import BiLstmLayer, Encoder, reversal_index

KIND = "bilstm_chars"
RESERVED_CHAR_IDS = 2  # padding and unknown


class CharCnn(nn.Module):
    """Character embeddings -> one convolution -> ReLU -> max over the token's characters."""

    def __init__(self, alphabet_size: int, char_dim: int = 30, filters: int = 50, kernel_size: int = 3) -> None:
        super().__init__()
        self.embedding = nn.Embedding(alphabet_size, char_dim, padding_idx=CHAR_PAD)
        self.convolution = nn.Conv1d(char_dim, filters, kernel_size, padding=kernel_size // 2)
        self.output_size = filters

    def forward(self, char_ids: Tensor) -> Tensor:
        """char_ids: (B, L, C) int64, 0 = padding. Returns (B, L, F); all zeros for a token without characters."""
        batch, length, width = char_ids.shape
        flat = char_ids.reshape(-1, width)  # (BL, C)
        embedded = self.embedding(flat).transpose(1, 2)  # (BL, e, C)
        features = torch.relu(self.convolution(embedded))  # (BL, F, C)
        present = (flat != CHAR_PAD)[:, None, :].to(features.dtype)  # (BL, 1, C)
        pooled = (features * present).amax(dim=2)  # (BL, F); ReLU outputs >= 0, so masked slots never win
        return pooled.reshape(batch, length, self.output_size)  # (B, L, F)


class CharAwareBiLstmEncoder(Encoder):
    """[word embedding ; char CNN] per token, then stacked padding-invariant BiLSTM layers."""

    def __init__(self, vocab_size: int, char_vocabulary: Sequence[str], chars_per_token: int = 16,
                 embedding_dim: int = 100, char_dim: int = 30, char_filters: int = 50, char_kernel: int = 3,
                 hidden_size: int = 256, num_layers: int = 2, dropout: float = 0.5, word_dropout: float = 0.0,
                 padding_id: int = 0, unk_id: int = 1) -> None:
        super().__init__()
        self.char_table = CharTable(tuple(char_vocabulary), chars_per_token)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_id)
        self.chars = CharCnn(len(char_vocabulary) + RESERVED_CHAR_IDS, char_dim, char_filters, char_kernel)
        sizes = [embedding_dim + char_filters] + [2 * hidden_size] * (num_layers - 1)
        self.layers = nn.ModuleList(BiLstmLayer(size, hidden_size) for size in sizes)
        self.dropout = nn.Dropout(dropout)
        self.word_dropout, self.unk_id = word_dropout, unk_id
        self.hidden_size = 2 * hidden_size

    def forward(self, input_ids: Tensor, attention_mask: Tensor, char_ids: Tensor | None = None) -> Tensor:
        """input_ids, attention_mask: (B, L) int64; char_ids: (B, L, C) int64. Returns (B, L, 2h)."""
        if char_ids is None:
            raise ValueError("a character-aware encoder needs char_ids (B, L, C); see nerdesk.runtime.chars")
        reverse_index = reversal_index(attention_mask)  # (B, L)
        words = self.embedding(self._drop_words(input_ids, attention_mask))  # (B, L, E)
        states: Tensor = self.dropout(torch.cat([words, self.chars(char_ids)], dim=-1))  # (B, L, E + F)
        for layer in self.layers:
            states = self.dropout(layer(states, reverse_index))  # (B, L, 2h)
        return states

    def _drop_words(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        """In training, replace a share ``word_dropout`` of the real tokens by [UNK]: the model learns to
        read unknown words from their characters, as it must at prediction time."""
        if not self.training or self.word_dropout <= 0:
            return input_ids
        dropped = (torch.rand(input_ids.shape, device=input_ids.device) < self.word_dropout) & attention_mask.bool()
        return input_ids.masked_fill(dropped, self.unk_id)  # (B, L)


def char_encoder_settings(texts: Sequence[str], vocab_size: int, padding_id: int, unk_id: int, *,
                          chars_per_token: int = 16, min_char_frequency: int = 1,
                          **dimensions: Any) -> dict[str, Any]:
    """The ``ModelConfig.encoder`` dict of a new character-aware encoder for a word tokenizer built on ``texts``."""
    table = CharTable(char_vocabulary(texts, min_char_frequency), chars_per_token)
    return {"kind": KIND, "vocab_size": vocab_size, "padding_id": padding_id, "unk_id": unk_id,
            **table.to_config(), **dimensions}
