"""Pretrained word vectors for the word embeddings of a ``bilstm_chars`` encoder.

A model trained on one corpus of 14k sentences knows the words of that corpus only; a word it never
saw in training is ``[UNK]`` and read from its characters alone. Pretrained vectors give it the
meaning of tens of thousands of other words (a new surname sits next to other surnames), which is
the largest single gain for BiLSTM taggers (Lample et al. 2016: 83.6 -> 90.9 CoNLL-2003 F1).

The vectors are looked up by lowercased word: the word tokenizer lowercases (the character CNN
still reads each token's case from the original text, through its offsets), so one vector serves
"Paris", "paris" and "PARIS". A vector table is a directory with three files, no pickle:

- ``vectors.safetensors``: ``vectors`` (N, D) float32;
- ``words.json``: the N lowercased words, row by row;
- ``source.json``: where the vectors came from (package, version, SHA-256 of the original file).

They only initialise the embedding rows: the trained weights live in the model's checkpoint, so
neither retraining nor inference needs the table or the package it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer

VECTORS_FILE = "vectors.safetensors"
WORDS_FILE = "words.json"
SOURCE_FILE = "source.json"


@dataclass(frozen=True)
class WordVectors:
    """Lowercased words and their vectors; ``source`` says where they came from."""

    words: tuple[str, ...]
    vectors: NDArray[np.float32]  # (N, D)
    source: dict[str, Any]

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but vectors of shape {self.vectors.shape}")
        if len(set(self.words)) != len(self.words):
            raise ValueError("the words of a vector table must be unique")

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        save_file({"vectors": np.ascontiguousarray(self.vectors, dtype=np.float32)}, str(directory / VECTORS_FILE))
        (directory / WORDS_FILE).write_text(json.dumps(list(self.words), ensure_ascii=False), "utf-8")
        (directory / SOURCE_FILE).write_text(json.dumps(self.source, indent=2), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> WordVectors:
        missing = [name for name in (VECTORS_FILE, WORDS_FILE, SOURCE_FILE) if not (directory / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{directory} is not a word-vector table: {', '.join(missing)} missing")
        vectors = load_file(str(directory / VECTORS_FILE))["vectors"]
        words = tuple(json.loads((directory / WORDS_FILE).read_text("utf-8")))
        source = json.loads((directory / SOURCE_FILE).read_text("utf-8"))
        return cls(words, vectors.astype(np.float32), source)


def reduce_dimension(vectors: NDArray[np.float32], dimension: int) -> NDArray[np.float32]:
    """Project (N, D) vectors on their first ``dimension`` principal components, scaled to unit variance.

    Unit variance matches ``nn.Embedding``'s N(0, 1) initialisation, so the rows without a pretrained
    vector and the rows with one start on the same scale.
    """
    centred = vectors - vectors.mean(axis=0, keepdims=True)  # (N, D)
    _, _, components = np.linalg.svd(centred, full_matrices=False)  # (D, D), rows by explained variance
    projected: NDArray[np.float32] = (centred @ components[:dimension].T).astype(np.float32)  # (N, dimension)
    scaled: NDArray[np.float32] = projected / projected.std()
    return scaled


def initialise_embeddings(embedding: torch.nn.Embedding, tokenizer: Tokenizer, table: WordVectors) -> int:
    """Copy the table's vector into the embedding row of every vocabulary word it has; return how many rows.

    The table's words must be spelled as the vocabulary's: a table of lowercased words needs a lowercasing
    tokenizer (``build_word_tokenizer(lowercase=True)``); a table of characters, a character tokenizer.
    """
    if embedding.embedding_dim != table.dimension:
        raise ValueError(f"embedding width {embedding.embedding_dim} but {table.dimension}-dimensional vectors")
    row_of = {word: row for row, word in enumerate(table.words)}
    pairs = [(token_id, row_of[word]) for word, token_id in tokenizer.get_vocab().items() if word in row_of]
    if not pairs:
        return 0
    token_ids, rows = (torch.tensor(column, dtype=torch.long) for column in zip(*pairs, strict=True))
    with torch.no_grad():
        embedding.weight[token_ids] = torch.from_numpy(table.vectors)[rows]  # (K, D)
    return len(pairs)
