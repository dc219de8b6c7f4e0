"""Selections snap to whole words and to the model's own tokens (its tokenizer.json), to words alone without
a model: English word pieces, CJK characters, emoji and ``\\r\\n`` in one text, offsets in code points."""

from __future__ import annotations

import pytest
from fixtures_english import word_piece_tokenizer

from nerdesk.workflows.token_snap import WORD_SNAPPER, TokenSnapper, snap_to_tokens, snapper_for_bundle

TEXT = "Treated with Interleukin 2 (IL-2) in 北京大学医院 😀👍🏽 since 2019.\r\nNext visit in May."


@pytest.fixture(scope="module")
def snapper() -> TokenSnapper:
    return TokenSnapper(word_piece_tokenizer(), source="test")


def snapped(snapper: TokenSnapper | None, partial: str) -> str:
    start = TEXT.index(partial)
    first, last = snap_to_tokens(TEXT, start, start + len(partial), snapper)
    return TEXT[first:last]


@pytest.mark.parametrize("partial, whole", [
    ("nterleukin", "Interleukin"),  # a piece of the first word piece widens to all three
    ("leu", "Interleukin"),  # a whole word piece still never cuts a word
    ("eu", "Interleukin"),
    ("😀", "😀👍🏽"),  # the model reads the emoji run as one unknown token
    ("Interleukin 2 (IL", "Interleukin 2 (IL"),
    ("L-", "IL-"),
    ("京大", "京大"),  # one token per CJK character
    ("nce", "since"),  # after the emoji: code points, not UTF-16 units
    ("019.\r\nNe", "2019.\r\nNext"),  # a \r\n inside the selection survives, tokens on both sides widen
    ("ay", "May"),
])
def test_selections_widen_to_the_models_tokens(snapper, partial, whole):
    assert snapped(snapper, partial) == whole


def test_emoji_are_never_split(snapper):
    start = TEXT.index("👍")
    first, last = snap_to_tokens(TEXT, start, start + 1, snapper)  # the thumb without its skin tone
    assert TEXT[first:last] in ("👍🏽", "😀👍🏽") and TEXT[last - 1] == "\U0001F3FD"


def test_tokens_wider_than_words_widen_the_selection(tmp_path):
    from tokenizers import Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel

    whitespace = Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    whitespace.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    snapper = TokenSnapper(whitespace)
    assert snapped(snapper, "L-") == "(IL-2)"  # the model reads "(IL-2)" as one token
    assert snapped(snapper, "019.\r\nNe") == "2019.\r\nNext"


def test_without_a_model_selections_widen_to_words():
    assert snapped(None, "leu") == "Interleukin"
    assert snapped(None, "😀") == "😀"
    assert snapped(None, "L-") == "IL-"
    assert snapped(WORD_SNAPPER, "019.\r\nNe") == "2019.\r\nNext"
    assert snapped(None, "京大") == "京大"
    assert not WORD_SNAPPER.uses_model


def test_a_long_text_is_tokenized_once(snapper):
    text = TEXT * 200
    snapper.snap(text, 5, 9)
    bounds = snapper.token_bounds(text)
    snapper.snap(text, 100, 110)
    assert snapper.token_bounds(text) is bounds and len(bounds[0]) > 200 * 20


def test_the_snapper_of_a_bundle_folder(tmp_path):
    word_piece_tokenizer().save(str(tmp_path / "tokenizer.json"))
    assert snapper_for_bundle(tmp_path).uses_model
    assert snapper_for_bundle(tmp_path) is snapper_for_bundle(tmp_path)  # loaded once
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "tokenizer.json").write_text("{not json", "utf-8")
    assert snapper_for_bundle(broken) is WORD_SNAPPER
    assert snapper_for_bundle(tmp_path / "missing") is WORD_SNAPPER
    assert snapper_for_bundle(None) is WORD_SNAPPER


@pytest.mark.parametrize("name, whole", [("en-general-conll", "在Boston大学工作"), ("zh-general-cluener", "Boston")])
def test_the_user_guides_example_holds_with_the_shipped_tokenizers(name, whole):
    from nerdesk.workflows.default_models import embedded_model, embedded_model_names

    if name not in embedded_model_names():
        pytest.skip(f"{name} is not built")
    text = "在Boston大学工作"  # as docs/user-guide.md gives it
    start = text.index("Boston")
    first, last = snap_to_tokens(text, start, start + len("Boston"), snapper_for_bundle(embedded_model(name)))
    assert text[first:last] == whole
