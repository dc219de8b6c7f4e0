"""Tokenizers for models trained from scratch, and the fast tokenizer of a Hugging Face encoder.

Each is a ``tokenizers.Tokenizer`` that carries everything the runtime needs (pre-tokenizer,
special tokens, padding token) in its ``tokenizer.json``: the runtime has no Python-side
preprocessing. The only normaliser is an optional lowercasing of words, and the offsets stay code
points of the original text either way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordLevel

from nerdesk.core.writing_systems import is_mostly_cjk

PAD = "[PAD]"
UNK = "[UNK]"


def build_char_tokenizer(texts: Iterable[str], min_frequency: int = 2) -> Tokenizer:
    """One token per non-space code point; characters seen fewer than ``min_frequency`` times -> [UNK].

    Right for Chinese and Japanese, where entities are annotated per character; works for any script.
    """
    counts = Counter(ch for text in texts for ch in text if not ch.isspace())
    splitter = pre_tokenizers.Split(Regex("."), behavior="isolated")
    return _word_level(counts, min_frequency, pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), splitter]))


def build_word_tokenizer(texts: Iterable[str], min_frequency: int = 2, *, lowercase: bool = False,
                         extra_words: Iterable[str] = ()) -> Tokenizer:
    """Words and single punctuation marks (BERT's pre-tokenisation); rare words -> [UNK].

    Case is kept unless ``lowercase`` (for pretrained word vectors, which are looked up lowercased;
    a character-aware encoder still reads the case from the text). ``extra_words`` join the
    vocabulary after the frequent words of ``texts``, whatever their count there.
    """
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    fold = str.lower if lowercase else str
    counts = Counter(
        fold(word) for text in texts for word, _ in pre_tokenizer.pre_tokenize_str(text)
    )
    normalizer = normalizers.Lowercase() if lowercase else None
    return _word_level(counts, min_frequency, pre_tokenizer, extra_words, normalizer)


def _word_level(counts: Counter[str], min_frequency: int, pre_tokenizer: pre_tokenizers.PreTokenizer,
                extra_words: Iterable[str] = (), normalizer: normalizers.Normalizer | None = None) -> Tokenizer:
    vocab = {PAD: 0, UNK: 1}
    frequent = [token for token, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                if count >= min_frequency]
    for token in [*frequent, *extra_words]:
        if token not in vocab:
            vocab[token] = len(vocab)
    tokenizer = Tokenizer(WordLevel(vocab, unk_token=UNK))
    if normalizer is not None:
        tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.add_special_tokens([PAD, UNK])
    tokenizer.enable_padding(pad_id=vocab[PAD], pad_token=PAD)
    return tokenizer


def build_scratch_tokenizer(texts: list[str], kind: str = "auto", min_frequency: int = 2) -> Tokenizer:
    """``kind``: "char", "word", or "auto" (char for CJK-heavy text, word otherwise)."""
    if kind == "auto":
        kind = "char" if is_mostly_cjk(texts) else "word"
    builders = {"char": build_char_tokenizer, "word": build_word_tokenizer}
    if kind not in builders:
        raise ValueError(f"unknown tokenizer kind {kind!r}; choose char, word or auto")
    return builders[kind](texts, min_frequency)


def load_hf_tokenizer(directory: str) -> Tokenizer:
    """The fast (Rust) tokenizer of a local Hugging Face model directory, with padding enabled."""
    from transformers import AutoTokenizer

    hf_tokenizer = AutoTokenizer.from_pretrained(directory, use_fast=True)
    tokenizer = Tokenizer.from_str(hf_tokenizer.backend_tokenizer.to_str())
    pad_token = hf_tokenizer.pad_token
    if pad_token is not None:
        tokenizer.enable_padding(pad_id=hf_tokenizer.pad_token_id, pad_token=pad_token)
    return tokenizer


def padding_id(tokenizer: Tokenizer) -> int:
    padding = tokenizer.padding
    return int(padding["pad_id"]) if padding else 0
