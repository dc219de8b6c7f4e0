"""The character- and word-aware BiLSTM: padding invariance, ONNX parity, runtime predictions."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.chars import CHAR_INPUT, CharTable
from nerdesk.runtime.compare import max_abs_diff_on_valid_cells
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.runtime.session import OrtLogits, open_session
from nerdesk.runtime.windows import WindowMaker, batches
from nerdesk.training.char_encoder import KIND, CharAwareBiLstmEncoder, char_encoder_settings
from nerdesk.training.export import export_bundle, export_onnx
from nerdesk.training.logits import torch_logits
from nerdesk.training.model import GlobalPointerModel, ModelConfig
from nerdesk.training.tokenizer import UNK, build_word_tokenizer, padding_id
from nerdesk.training.trainer import TrainConfig, Trainer
from tests.ml.conftest import found_batched_and_alone, trained_bundle

LABELS = ["LOC", "ORG", "PER"]
# (text, [(mention, label), ...]), each mention once in its text; written for these tests.
SENTENCES = [
    ("Maria Lopez flew from Madrid to Oslo on Monday .", [("Maria Lopez", "PER"), ("Madrid", "LOC"),
                                                           ("Oslo", "LOC")]),
    ("Siemens opened an office in Lyon .", [("Siemens", "ORG"), ("Lyon", "LOC")]),
    ("Kwame Mensah joined Barclays last year .", [("Kwame Mensah", "PER"), ("Barclays", "ORG")]),
    ("The weather in Bergen was cold .", [("Bergen", "LOC")]),
    ("Nokia and Ericsson met in Helsinki .", [("Nokia", "ORG"), ("Ericsson", "ORG"), ("Helsinki", "LOC")]),
    ("Nothing happened on Tuesday .", []),
]


def documents() -> list[Document]:
    return [Document(text, [Span(text.index(m), text.index(m) + len(m), label) for m, label in mentions])
            for text, mentions in SENTENCES]


def char_model(texts: list[str], seed: int = 0, chars_per_token: int = 6):
    """A two-layer character-aware model with random weights (eval mode) and its word tokenizer."""
    torch.manual_seed(seed)
    tokenizer = build_word_tokenizer(texts, min_frequency=2)  # most words are [UNK]: the characters matter
    encoder = char_encoder_settings(texts, tokenizer.get_vocab_size(), padding_id(tokenizer),
                                    tokenizer.token_to_id(UNK), chars_per_token=chars_per_token, embedding_dim=8,
                                    char_dim=6, char_filters=10, hidden_size=12, num_layers=2, dropout=0.0)
    config = ModelConfig(labels=LABELS, encoder=encoder, head_size=8, max_length=16, window_stride=4, flat=True)
    return GlobalPointerModel(config).eval(), tokenizer


def test_char_table_keeps_prefix_and_suffix_of_long_tokens_and_marks_unknown_characters():
    table = CharTable(tuple("abcdefgh"), chars_per_token=4)
    ids = table.ids("abcdefgh x", np.array([[0, 8], [9, 10]]))  # (2, 4)
    assert ids.tolist() == [[2, 3, 8, 9], [1, 0, 0, 0]]  # "ab" + "gh"; "x" unknown, then padding


def test_encoder_gives_each_token_the_same_vector_whatever_the_padding():
    texts = [text for text, _ in SENTENCES]
    model, tokenizer = char_model(texts)
    maker = WindowMaker(tokenizer, 64, 8, features=CharTable.from_encoder_config(model.config.encoder))
    windows = maker.windows(texts)
    together = next(batches(windows, maker.pad_id, batch_size=8, cell_budget=10**7))
    assert together.feature_ids.shape == together.input_ids.shape + (6,)
    encoder = model.encoder
    assert isinstance(encoder, CharAwareBiLstmEncoder)
    with torch.no_grad():
        batched = encoder(*map(torch.from_numpy, (together.input_ids, together.attention_mask,
                                                  together.feature_ids)))  # (B, L, H)
        for row, window in enumerate(together.windows):
            alone = next(batches([window], maker.pad_id, batch_size=1, cell_budget=10**7))
            single = encoder(*map(torch.from_numpy, (alone.input_ids, alone.attention_mask, alone.feature_ids)))
            assert torch.allclose(single[0], batched[row, : len(window)], atol=1e-6)
    assert together.attention_mask.sum(axis=1).min() < together.input_ids.shape[1]  # some rows were padded


def test_exported_graph_reads_char_ids_and_matches_the_trained_model(tmp_path):
    texts = [text for text, _ in SENTENCES]
    model, tokenizer = char_model(texts)
    path = tmp_path / "model.onnx"
    export_onnx(model, path)
    session = open_session(path, threads=1)
    char_input = next(i for i in session.get_inputs() if i.name == CHAR_INPUT)
    assert char_input.shape[2] == 6
    maker = WindowMaker(tokenizer, 64, 8, features=CharTable.from_encoder_config(model.config.encoder))
    batch = next(batches(maker.windows(texts), maker.pad_id, batch_size=8, cell_budget=10**7))
    inputs = (batch.input_ids, batch.attention_mask, batch.token_mask, batch.feature_ids)
    exported = OrtLogits(session)(*inputs)  # (B, m, L, L)
    trained = torch_logits(model, as_exported=False)(*inputs)
    assert max_abs_diff_on_valid_cells(exported, trained, batch.token_mask) < 1e-4
    assert np.abs(trained).max() > 1e-3
    other_chars = batch.feature_ids.copy()
    other_chars[batch.feature_ids > 0] = 1  # every character unknown: the scores must change
    assert max_abs_diff_on_valid_cells(OrtLogits(session)(*inputs[:3], other_chars), exported,
                                       batch.token_mask) > 1e-4


@pytest.fixture(scope="module")
def char_bundle(tmp_path_factory):
    """A tiny character-aware model trained through ``Trainer`` and exported as a bundle."""
    torch.set_num_threads(1)
    train = documents() * 4
    model, tokenizer = char_model([doc.text for doc in train])
    return trained_bundle(model, tokenizer, train, documents(), tmp_path_factory.mktemp("bundles") / "chars",
                          min_steps=120, batch_size=6)


def test_bundle_stores_its_character_vocabulary_as_json_and_predicts_the_same_batched_or_alone(char_bundle):
    encoder = json.loads((char_bundle / "config.json").read_text("utf-8"))["encoder"]
    assert encoder["kind"] == KIND and "M" in encoder["char_vocabulary"]
    predictor = OnnxPredictor(Bundle.load(char_bundle), threads=1)
    assert predictor.window_maker.features is not None
    texts = [text for text, _ in SENTENCES] + ["Oslo and Madrid are far apart , said Maria Lopez ."]
    found = found_batched_and_alone(predictor, texts)
    assert ("Madrid", "LOC") in found and ("Siemens", "ORG") in found


def test_onnx_without_char_ids_refuses_a_plain_call(char_bundle):
    from nerdesk.core.errors import ModelBundleError

    session = open_session(Bundle.load(char_bundle).variant_path("fp32"), threads=1)
    probe = np.ones((1, 2), dtype=np.int64)
    with pytest.raises(ModelBundleError) as caught:
        OrtLogits(session)(probe, probe, probe)
    assert caught.value.code == "E325"


def test_training_can_start_from_a_character_aware_bundle_with_new_labels(char_bundle, tmp_path):
    from nerdesk.training.start import start_model

    renamed = {"LOC": "CITY", "PER": "PERSON"}
    train = [Document(doc.text, [Span(s.start, s.end, renamed[s.label]) for s in doc.gold if s.label in renamed])
             for doc in documents()]
    model, tokenizer = start_model(str(char_bundle), ["CITY", "PERSON"], [doc.text for doc in train])
    assert model.config.encoder["kind"] == KIND and model.config.labels == ["CITY", "PERSON"]
    config = TrainConfig(epochs=1, min_steps=10, batch_size=6, learning_rate=1e-3, evaluations=1, seed=2)
    result = Trainer(model, tokenizer, config).fit(train, train)
    assert result.steps == 10 and result.best_report is not None
    bundle = export_bundle(result.model, tokenizer, tmp_path / "retrained", labels=["CITY", "PERSON"],
                           dev_documents=train)
    spans = OnnxPredictor(Bundle.load(bundle), threads=1).predict(["Maria Lopez flew to Oslo ."])
    assert all(span.label in {"CITY", "PERSON"} for span in spans[0])


def edited_char_settings(bundle, folder, change):
    """A copy of ``bundle`` whose config.json ``change`` edited, its hash in bundle.json made to match again
    (as whoever hands the bundle on can do)."""
    import shutil

    from nerdesk.runtime.bundle import MANIFEST, file_entry
    copy = shutil.copytree(bundle, folder)
    config = json.loads((copy / "config.json").read_text("utf-8"))
    change(config["encoder"])
    (copy / "config.json").write_text(json.dumps(config), "utf-8")
    manifest = json.loads((copy / MANIFEST).read_text("utf-8"))
    manifest["files"]["config.json"] = file_entry(copy / "config.json")
    (copy / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    return copy


CHAR_SETTING_EDITS = {
    "width missing": (lambda e: e.pop("chars_per_token"), "E334"),
    "width text": (lambda e: e.__setitem__("chars_per_token", "abc"), "E334"),
    "width huge": (lambda e: e.__setitem__("chars_per_token", 10**9), "E334"),  # it allocated 21 GB
    "width other than the model's": (lambda e: e.__setitem__("chars_per_token", 7), "E338"),
    "vocabulary null": (lambda e: e.__setitem__("char_vocabulary", None), "E335"),
    "vocabulary of numbers": (lambda e: e.__setitem__("char_vocabulary", [1, 2, 3]), "E335"),
    "vocabulary entry of two characters": (lambda e: e["char_vocabulary"].__setitem__(0, "ab"), "E335"),
}


@pytest.mark.parametrize("case", sorted(CHAR_SETTING_EDITS))
def test_edited_character_settings_are_refused_with_a_code_before_any_prediction(char_bundle, tmp_path, case):
    from nerdesk.core.errors import ModelBundleError

    change, code = CHAR_SETTING_EDITS[case]
    copy = edited_char_settings(char_bundle, tmp_path / "edited", change)
    with pytest.raises(ModelBundleError) as caught:
        OnnxPredictor(Bundle.load(copy), threads=1)
    assert caught.value.code == code, caught.value
