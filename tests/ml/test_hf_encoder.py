"""Fine-tuning a (tiny, built-in-code) BERT from a local Hugging Face directory."""

from __future__ import annotations

import pytest

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.training.model import load_checkpoint, save_checkpoint
from nerdesk.training.start import start_model
from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks
from tests.ml.conftest import save_tiny_bert

transformers = pytest.importorskip("transformers")

WORDS = ["aspirin", "eases", "headache", "and", "fever", "ibuprofen", "treats", "pain", "in", "adults", "."]


@pytest.fixture(scope="module")
def tiny_bert_dir(tmp_path_factory):
    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), WORDS)


def documents() -> list[Document]:
    first = "Aspirin eases headache and fever."
    second = "Ibuprofen treats pain in adults."
    return [
        Document(first, [Span(0, 7, "DRUG"), Span(14, 22, "SYMPTOM"), Span(27, 32, "SYMPTOM")]),
        Document(second, [Span(0, 9, "DRUG"), Span(17, 21, "SYMPTOM")]),
    ]


def test_tiny_bert_fine_tunes_and_round_trips(tiny_bert_dir, tmp_path):
    docs = documents()
    model, tokenizer = start_model(str(tiny_bert_dir), ["DRUG", "SYMPTOM"], [], head_size=16, max_length=32)
    encoding = tokenizer.encode(docs[0].text)
    assert encoding.tokens[0] == "[CLS]" and encoding.tokens[-1] == "[SEP]"
    assert "[UNK]" not in encoding.tokens
    losses: list[float] = []
    config = TrainConfig(epochs=40, batch_size=2, learning_rate=5e-3, warmup_ratio=0.0, patience=40)
    trainer = Trainer(model, tokenizer, config, TrainingCallbacks(on_step=lambda s, t, loss: losses.append(loss)))
    trainer.fit(docs)
    assert losses[-1] < losses[0] / 10
    report = trainer.evaluate(docs)
    assert report.micro.f1 == 1.0

    save_checkpoint(model, tokenizer, tmp_path / "bert-gp")
    loaded, loaded_tokenizer = load_checkpoint(tmp_path / "bert-gp")
    assert loaded.config.encoder["kind"] == "hf"
    assert Trainer(loaded, loaded_tokenizer, config).evaluate(docs).micro.f1 == 1.0


def test_int8_trials_find_the_layers_of_both_encoder_kinds(tiny_bert_dir, tiny_bilstm, tmp_path):
    """The int8 search keeps encoder layers fp32 by name: the names must match nodes of the exported graph."""
    from nerdesk.training.export import encoder_layer_scopes, export_onnx, node_names, nodes_within
    from nerdesk.training.model import GlobalPointerModel, ModelConfig

    bert, _ = start_model(str(tiny_bert_dir), ["DRUG"], [], head_size=16, max_length=32)
    bilstm = GlobalPointerModel(ModelConfig(labels=["DRUG"], encoder=tiny_bilstm(20, num_layers=2), head_size=8))
    for model, expected in ((bert, ["/encoder/model/encoder/layer.0/"]),
                            (bilstm, ["/encoder/layers.0/", "/encoder/layers.1/"])):
        path = tmp_path / f"{len(expected)}.onnx"
        export_onnx(model.eval(), path)
        assert encoder_layer_scopes(model) == expected
        for scope in expected:
            nodes = nodes_within(node_names(path), [scope])
            assert nodes and all(scope in name for name in nodes)
            assert any(name.endswith(("MatMul", "LSTM")) for name in nodes)  # something int8 can take
        names = node_names(path)
        assert not set(nodes_within(names, expected)) & set(nodes_within(names, ["/head/"]))
        assert_onnx_matches_trained_model(model, path)


def assert_onnx_matches_trained_model(model, path) -> None:
    import numpy as np

    from nerdesk.runtime.compare import max_abs_diff_on_valid_cells
    from nerdesk.runtime.session import OrtLogits, open_session
    from nerdesk.training.export import torch_logits

    input_ids = np.array([[2, 5, 6, 7, 8, 3], [2, 9, 10, 3, 0, 0]], dtype=np.int64)  # (B, L), row 2 padded
    attention_mask = (np.arange(6)[None, :] < np.array([[6], [4]])).astype(np.int64)  # (B, L)
    token_mask = attention_mask.copy()
    token_mask[:, 0] = 0  # [CLS]
    token_mask[0, 5] = token_mask[1, 3] = 0  # [SEP]
    exported = OrtLogits(open_session(path, threads=1))(input_ids, attention_mask, token_mask)
    trained = torch_logits(model, as_exported=False)(input_ids, attention_mask, token_mask)
    assert max_abs_diff_on_valid_cells(exported, trained, token_mask) < 1e-4
