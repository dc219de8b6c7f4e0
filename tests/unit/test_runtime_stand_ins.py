"""Typographic punctuation a model does not know is read as the ASCII twin it knows; offsets stay the text's."""

from __future__ import annotations

import numpy as np
from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordLevel

from nerdesk.runtime.chars import CharTable
from nerdesk.runtime.windows import WindowMaker

ASCII = "Apple's chief said \"we won\" - twice"
TYPOGRAPHIC = "Apple’s chief said “we won” – twice"


def english_tokenizer() -> Tokenizer:
    """Like the English bundles': lowercased words and single punctuation marks, ASCII punctuation only."""
    words = ["[PAD]", "[UNK]", "apple", "'", "s", "chief", "said", '"', "we", "won", "-", "twice"]
    tokenizer = Tokenizer(WordLevel({word: i for i, word in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tokenizer


def test_a_model_that_knows_only_ascii_reads_the_twins_at_the_texts_own_offsets():
    characters = CharTable(tuple("Aplechifsadwontx'\"-"), 16)
    maker = WindowMaker(english_tokenizer(), 64, 8, features=characters)
    plain, typographic = maker.tokens([ASCII, TYPOGRAPHIC])
    assert 1 not in typographic.ids.tolist()  # no [UNK]
    assert typographic.ids.tolist() == plain.ids.tolist()
    assert np.array_equal(typographic.offsets, plain.offsets) and len(TYPOGRAPHIC) == len(ASCII)
    assert typographic.feature_ids is not None and plain.feature_ids is not None
    assert np.array_equal(typographic.feature_ids, plain.feature_ids)


def test_a_model_that_knows_the_character_reads_it_as_it_is():
    vocabulary = {"[PAD]": 0, "[UNK]": 1, "“": 2, "”": 3, '"': 4, "北": 5, "京": 6}
    tokenizer = Tokenizer(WordLevel(vocabulary, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")])
    [tokens] = WindowMaker(tokenizer, 16, 4).tokens(["“北京”"])
    assert tokens.ids.tolist() == [2, 5, 6, 3]


def test_a_twin_the_model_does_not_know_either_changes_nothing():
    tokenizer = english_tokenizer()
    maker = WindowMaker(tokenizer, 64, 8)
    assert chr(0x2019) in {chr(point) for point in maker.stand_ins.table}
    assert maker.stand_ins.apply("no typographic punctuation") == "no typographic punctuation"
    tokenizer_without_dash = Tokenizer(WordLevel({"[PAD]": 0, "[UNK]": 1, "x": 2}, unk_token="[UNK]"))
    tokenizer_without_dash.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    assert WindowMaker(tokenizer_without_dash, 16, 4).stand_ins.table == {}
