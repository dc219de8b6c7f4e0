"""Pretrained word vectors: the lowercasing word tokenizer, the vector table on disk, and the embedding rows
it initialises; a model started from them exports and predicts through the runtime like any other."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nerdesk.training.tokenizer import UNK, build_word_tokenizer
from nerdesk.training.word_vectors import WordVectors, initialise_embeddings, reduce_dimension

SOURCE = {"package": "example-vectors", "version": "1.0", "vectors_sha256": "0" * 64}


def table(words: tuple[str, ...], dimension: int = 4) -> WordVectors:
    rng = np.random.default_rng(3)
    return WordVectors(words, rng.normal(size=(len(words), dimension)).astype(np.float32), SOURCE)


def test_lowercasing_tokenizer_keeps_original_offsets_and_adds_the_table_words():
    text = "PARIS and Berlin: İstanbul 😀 e\u0301t\u00e9\r\nparis"
    tokenizer = build_word_tokenizer([text], lowercase=True, extra_words=("berlin", "istanbul", "rome"))
    encoding = tokenizer.encode(text)
    assert encoding.tokens[0] == "paris" and encoding.ids[0] == encoding.ids[-1]  # PARIS and paris: one row
    assert "rome" in tokenizer.get_vocab()  # a table word never seen in the text
    for token_id, (start, end), token in zip(encoding.ids, encoding.offsets, encoding.tokens, strict=True):
        original = text[start:end]  # offsets index the original text, also after "İ" lowercased to two code points
        assert not original.isspace() and original.strip() == original
        if token_id != tokenizer.token_to_id(UNK):
            assert token == original.lower()
    assert [text[s:e] for s, e in encoding.offsets][:3] == ["PARIS", "and", "Berlin"]


def test_case_kept_by_default():
    tokenizer = build_word_tokenizer(["Paris paris Paris paris"])
    assert {"Paris", "paris"} <= set(tokenizer.get_vocab())


def test_table_round_trips_through_its_directory_without_pickle(tmp_path):
    original = table(("paris", "rome", "oslo"))
    original.save(tmp_path / "vectors")
    loaded = WordVectors.load(tmp_path / "vectors")
    assert loaded.words == original.words and loaded.source == SOURCE
    np.testing.assert_array_equal(loaded.vectors, original.vectors)
    assert json.loads((tmp_path / "vectors" / "words.json").read_text("utf-8")) == ["paris", "rome", "oslo"]


def test_incomplete_or_inconsistent_tables_are_refused(tmp_path):
    table(("a", "b")).save(tmp_path / "t")
    (tmp_path / "t" / "words.json").unlink()
    with pytest.raises(FileNotFoundError, match="words.json"):
        WordVectors.load(tmp_path / "t")
    with pytest.raises(ValueError, match="3 words"):
        WordVectors(("a", "b", "c"), np.zeros((2, 4), np.float32), SOURCE)
    with pytest.raises(ValueError, match="unique"):
        WordVectors(("a", "a"), np.zeros((2, 4), np.float32), SOURCE)


def test_reduce_dimension_keeps_the_main_directions_at_unit_scale():
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(500, 2)) * [10.0, 5.0]  # two strong directions hidden in 30 dimensions
    mixing = np.linalg.qr(rng.normal(size=(30, 30)))[0][:2]  # (2, 30) orthonormal rows
    vectors = (signal @ mixing + 0.01 * rng.normal(size=(500, 30))).astype(np.float32)
    reduced = reduce_dimension(vectors, 2)
    assert reduced.shape == (500, 2) and reduced.dtype == np.float32
    assert reduced.std() == pytest.approx(1.0, abs=1e-5)
    explained = abs(np.corrcoef(reduced[:, 0], signal[:, 0])[0, 1])
    assert explained > 0.999  # the first component is the strongest hidden direction


def test_initialise_embeddings_copies_vectors_into_the_rows_of_known_words():
    vectors = table(("paris", "rome", "unseen"))
    tokenizer = build_word_tokenizer(["Paris is far from Rome"], min_frequency=1, lowercase=True,
                                     extra_words=vectors.words)
    embedding = torch.nn.Embedding(tokenizer.get_vocab_size(), 4)
    before = embedding.weight.detach().clone()
    assert initialise_embeddings(embedding, tokenizer, vectors) == 3
    for row, word in enumerate(vectors.words):
        np.testing.assert_array_equal(embedding.weight[tokenizer.token_to_id(word)].detach().numpy(),
                                      vectors.vectors[row])
    untouched = tokenizer.token_to_id("is")
    assert torch.equal(embedding.weight[untouched], before[untouched])
    with pytest.raises(ValueError, match="embedding width 8"):
        initialise_embeddings(torch.nn.Embedding(tokenizer.get_vocab_size(), 8), tokenizer, vectors)
