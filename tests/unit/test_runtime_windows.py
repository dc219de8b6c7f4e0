"""Windows over long texts and padded batches (tokenizers + numpy only, no model)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Regex, Tokenizer, pre_tokenizers, processors
from tokenizers.models import WordLevel

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.windows import WindowMaker, batches, pad_id, special_token_frame

ALPHABET = "abcdefghij北京上海"


def char_tokenizer(*, with_frame: bool) -> Tokenizer:
    """One token per non-space character; optionally framed by [CLS] ... [SEP] like BERT."""
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    vocab.update({ch: 4 + i for i, ch in enumerate(ALPHABET)})
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")])
    if with_frame:
        tokenizer.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def test_special_token_frame_is_read_from_the_post_processor():
    assert special_token_frame(char_tokenizer(with_frame=True)) == ([2], [3])
    assert special_token_frame(char_tokenizer(with_frame=False)) == ([], [])


def test_short_text_is_one_framed_window_with_code_point_offsets():
    maker = WindowMaker(char_tokenizer(with_frame=True), max_length=16, stride=4)
    text = "北京 abc😀"
    (window,) = maker.windows([text])
    assert window.ids[0] == 2 and window.ids[-1] == 3
    assert window.content.tolist() == [False, True, True, True, True, True, True, False]
    assert [text[s:e] for s, e in window.offsets[window.content]] == ["北", "京", "a", "b", "c", "😀"]
    assert (window.owned_start, window.owned_end) == (0, len(text) + 1)


def test_callers_tokenizer_keeps_its_padding():
    tokenizer = char_tokenizer(with_frame=True)
    WindowMaker(tokenizer, max_length=8, stride=2).windows(["abc", "abcdefgh"])
    assert tokenizer.padding is not None
    assert pad_id(tokenizer) == 0


@settings(max_examples=60, deadline=None)
@given(length=st.integers(0, 120), max_length=st.integers(5, 30), stride_share=st.floats(0, 0.9),
       with_frame=st.booleans())
def test_windows_cover_the_text_and_owned_ranges_partition_it(length, max_length, stride_share, with_frame):
    tokenizer = char_tokenizer(with_frame=with_frame)
    capacity = max_length - (2 if with_frame else 0)
    stride = int(stride_share * (capacity - 1))
    text = "".join(ALPHABET[i % len(ALPHABET)] for i in range(length))
    windows = WindowMaker(tokenizer, max_length, stride).windows([text])
    if length == 0:
        assert windows == []
        return
    assert all(len(w) <= max_length for w in windows)
    starts = [int(w.offsets[w.content][0, 0]) for w in windows]
    ends = [int(w.offsets[w.content][-1, 1]) for w in windows]
    assert starts[0] == 0 and ends[-1] == length
    for before, after in zip(windows, windows[1:], strict=False):
        shared = set(map(tuple, before.offsets[before.content])) & set(map(tuple, after.offsets[after.content]))
        assert len(shared) == stride  # neighbours overlap by exactly `stride` tokens
        assert before.owned_end == after.owned_start
    assert windows[0].owned_start == 0 and windows[-1].owned_end > length - 1
    for window, start, end in zip(windows, starts, ends, strict=True):
        assert start <= window.owned_start and min(window.owned_end, length) <= end
    # one more window than needed would be wasted work
    assert len(windows) == 1 or ends[-2] < length


def test_stride_must_leave_room_to_advance():
    with pytest.raises(ModelBundleError, match="stride 6 must be") as caught:
        WindowMaker(char_tokenizer(with_frame=True), max_length=8, stride=6)
    assert caught.value.code == "E333"
    with pytest.raises(ModelBundleError) as caught:
        WindowMaker(char_tokenizer(with_frame=True), max_length=3, stride=0)
    assert caught.value.code == "E332"


def test_batches_sort_by_length_and_respect_size_and_cell_budget():
    maker = WindowMaker(char_tokenizer(with_frame=True), max_length=12, stride=2)
    texts = ["a" * n for n in (9, 1, 5, 3, 40, 2)]
    windows = maker.windows(texts)
    made = list(batches(windows, maker.pad_id, batch_size=3, cell_budget=300))
    assert sorted(len(w) for b in made for w in b.windows) == sorted(len(w) for w in windows)
    for batch in made:
        size, length = batch.input_ids.shape
        assert size <= 3 and (size == 1 or size * length * length <= 300)
        for row, window in enumerate(batch.windows):
            n = len(window)
            assert batch.input_ids[row, :n].tolist() == window.ids.tolist()
            assert batch.attention_mask[row].tolist() == [1] * n + [0] * (length - n)
            assert (batch.input_ids[row, n:] == maker.pad_id).all()
            assert batch.token_mask[row].sum() == window.content.sum()
    lengths = [b.input_ids.shape[1] for b in made]
    assert lengths == sorted(lengths)
    assert np.concatenate([b.token_mask for b in made if b.input_ids.shape[1] == 12]).dtype == np.int64
