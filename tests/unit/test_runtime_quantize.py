"""int8 quantisation: the quantiser's pre-processing advice stays out of the user's output, nothing else does."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

from nerdesk.runtime.quantize import PREPROCESSING_ADVICE, quantize_int8, without_preprocessing_advice


def matmul_model(path: Path) -> Path:
    """x @ W with a 16x8 weight: a graph the dynamic quantiser turns int8."""
    weight = helper.make_tensor("weight", TensorProto.FLOAT, [16, 8],
                                (np.arange(128, dtype=np.float32) - 64) / 50)
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "weight"], ["y"])], "tiny",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 8])],
                              initializer=[weight])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def test_quantizing_logs_no_preprocessing_advice_and_still_quantizes(tmp_path, caplog):
    source = matmul_model(tmp_path / "model.onnx")
    with caplog.at_level(logging.WARNING):
        quantize_int8(source, tmp_path / "model.int8.onnx")
    assert not [r for r in caplog.records if PREPROCESSING_ADVICE in r.getMessage()]
    quantized = onnx.load(tmp_path / "model.int8.onnx")
    assert any(node.op_type in ("MatMulInteger", "DynamicQuantizeMatMul") for node in quantized.graph.node)
    session = ort.InferenceSession(str(tmp_path / "model.int8.onnx"), providers=["CPUExecutionProvider"])
    assert session.run(None, {"x": np.zeros((2, 16), dtype=np.float32)})[0].shape == (2, 8)


def test_only_the_advice_is_dropped_and_only_during_the_block(caplog):
    advice = "Please consider to run pre-processing before quantization. Refer to example: ..."
    with caplog.at_level(logging.WARNING):
        with without_preprocessing_advice():
            logging.warning(advice)
            logging.warning("a weight could not be quantized")
        logging.warning(advice)
    assert [r.getMessage() for r in caplog.records] == ["a weight could not be quantized", advice]
    assert not [f for f in logging.getLogger().filters if type(f).__name__ == "_DropPreprocessingAdvice"]


def test_a_fresh_process_prints_no_quantizer_warning_to_stderr(tmp_path):
    """What a user of ``nerdesk train`` sees: no handler is configured, so the root logger would print it."""
    source = matmul_model(tmp_path / "model.onnx")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from nerdesk.runtime.quantize import quantize_int8
        quantize_int8(Path({str(source)!r}), Path({str(tmp_path / "out.onnx")!r}))
        print("done")
    """)
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "done"
    assert "pre-processing" not in finished.stderr and "WARNING:root" not in finished.stderr, finished.stderr
