"""Exact graph rewrites: a softmax NaN guard is dropped, the results stay bit for bit the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.graph_rewrites import drop_softmax_nan_guards


def attention_like_graph(path: Path, *, guarded: bool) -> Path:
    """scores (B, L) + mask -> Softmax -> [Where(IsNaN(p), 0, p)] -> MatMul with values -> output."""
    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    values = helper.make_tensor("values", TensorProto.FLOAT, [4, 3], np.arange(12, dtype=np.float32) / 7)
    nodes = [helper.make_node("Add", ["scores", "mask"], ["masked"]),
             helper.make_node("Softmax", ["masked"], ["probabilities"], axis=-1)]
    if guarded:
        nodes += [helper.make_node("IsNaN", ["probabilities"], ["is_nan"]),
                  helper.make_node("Where", ["is_nan", "zero", "probabilities"], ["guarded"])]
    nodes += [helper.make_node("Constant", [], ["unused"], value_float=1.0),
              helper.make_node("MatMul", ["guarded" if guarded else "probabilities", "values"], ["context"])]
    inputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", 4]) for name in ("scores", "mask")]
    graph = helper.make_graph(nodes, "attention", inputs,
                              [helper.make_tensor_value_info("context", TensorProto.FLOAT, ["batch", 3])],
                              initializer=[zero, values])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def run(path: Path, scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (context,) = session.run(None, {"scores": scores, "mask": mask})  # (B, 3)
    return np.asarray(context)


def test_the_guard_is_dropped_and_the_results_stay_the_same(tmp_path):
    source = attention_like_graph(tmp_path / "guarded.onnx", guarded=True)
    target = tmp_path / "rewritten.onnx"
    assert drop_softmax_nan_guards(source, target) == 1
    kinds = [node.op_type for node in onnx.load(str(target)).graph.node]
    assert kinds == ["Add", "Softmax", "MatMul"]  # the guard and the unused constant are gone
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(5, 4)).astype(np.float32) * 10  # (B, L)
    mask = np.where(rng.random((5, 4)) < 0.4, -np.inf, 0).astype(np.float32)  # (B, L)
    mask[:, 0] = 0  # every row keeps a real key, as every window keeps a real token
    assert np.array_equal(run(source, scores, mask), run(target, scores, mask))


def test_a_graph_without_the_guard_is_written_unchanged(tmp_path):
    source = attention_like_graph(tmp_path / "plain.onnx", guarded=False)
    target = tmp_path / "rewritten.onnx"
    assert drop_softmax_nan_guards(source, target) == 0
    assert onnx.load(str(target)).graph == onnx.load(str(source)).graph


def test_a_where_that_does_not_guard_a_softmax_stays(tmp_path):
    source = attention_like_graph(tmp_path / "guarded.onnx", guarded=True)
    model = onnx.load(str(source))
    softmax = next(node for node in model.graph.node if node.op_type == "Softmax")
    softmax.op_type, softmax.name = "Relu", "not a softmax"
    del softmax.attribute[:]
    onnx.save(model, str(source))
    assert drop_softmax_nan_guards(source, tmp_path / "rewritten.onnx") == 0


def test_an_unreadable_file_is_a_coded_error(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx model")
    with pytest.raises(ModelBundleError) as raised:
        drop_softmax_nan_guards(broken, tmp_path / "out.onnx")
    assert raised.value.code == "E322"
