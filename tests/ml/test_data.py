"""Documents -> windows: gold cells through offsets, misaligned spans counted, long texts windowed."""

from __future__ import annotations

import random

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.core.writing_systems import is_mostly_cjk
from nerdesk.runtime.windows import WindowMaker
from nerdesk.training.data import collate, encode_documents, length_grouped_batches
from nerdesk.training.loss import NO_CELL
from nerdesk.training.tokenizer import build_char_tokenizer, build_word_tokenizer


def test_char_tokenizer_gives_one_token_per_character_with_code_point_offsets():
    tokenizer = build_char_tokenizer(["北京 😀 上海"], min_frequency=1)
    encoding = tokenizer.encode("北京 😀 上海x")
    assert encoding.offsets == [(0, 1), (1, 2), (3, 4), (5, 6), (6, 7), (7, 8)]
    assert encoding.tokens[-1] == "[UNK]"
    assert tokenizer.padding["pad_token"] == "[PAD]"


def test_script_detection_picks_char_for_chinese():
    assert is_mostly_cjk(["北京大学在北京。Peking"])
    assert not is_mostly_cjk(["IL-2 gene expression in T cells"])
    # a CJK character weighs as a word: CLUENER's sentences naming games and magazines are Chinese
    assert is_mostly_cjk(["《GameInformer》是游戏网络商店GameStop旗下的一本杂志，"])
    assert not is_mostly_cjk(["Zhang Wei (张伟) visited Beijing."])


def test_gold_spans_become_cells_and_nested_ones_are_kept(nested_documents):
    tokenizer = build_char_tokenizer([d.text for d in nested_documents], min_frequency=1)
    windows, summary = encode_documents(nested_documents, tokenizer, ["LOC", "ORG", "PER"], 64, 8)
    assert len(windows) == 2
    assert set(windows[0].cells) == {(1, 0, 3), (0, 0, 1), (0, 5, 6)}
    assert summary.encoded == summary.spans == 5
    assert summary.misaligned == summary.cut_by_windows == 0


def test_spans_off_token_boundaries_are_counted_and_described():
    text = "IL-2 gene expression"
    documents = [Document(text, [Span(0, 4, "protein"), Span(1, 4, "protein"), Span(5, 7, "DNA")])]
    tokenizer = build_word_tokenizer([text], min_frequency=1)
    windows, summary = encode_documents(documents, tokenizer, ["DNA", "protein"], 64, 8)
    assert windows[0].cells == ((1, 0, 2),)
    assert summary.encoded == 1 and summary.misaligned == 2
    description = summary.describe()
    assert "2 not on token boundaries" in description and "'L-2'" in description


def test_long_text_is_cut_into_overlapping_windows_and_spans_kept_whole():
    text = "甲乙丙丁戊己庚辛壬癸" * 3
    documents = [Document(text, [Span(8, 12, "X"), Span(25, 27, "X")])]
    tokenizer = build_char_tokenizer([text], min_frequency=1)
    windows, summary = encode_documents(documents, tokenizer, ["X"], max_length=10, stride=4)
    assert len(windows) > 3
    assert all(len(w) <= 10 for w in windows)
    assert summary.encoded == 2 and summary.lost == 0
    for window in windows:
        for _, first, last in window.cells:
            start, end = window.offsets[first][0], window.offsets[last][1]
            assert (start, end) in {(8, 12), (25, 27)}


def test_collate_pads_and_lists_positive_cells(nested_documents):
    tokenizer = build_char_tokenizer([d.text for d in nested_documents], min_frequency=1)
    windows, _ = encode_documents(nested_documents, tokenizer, ["LOC", "ORG", "PER"], 64, 8)
    short = windows[1].__class__(1, (5, 6), (1, 1), ((0, 1), (1, 2)), ((2, 0, 1),))
    batch = collate([windows[0], short], 3, pad_id=0)
    length = len(windows[0])
    assert batch.input_ids.shape == (2, length)
    assert batch.attention_mask[1].tolist() == [1, 1] + [0] * (length - 2)
    assert batch.labels.shape == (2, 3, 2)
    assert sorted(batch.labels[0, 0].tolist()) == [0 * length + 1, 5 * length + 6]
    assert batch.labels[0, 1].tolist() == [0 * length + 3, NO_CELL]
    assert batch.labels[1, 2].tolist() == [0 * length + 1, NO_CELL]


def test_length_grouped_batches_cover_every_window_once(nested_documents):
    tokenizer = build_char_tokenizer(["ab"], min_frequency=1)
    texts = ["a" * n for n in range(1, 41)]
    windows, _ = encode_documents([Document(t) for t in texts], tokenizer, ["X"], 64, 8)
    batches = length_grouped_batches(windows, 8, random.Random(0), pool_batches=5)
    assert sorted(len(w) for batch in batches for w in batch) == list(range(1, 41))
    assert all(max(map(len, b)) - min(map(len, b)) < 8 for b in batches)


def test_training_windows_are_the_windows_prediction_uses():
    text = "上海浦东新区" * 30 + "😀北京"
    tokenizer = build_char_tokenizer([text], min_frequency=1)
    document = Document(text, [Span(len(text) - 2, len(text), "LOC")])
    windows, summary = encode_documents([document], tokenizer, ["LOC"], 64, 8)
    predicted = WindowMaker(tokenizer, 64, 8).windows([text])
    assert len(windows) == len(predicted) > 3
    for trained, runtime in zip(windows, predicted, strict=True):
        assert list(trained.input_ids) == runtime.ids.tolist()
        assert [list(pair) for pair in trained.offsets] == runtime.offsets.tolist()
        assert list(trained.token_mask) == runtime.content.astype(int).tolist()
    assert summary.encoded == 1 and windows[-1].cells == ((0, len(windows[-1]) - 2, len(windows[-1]) - 1),)


def test_training_reads_a_document_line_by_line_and_sentence_by_sentence_as_prediction_does():
    text = "Sarah Miller\r\nBOSTON 1996-08-22\r\nThe striker left Arsenal. Chelsea lost at home. Fans left."
    boston, chelsea = text.index("BOSTON"), text.index("Chelsea")
    gold = [Span(0, 12, "PER"), Span(boston, boston + 6, "LOC"), Span(chelsea, chelsea + 7, "ORG"),
            Span(6, boston + 6, "ORG")]  # across a line: prediction never gives it, so training does not ask it
    tokenizer = build_word_tokenizer([text], min_frequency=1)
    windows, summary = encode_documents([Document(text, gold)], tokenizer, ["LOC", "ORG", "PER"], 64, 8)
    assert len(windows) == 5  # two lines, and three sentences on the third
    assert {window.document for window in windows} == {0}
    found = {(label, window.offsets[first][0], window.offsets[last][1])
             for window in windows for label, first, last in window.cells}
    assert found == {(2, 0, 12), (0, boston, boston + 6), (1, chelsea, chelsea + 7)}
    assert summary.encoded == 3 and summary.across_pieces == 1 and summary.cut_by_windows == 0
    assert "1 across the end of a line or sentence" in summary.describe()
