"""Long texts: tokenized in pieces only where that changes nothing, predicted batch by batch with the
same spans as one encoding and all windows at once (the shipped CLUENER bundle, real ONNX Runtime)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE, WordLevel, WordPiece

from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.decode import SpanCollector, cells_above
from nerdesk.runtime.pieces import PieceCutter, cut_rule
from nerdesk.runtime.predictor import CELL_BUDGET, OnnxPredictor
from nerdesk.runtime.windows import WindowMaker, batches
from tests.conftest import REPO_ROOT, dataset_file

CLUENER_BUNDLE = REPO_ROOT / "models" / "zh-general-cluener"
HOSTILE = "ab 北京上海cd [MASK] x\u0301 \u200b\t\n ,.1٣ É"
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ab", "cd", "##cd", "##b", "a", "b", "c", "d", "x", "e",
         "北", "京", "上", "海", ",", ".", "1", "٣"]


def char_tokenizer() -> Tokenizer:
    vocab = {word: index for index, word in enumerate(WORDS)}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")])
    tokenizer.add_special_tokens(["[PAD]", "[UNK]", "[MASK]"])
    return tokenizer


def bert_tokenizer() -> Tokenizer:
    vocab = {word: index for index, word in enumerate(WORDS)}
    tokenizer = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tokenizer.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    return tokenizer


def test_cut_rules_follow_the_tokenizer_description():
    assert cut_rule(char_tokenizer()) == "anywhere"
    assert cut_rule(bert_tokenizer()) == "space+cjk"
    byte_level = Tokenizer(BPE())
    byte_level.pre_tokenizer = pre_tokenizers.ByteLevel()
    byte_level.decoder = decoders.ByteLevel()
    assert cut_rule(byte_level) is None
    metaspace = Tokenizer(BPE())
    metaspace.pre_tokenizer = pre_tokenizers.Metaspace()
    assert cut_rule(metaspace) is None
    assert cut_rule(Tokenizer.from_file(str(CLUENER_BUNDLE / "tokenizer.json"))) == "anywhere"


def test_no_cut_where_no_cut_is_safe():
    cutter = PieceCutter(None, [], piece_chars=4)
    assert list(cutter.pieces("abcdefghij")) == [(0, 10)]
    spaces = PieceCutter("space", [], piece_chars=4)
    assert list(spaces.pieces("abcdefghij")) == [(0, 10)]  # no space: one piece
    assert list(spaces.pieces("abc def ghi")) == [(0, 3), (3, 7), (7, 11)]  # cuts before the spaces
    assert list(spaces.pieces("abcdefghij klm")) == [(0, 10), (10, 14)]  # no space early: the next one


def test_no_cut_next_to_an_added_token_or_a_combining_mark():
    cutter = PieceCutter("anywhere", ["[MASK]"], piece_chars=3)
    text = "ab[MASK]cdefghijklmnop"
    for begin, end in cutter.pieces(text):
        assert not (begin < end < len(text)) or "[MASK]" not in text[max(0, end - 7):end + 7]
    marks = PieceCutter("anywhere", ["[UNK]"], piece_chars=2)
    assert list(marks.pieces("x\u0301x\u0301")) == [(0, 4)]


def tokens_whole_and_in_pieces(tokenizer: Tokenizer, text: str, piece_chars: int):
    maker = WindowMaker(tokenizer, max_length=12, stride=4)
    whole = maker.tokens([text])[0]
    maker.cutter.piece_chars = piece_chars
    return whole, maker.tokens([text])[0], list(maker.cutter.pieces(text))


@pytest.mark.parametrize("make_tokenizer", [char_tokenizer, bert_tokenizer])
@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.sampled_from([*HOSTILE, "[MASK]", "ab", "  ", "北京"]), min_size=0, max_size=60),
       piece_chars=st.integers(1, 9))
def test_tokens_of_pieces_are_the_tokens_of_the_whole(make_tokenizer, parts, piece_chars):
    whole, pieces, _ = tokens_whole_and_in_pieces(make_tokenizer(), "".join(parts), piece_chars)
    assert np.array_equal(whole.ids, pieces.ids)
    assert np.array_equal(whole.offsets, pieces.offsets)


def test_a_long_text_is_really_cut():
    text = "ab 北京上海cd " * 200
    _, _, char_pieces = tokens_whole_and_in_pieces(char_tokenizer(), text, 50)
    _, _, bert_pieces = tokens_whole_and_in_pieces(bert_tokenizer(), text, 50)
    assert len(char_pieces) > 30 and len(bert_pieces) > 30


def eager_spans(predictor: OnnxPredictor, texts: list[str], batch_size: int) -> list:
    """The former pipeline: one encoding per text, every window at once, then the batches."""
    maker = predictor.window_maker
    maker.cutter.piece_chars = 10**9
    windows = maker.windows(texts)
    collector = SpanCollector(len(texts), predictor.label_names, predictor.model_version)
    for batch in batches(windows, maker.pad_id, batch_size=batch_size, cell_budget=CELL_BUDGET):
        cells = cells_above(predictor.batch_logits(batch), batch.token_mask, batch.offsets, predictor.threshold,
                            predictor.max_span_tokens)
        collector.add(cells, [w.text_index for w in batch.windows],
                      [(w.owned_start, w.owned_end) for w in batch.windows])
    return collector.spans(flat=predictor.flat)


def cluener_texts(chars: int) -> list[str]:
    lines = dataset_file("cluener", "dev.json").read_text(encoding="utf-8").splitlines()
    sentences = [json.loads(line)["text"] for line in lines]
    long_text = "".join(sentences)[:chars]
    return [long_text, *sentences[:40], "", long_text[:3000]]


def test_streamed_prediction_gives_the_spans_of_the_eager_pipeline():
    predictor = OnnxPredictor(Bundle.load(CLUENER_BUNDLE), threads=1)
    texts = cluener_texts(40_000)
    predictor.window_maker.cutter.piece_chars = 997  # many pieces, cut at odd places
    seen = []
    streamed = predictor.predict(texts, batch_size=16, progress=lambda done, total: seen.append((done, total)))
    assert sum(len(spans) for spans in streamed) > 500
    assert seen[-1][0] == seen[-1][1] and len(seen) > 10
    assert streamed == eager_spans(predictor, texts, batch_size=16)
    predictor.flat = True
    predictor.window_maker.cutter.piece_chars = 997
    assert predictor.predict(texts, batch_size=16) == eager_spans(predictor, texts, batch_size=16)
