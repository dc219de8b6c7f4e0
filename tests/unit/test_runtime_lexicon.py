"""Dictionary-word flags per character (``nerdesk.runtime.lexicon``): positions, offsets, hostile texts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.lexicon import LexiconTable, lexicon_width
from nerdesk.runtime.token_features import feature_table

WORDS = ("糖尿病", "尿病", "高血压", "患者", "👩‍⚕️医生")
TABLE = LexiconTable.of(WORDS, max_word_length=4)  # lengths 2, 3, 4: slots B2 B3 B4 E2 E3 E4 M2 M3 M4


def set_flags(row: np.ndarray) -> set[str]:
    names = [f"{position}{length}" for position in "BEM" for length in (2, 3, 4)]
    return {names[slot] for slot, value in enumerate(row) if value}


def test_each_character_knows_the_words_it_begins_ends_or_lies_inside_of():
    flags = TABLE.character_flags("患者有糖尿病")  # (6, 9)
    assert flags.shape == (6, lexicon_width(4)) == (6, 9)
    assert [set_flags(row) for row in flags] == [{"B2"}, {"E2"}, set(), {"B3"}, {"M3", "B2"}, {"E3", "E2"}]
    assert flags[0, 0] == 1 and flags[5, 4] == 5  # slot k holds id k + 1


def test_a_token_takes_the_flags_of_its_first_character_and_special_tokens_none():
    text = "高血压\r\n患者"
    offsets = np.array([[0, 0], [0, 1], [1, 2], [2, 3], [3, 5], [5, 6], [6, 7], [0, 0]])  # (T, 2), specials (0, 0)
    ids = TABLE.ids(text, offsets)  # (T, 9)
    assert [set_flags(row) for row in ids] == [set(), {"B3"}, {"M3"}, {"E3"}, set(), {"B2"}, {"E2"}, set()]


def test_emoji_and_zwj_sequences_count_as_code_points_and_match_nothing_by_accident():
    text = "👩‍⚕️医生说患者"  # the ZWJ sequence is four code points; the listed word needs all six
    flags = TABLE.character_flags(text)
    assert len(flags) == len(text) == 9
    assert [set_flags(row) for row in flags][-2:] == [{"B2"}, {"E2"}]
    assert not flags[:7].any()  # "👩‍⚕️医生" has 6 code points: longer than the table's 4


def dictionary_matches(text: str) -> np.ndarray:
    """The flags of ``text``, found the slow and obvious way."""
    expected = np.zeros((len(text), 9), dtype=np.uint8)
    for length_slot, length in enumerate((2, 3, 4)):
        for start in range(len(text) - length + 1):
            if text[start:start + length] in WORDS:
                expected[start, length_slot] = length_slot + 1
                expected[start + length - 1, 3 + length_slot] = 4 + length_slot
                expected[start + 1:start + length - 1, 6 + length_slot] = 7 + length_slot
    return expected


@given(st.text(alphabet="糖尿病高血压患者有\r\n 👩‍⚕️", max_size=40))
def test_flags_are_exactly_the_dictionary_matches(text):
    assert np.array_equal(TABLE.character_flags(text), dictionary_matches(text))


def test_a_long_text_is_looked_up_in_stretches_and_words_across_their_edges_still_match(monkeypatch):
    import random

    from nerdesk.runtime import lexicon

    monkeypatch.setattr(lexicon, "LOOKUP_CHARS", 7)
    text = "".join(random.Random(3).choice(["糖尿病", "高血压", "患者", "有", "\r\n", "👩‍⚕️"]) for _ in range(200))
    assert len(text) > 50 * 7
    assert np.array_equal(TABLE.character_flags(text), dictionary_matches(text))


def test_empty_text_and_no_tokens():
    assert TABLE.character_flags("").shape == (0, 9)
    assert TABLE.ids("", np.zeros((0, 2), dtype=np.int64)).shape == (0, 9)


def test_settings_round_trip_and_bad_settings_are_a_clear_error():
    encoder = {"kind": "bilstm", "lexicon": TABLE.to_config()}
    table = feature_table(encoder)
    assert isinstance(table, LexiconTable) and table.width == 9 and table.input_name == "lexicon_ids"
    assert feature_table({"kind": "bilstm"}) is None
    with pytest.raises(ModelBundleError) as caught:
        feature_table({"kind": "bilstm", "lexicon": {"words": ["患者"]}})
    assert caught.value.code == "E337"
    for length in (1, 65):
        with pytest.raises(ModelBundleError) as caught:
            LexiconTable.of(("患者",), max_word_length=length)
        assert caught.value.code == "E336"


def test_dictionary_words_keep_their_lengths_once_each_and_sorted():
    words = ["糖尿病", "病", "患者", "很长很长很长的词", "患者"]
    assert tuple(LexiconTable.of(words, max_word_length=4).words.split(" ")) == ("患者", "糖尿病")


def test_one_table_serves_every_read_of_the_same_settings():
    encoder = {"kind": "bilstm", "lexicon": TABLE.to_config()}
    assert feature_table(encoder) is feature_table(dict(encoder))


def test_a_word_list_stored_as_a_json_list_is_refused_with_a_code():
    with pytest.raises(ModelBundleError) as caught:
        feature_table({"kind": "bilstm", "lexicon": {"words": ["患者", "糖尿病"], "max_word_length": 4}})
    assert caught.value.code == "E337" and "one string" in str(caught.value)


def test_the_stored_word_list_is_sorted_and_leaves_out_what_no_token_can_match():
    table = LexiconTable.of(["糖尿病", "病", "患 者", "很长很长的词语", "患者", "患者"], max_word_length=4)
    assert table.words == "患者 糖尿病" and table.to_config() == {"words": "患者 糖尿病", "max_word_length": 4}


@given(st.lists(st.text(alphabet="糖尿病高血压患者有\r\n 👩‍⚕️", max_size=12), max_size=5))
def test_texts_looked_up_together_get_the_flags_they_get_alone_and_no_word_crosses_texts(texts):
    offsets = [np.array([[i, i + 1] for i in range(len(text))], dtype=np.int64).reshape(-1, 2) for text in texts]
    together = TABLE.ids_many(texts, offsets)
    assert len(together) == len(texts)
    for text, token_offsets, ids in zip(texts, offsets, together, strict=True):
        assert np.array_equal(ids, TABLE.ids(text, token_offsets))
    assert not TABLE.ids_many(["患者有糖", "尿病"], [np.array([[0, 1], [1, 2], [2, 3], [3, 4]]),
                                                   np.array([[0, 1], [1, 2]])])[0][3].any()


def test_texts_looked_up_in_stretches_shorter_than_they_are_get_every_flag(monkeypatch):
    import random

    from nerdesk.runtime import lexicon

    monkeypatch.setattr(lexicon, "LOOKUP_CHARS", 5)
    chooser = random.Random(5)
    texts = ["".join(chooser.choice(["糖尿病", "高血压", "患者", "有", "\r\n"]) for _ in range(size))
             for size in (0, 1, 9, 30)]
    offsets = [np.array([[i, i + 1] for i in range(len(text))], dtype=np.int64).reshape(-1, 2) for text in texts]
    for text, ids in zip(texts, TABLE.ids_many(texts, offsets), strict=True):
        assert np.array_equal(ids, dictionary_matches(text))
