"""A start model's vocabulary gains the training documents' unknown characters and words
(``nerdesk.training.vocabulary``), without changing what it predicts before it is trained."""

from __future__ import annotations

import copy
import json

import pytest

torch = pytest.importorskip("torch")

from fixtures_bundle import export_tiny_bundle, shared_tiny_model  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from tokenizers.models import WordPiece  # noqa: E402

from nerdesk.cli import main  # noqa: E402
from nerdesk.runtime.bundle import Bundle  # noqa: E402
from nerdesk.runtime.predictor import OnnxPredictor  # noqa: E402
from nerdesk.training.tokenizer import build_word_tokenizer  # noqa: E402
from nerdesk.training.vocabulary import extend_vocabulary, unknown_tokens  # noqa: E402
from nerdesk.workflows.progress import DataEncoded, VocabularyExtended, parse_progress_line  # noqa: E402

# 肾, 炎 and the ZWJ sequence's parts are unknown to the tiny model (trained on names and places); 肾 and 炎
# occur twice or more, 肝 once. The line break is \r\n.
MEDICAL = ["肾炎患者张伟在北京。\r\n肾炎好转👩\u200d⚕️", "肝炎与肾炎👩\u200d⚕️"]


def logits_for(model, tokenizer, text: str):
    encoding = tokenizer.encode(text)
    ids = torch.tensor([encoding.ids])
    with torch.no_grad():
        logits, _ = model(ids, torch.ones_like(ids))
    return logits  # (1, C, L, L)


def test_unknown_characters_seen_twice_join_the_vocabulary_and_predictions_do_not_change():
    model, tokenizer = copy.deepcopy(shared_tiny_model())
    before = [logits_for(model, tokenizer, text) for text in MEDICAL]
    size = tokenizer.get_vocab_size()

    extended, added = extend_vocabulary(model, tokenizer, MEDICAL)

    assert added[:2] == ["炎", "肾"]  # by count; 肝 and 患 occur once
    assert set(added[2:]) == {"👩", "\u200d", "⚕", "\ufe0f"}  # one token per code point, the ZWJ too
    assert model.encoder.embedding.num_embeddings == size + len(added) == model.config.encoder["vocab_size"]
    assert all(extended.token_to_id(token) >= size for token in added)
    for text, old in zip(MEDICAL, before, strict=True):
        assert extended.encode(text).offsets == tokenizer.encode(text).offsets  # code points, as before
        assert torch.allclose(logits_for(model, extended, text), old, atol=1e-6)  # new rows = the [UNK] row


def test_unknown_tokens_counts_what_the_tokenizer_normalises_to():
    tokenizer = build_word_tokenizer(["the cell"], min_frequency=1, lowercase=True)
    texts = ["Kinase and kinase.", "KINASE binds İstanbul"]
    assert unknown_tokens(tokenizer, texts, min_frequency=2) == ["kinase"]
    assert "i̇stanbul" in unknown_tokens(tokenizer, texts, min_frequency=1)  # İ lowercases to two code points


def test_a_subword_tokenizer_is_left_as_it_is():
    tokenizer = Tokenizer(WordPiece({"[UNK]": 0, "a": 1}, unk_token="[UNK]"))
    model, _ = copy.deepcopy(shared_tiny_model())
    assert unknown_tokens(tokenizer, ["bbb bbb"]) == []
    assert extend_vocabulary(model, tokenizer, ["bbb bbb"]) == (tokenizer, [])


def test_training_from_a_bundle_extends_its_vocabulary_and_the_bundle_predicts_with_it(tmp_path, capsys):
    start = export_tiny_bundle(*copy.deepcopy(shared_tiny_model()), tmp_path / "start")
    rows = [{"text": "肾炎患者张伟在北京。", "label": {"DIS": {"肾炎": [[0, 1]]}, "PER": {"张伟": [[4, 5]]}}},
            {"text": "肝炎与肾炎👩\u200d⚕️", "label": {"DIS": {"肝炎": [[0, 1]], "肾炎": [[3, 4]]}}}]
    data = tmp_path / "train.json"
    data.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    out = tmp_path / "model"
    code = main(["train", "--train", str(data), "--dev", str(data), "--format", "cluener", "--init", str(start),
                 "--out", str(out), "--epochs", "2", "--min-steps", "1", "--batch-size", "2", "--threads", "1",
                 "--progress", "json", "--keep-failed", "--no-augment"])
    assert code == 0
    events = [parse_progress_line(line) for line in capsys.readouterr().out.splitlines()]
    (added,) = [event for event in events if isinstance(event, VocabularyExtended)]
    assert added.added == 2 and "2 characters of the training documents were unknown to the start model" in added.message
    encoded = [event for event in events if isinstance(event, DataEncoded)]
    assert encoded and all(" read as " in event.message for event in encoded)  # a DataEncoded says what was read
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    assert tokenizer.token_to_id("肾") is not None and tokenizer.token_to_id("炎") is not None
    predictor = OnnxPredictor(Bundle.load(out), threads=1)
    assert predictor.predict(["肾炎患者张伟在北京。"])  # the runtime reads the larger embedding table


def test_typographic_marks_the_model_reads_as_ascii_are_not_unknown_words():
    tokenizer = build_word_tokenizer(["Apple's chief said \"no\" - twice ."], min_frequency=1, lowercase=True)
    texts = ["Apple’s chief said “no” – twice, Zorbex’s too.", "Zorbex’s chief said “yes” – twice."]
    assert unknown_tokens(tokenizer, texts) == ["zorbex"]  # not ’ “ ” –, which it reads as ' " -
