"""The inference rewrite of a trained model: same scores on every valid cell, a smaller ONNX graph."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import torch

from nerdesk.runtime.compare import max_abs_diff_on_valid_cells
from nerdesk.runtime.session import OrtLogits, open_session
from nerdesk.training.export import export_onnx, torch_logits
from nerdesk.training.model import GlobalPointerModel, ModelConfig

onnx = pytest.importorskip("onnx")


def trained_like_model(tiny_bilstm, head: str) -> GlobalPointerModel:
    """Two BiLSTM layers (the rewrite's interesting case) with random weights, in eval mode."""
    torch.manual_seed(3)
    config = ModelConfig(labels=["A", "B", "C"], encoder=tiny_bilstm(40, num_layers=2, hidden_size=12), head=head,
                         head_size=8)
    return GlobalPointerModel(config).eval()


def padded_batch() -> tuple[np.ndarray, np.ndarray]:
    """Three rows of lengths 9, 5 and 1 padded to 9: the backward LSTM must start at each row's end."""
    rng = np.random.default_rng(0)
    input_ids = rng.integers(1, 40, size=(3, 9)).astype(np.int64)  # (B, L)
    attention_mask = np.zeros((3, 9), dtype=np.int64)  # (B, L)
    for row, length in enumerate((9, 5, 1)):
        attention_mask[row, :length] = 1
    input_ids[attention_mask == 0] = 0
    return input_ids, attention_mask


@pytest.mark.parametrize("head", ["gp", "egp"])
def test_rewritten_module_scores_valid_cells_like_the_trained_model(tiny_bilstm, head):
    model = trained_like_model(tiny_bilstm, head)
    input_ids, attention_mask = padded_batch()
    rewritten = torch_logits(model)(input_ids, attention_mask, attention_mask)  # (B, m, L, L)
    trained = torch_logits(model, as_exported=False)(input_ids, attention_mask, attention_mask)
    assert rewritten.shape == trained.shape == (3, 3, 9, 9)
    assert max_abs_diff_on_valid_cells(rewritten, trained, attention_mask) < 1e-5
    assert np.abs(trained).max() > 1e-3  # the comparison is not between two arrays of zeros


def test_exported_graph_has_one_lstm_per_layer_and_matches_the_trained_model(tiny_bilstm, tmp_path):
    model = trained_like_model(tiny_bilstm, "gp")
    path = tmp_path / "model.onnx"
    export_onnx(model, path)
    operators = collections.Counter(node.op_type for node in onnx.load(str(path)).graph.node)
    assert operators["LSTM"] == 2 and operators["GatherElements"] == 0 and operators["Where"] == 0
    lstm = next(node for node in onnx.load(str(path)).graph.node if node.op_type == "LSTM")
    assert {a.name: onnx.helper.get_attribute_value(a) for a in lstm.attribute}["direction"] == b"bidirectional"
    input_ids, attention_mask = padded_batch()
    exported = OrtLogits(open_session(path, threads=1))(input_ids, attention_mask, attention_mask)
    trained = torch_logits(model, as_exported=False)(input_ids, attention_mask, attention_mask)
    assert max_abs_diff_on_valid_cells(exported, trained, attention_mask) < 1e-4
