"""Property: every code point of a text is owned by exactly one window, and its owner sees it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Regex, Tokenizer, pre_tokenizers, processors
from tokenizers.models import WordLevel

from nerdesk.runtime.windows import WindowMaker

KNOWN = "abcdefghij北京上海"
TEXTS = st.text(alphabet=KNOWN + "  \n😀xyz", max_size=150)


def char_tokenizer(with_frame: bool) -> Tokenizer:
    """One token per non-space character (unknown ones become [UNK]), optionally framed like BERT."""
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3} | {ch: 4 + i for i, ch in enumerate(KNOWN)}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")])
    if with_frame:
        tokenizer.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return tokenizer


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=3), max_length=st.integers(5, 24),
       stride_share=st.floats(0, 0.9), with_frame=st.booleans())
def test_every_code_point_has_exactly_one_owner(texts, max_length, stride_share, with_frame):
    capacity = max_length - (2 if with_frame else 0)
    maker = WindowMaker(char_tokenizer(with_frame), max_length, int(stride_share * (capacity - 1)))
    windows = maker.windows(texts)
    for text_index, text in enumerate(texts):
        mine = [w for w in windows if w.text_index == text_index]
        if not text.strip():
            assert mine == []  # nothing to predict on
            continue
        for position in range(len(text)):
            owners = [w for w in mine if w.owned_start <= position < w.owned_end]
            assert len(owners) == 1, f"code point {position} of text {text_index} has {len(owners)} owners"
            seen = {int(start) for start, _ in owners[0].offsets[owners[0].content]}
            if not text[position].isspace():  # every other character starts a token
                assert position in seen, "the owner does not see the token that starts here"
