"""Tokens a start model does not know, added to its vocabulary before it is trained on new documents.

A model's vocabulary is what its own training corpus held. The general Chinese model (news) maps 肾, 症,
瘤, 肝 ... to [UNK]: a tenth of the characters inside CMeEE's entities, so a head trained on medical
documents could not tell 肾炎 from 肝炎. Before training from a nerdesk checkpoint, the tokens of the
training documents that its tokenizer maps to [UNK], seen at least ``min_frequency`` times, join the
vocabulary. Their embedding rows start as copies of the [UNK] row, so the extended model predicts exactly
what the start model predicts until training moves them.

Only word-level vocabularies (one token per character or word, ``tokenizers.models.WordLevel``) are
extended; a subword tokenizer of a Hugging Face encoder has no unknown words to speak of.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import torch
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from torch import nn

from nerdesk.runtime.stand_ins import StandIns
from nerdesk.training.model import GlobalPointerModel


def unknown_tokens(tokenizer: Tokenizer, texts: Sequence[str], min_frequency: int = 2) -> list[str]:
    """The tokens of ``texts`` that ``tokenizer`` maps to its unknown token, seen at least ``min_frequency``
    times, most frequent first (as the tokenizer's normaliser writes them, e.g. lowercased)."""
    unk_id = _word_level_unknown_id(tokenizer)
    if unk_id is None:
        return []
    vocabulary = tokenizer.get_vocab()
    counts: Counter[str] = Counter()
    # The model reads ’ as ' where it knows only ' (``nerdesk.runtime.stand_ins``): such marks are not unknown.
    stand_ins = StandIns(tokenizer)
    texts = [stand_ins.apply(text) for text in texts]
    for text, encoding in zip(texts, tokenizer.encode_batch(list(texts), add_special_tokens=False), strict=True):
        for token_id, (start, end) in zip(encoding.ids, encoding.offsets, strict=True):
            if token_id == unk_id and end > start:
                counts[_normalized(tokenizer, text[start:end])] += 1
    return [token for token, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            if count >= min_frequency and token not in vocabulary]


def extend_vocabulary(model: GlobalPointerModel, tokenizer: Tokenizer, texts: Sequence[str],
                      min_frequency: int = 2) -> tuple[Tokenizer, list[str]]:
    """Add the unknown tokens of ``texts`` to ``tokenizer`` and rows for them to ``model``'s token embedding
    (in place); returns the new tokenizer and the tokens added (none for an encoder without an embedding
    table of the tokenizer's size, or a tokenizer that is not word-level)."""
    embedding = getattr(model.encoder, "embedding", None)
    unk_id = _word_level_unknown_id(tokenizer)
    if not isinstance(embedding, nn.Embedding) or unk_id is None or embedding.num_embeddings != tokenizer.get_vocab_size():
        return tokenizer, []
    added = unknown_tokens(tokenizer, texts, min_frequency)
    if not added:
        return tokenizer, []
    with torch.no_grad():
        new_rows = embedding.weight[unk_id].expand(len(added), -1)  # (A, E)
        weight = torch.cat([embedding.weight, new_rows], dim=0)  # (V + A, E)
    extended = nn.Embedding(weight.shape[0], weight.shape[1], padding_idx=embedding.padding_idx)
    extended.weight = nn.Parameter(weight, requires_grad=embedding.weight.requires_grad)
    model.encoder.embedding = extended
    model.config = replace(model.config, encoder={**model.config.encoder, "vocab_size": int(weight.shape[0])})
    return _with_tokens(tokenizer, added), added


def _word_level_unknown_id(tokenizer: Tokenizer) -> int | None:
    """The id of a word-level tokenizer's unknown token; None for any other model."""
    if not isinstance(tokenizer.model, WordLevel):
        return None
    return tokenizer.token_to_id(tokenizer.model.unk_token)


def _normalized(tokenizer: Tokenizer, surface: str) -> str:
    return tokenizer.normalizer.normalize_str(surface) if tokenizer.normalizer is not None else surface


def _with_tokens(tokenizer: Tokenizer, tokens: list[str]) -> Tokenizer:
    """``tokenizer`` with ``tokens`` appended to its word-level vocabulary (ids after the existing ones);
    everything else (normaliser, pre-tokeniser, padding, special tokens) is kept."""
    data = json.loads(tokenizer.to_str())
    vocab = data["model"]["vocab"]
    for token in tokens:
        vocab[token] = len(vocab)
    return Tokenizer.from_str(json.dumps(data, ensure_ascii=False))
