"""A lexicon-aware BiLSTM: added flags change nothing until trained, the exported graph reads
``lexicon_ids`` and matches torch, the runtime builds them from the text, and transfer keeps them."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.compare import max_abs_diff_on_valid_cells
from nerdesk.runtime.lexicon import LEXICON_INPUT, LexiconTable
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.runtime.session import OrtLogits, open_session
from nerdesk.runtime.token_features import feature_table
from nerdesk.runtime.windows import WindowMaker, batches
from nerdesk.training.export import export_onnx
from nerdesk.training.logits import torch_logits
from nerdesk.training.model import GlobalPointerModel, ModelConfig, load_checkpoint
from nerdesk.training.tokenizer import build_char_tokenizer
from tests.ml.conftest import found_batched_and_alone, tiny_bilstm_settings, trained_bundle

LABELS = ["DIS", "SYM"]
WORDS = ("糖尿病", "高血压", "咳嗽", "发热", "患者", "头痛")
# (text, [(mention, label), ...]); each mention once in its text. Written for these tests.
SENTENCES = [
    ("患者有糖尿病，伴发热。", [("糖尿病", "DIS"), ("发热", "SYM")]),
    ("高血压患者头痛三天。", [("高血压", "DIS"), ("头痛", "SYM")]),
    ("咳嗽两周，无发热。", [("咳嗽", "SYM"), ("发热", "SYM")]),
    ("既往糖尿病史，今日咳嗽。", [("糖尿病", "DIS"), ("咳嗽", "SYM")]),
    ("👩‍⚕️医生说：患者无高血压。\r\n", [("高血压", "DIS")]),
]


def documents() -> list[Document]:
    return [Document(text, [Span(text.index(m), text.index(m) + len(m), label) for m, label in mentions])
            for text, mentions in SENTENCES]


def lexicon_model(seed: int = 0) -> tuple[GlobalPointerModel, object]:
    """A one-layer character BiLSTM with random weights, then given the test lexicon (eval mode)."""
    torch.manual_seed(seed)
    texts = [text for text, _ in SENTENCES]
    tokenizer = build_char_tokenizer(texts * 2)
    config = ModelConfig(labels=LABELS, encoder=tiny_bilstm_settings(tokenizer.get_vocab_size(), embedding_dim=16,
                                                                    hidden_size=16),
                         head_size=8, max_length=32, window_stride=4)
    return GlobalPointerModel(config).eval(), tokenizer


def first_batch(model: GlobalPointerModel, tokenizer):
    maker = WindowMaker(tokenizer, 32, 4, features=feature_table(model.config.encoder))
    return next(batches(maker.windows([text for text, _ in SENTENCES]), maker.pad_id, batch_size=8,
                        cell_budget=10**7))


def test_a_model_given_a_lexicon_predicts_as_before_until_trained():
    model, tokenizer = lexicon_model()
    plain = first_batch(model, tokenizer)
    before = torch_logits(model, as_exported=False)(plain.input_ids, plain.attention_mask, plain.token_mask)
    model.add_lexicon(LexiconTable.of(WORDS, max_word_length=4))
    flagged = first_batch(model, tokenizer)
    assert flagged.feature_ids is not None and flagged.feature_ids.any()
    after = torch_logits(model, as_exported=False)(flagged.input_ids, flagged.attention_mask, flagged.token_mask,
                                                   flagged.feature_ids)
    assert np.allclose(before, after, atol=1e-6)


def test_exported_graph_reads_lexicon_ids_and_matches_the_trained_model(tmp_path):
    model, tokenizer = lexicon_model()
    model.add_lexicon(LexiconTable.of(WORDS, max_word_length=4))
    with torch.no_grad():
        assert model.encoder.lexicon is not None
        model.encoder.lexicon.weight[1:].normal_()  # as if trained: the flags move the scores
    path = tmp_path / "model.onnx"
    export_onnx(model, path)
    session = open_session(path, threads=1)
    lexicon_input = next(i for i in session.get_inputs() if i.name == LEXICON_INPUT)
    assert lexicon_input.shape[2] == 9
    batch = first_batch(model, tokenizer)
    inputs = (batch.input_ids, batch.attention_mask, batch.token_mask, batch.feature_ids)
    exported = OrtLogits(session)(*inputs)  # (B, m, L, L)
    trained = torch_logits(model, as_exported=False)(*inputs)
    assert max_abs_diff_on_valid_cells(exported, trained, batch.token_mask) < 1e-4
    no_words = np.zeros_like(batch.feature_ids)
    assert max_abs_diff_on_valid_cells(OrtLogits(session)(*inputs[:3], no_words), exported,
                                       batch.token_mask) > 1e-4


@pytest.fixture(scope="module")
def lexicon_bundle(tmp_path_factory):
    """The tiny lexicon-aware model trained through ``Trainer`` and exported as a bundle."""
    torch.set_num_threads(1)
    model, tokenizer = lexicon_model()
    model.add_lexicon(LexiconTable.of(WORDS, max_word_length=4))
    return trained_bundle(model, tokenizer, documents() * 4, documents(), tmp_path_factory.mktemp("bundles") / "lexicon",
                          min_steps=150, batch_size=5)


def test_bundle_stores_its_words_as_json_and_the_runtime_builds_the_flags(lexicon_bundle):
    encoder = json.loads((lexicon_bundle / "config.json").read_text("utf-8"))["encoder"]
    assert encoder["lexicon"] == {"words": " ".join(sorted(WORDS)), "max_word_length": 4}
    predictor = OnnxPredictor(Bundle.load(lexicon_bundle), threads=1)
    assert isinstance(predictor.window_maker.features, LexiconTable)
    assert LEXICON_INPUT in predictor.logits_function.input_names
    texts = [text for text, _ in SENTENCES]
    found = found_batched_and_alone(predictor, texts)
    assert ("糖尿病", "DIS") in found and ("高血压", "DIS") in found


def test_training_from_a_lexicon_aware_bundle_with_new_labels_keeps_the_lexicon(lexicon_bundle):
    from nerdesk.training.start import start_model

    model, _ = load_checkpoint(lexicon_bundle)
    trained_flags = model.encoder.lexicon.weight.detach().clone()
    start, _ = start_model(str(lexicon_bundle), ["DISEASE", "SYMPTOM"], [text for text, _ in SENTENCES])
    assert start.config.labels == ["DISEASE", "SYMPTOM"]
    assert start.config.encoder["lexicon"]["words"].split(" ") == sorted(WORDS)
    assert torch.equal(start.encoder.lexicon.weight, trained_flags)
