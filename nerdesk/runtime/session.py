"""ONNX Runtime sessions for GlobalPointer models: opening them and running one padded batch."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from nerdesk.core.errors import ModelBundleError
from nerdesk.core.wording import by_count
from nerdesk.runtime.token_features import FEATURE_INPUTS

# The names export gives the graph inputs; a model may use a subset (token_mask is optional).
MODEL_INPUTS = ("input_ids", "attention_mask", "token_mask")
# Inputs only some models have, at most one of them: char_ids or lexicon_ids (B, L, K)
# (``nerdesk.runtime.token_features``).
OPTIONAL_INPUTS = FEATURE_INPUTS


def default_threads() -> int:
    return max(1, os.cpu_count() or 1)


def open_session(model_path: Path, *, threads: int | None = None, optimize: bool = True) -> ort.InferenceSession:
    """Open ``model_path`` on the CPU; ``optimize=False`` is for quick validation only."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    options.log_severity_level = 3
    # Idle worker threads sleep instead of spinning: prediction shares the CPU with the GUI (and on a
    # busy machine spinning slowed single-document latency by about 10%).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises several private exception types
        raise ModelBundleError(f"{model_path}: ONNX Runtime cannot load the model ({error}); "
                               f"the file is corrupt or truncated, export the bundle again",
                               code="E322") from error
    known = MODEL_INPUTS + OPTIONAL_INPUTS
    unknown = [i.name for i in session.get_inputs() if i.name not in known]
    if unknown:
        raise ModelBundleError(f"{model_path}: unexpected model {by_count(len(unknown), 'input', 'inputs')} "
                               f"{', '.join(unknown)}; "
                               f"expected some of {', '.join(known)}", code="E323")
    return session


def check_feature_width(session: ort.InferenceSession, width: int, model_path: Path) -> None:
    """Refuse settings whose rows (``chars_per_token``, lexicon flags) are not as wide as the model's feature
    input, where the graph fixes that width: ONNX Runtime would refuse every batch."""
    features = [i for i in session.get_inputs() if i.name in FEATURE_INPUTS]
    expected = features[0].shape[2] if features else None
    if isinstance(expected, int) and expected != width:
        raise ModelBundleError(f"{model_path}: the model reads {expected} {features[0].name} per token but its "
                               f"settings in config.json give {width}; export the bundle again", code="E338")


def output_label_count(session: ort.InferenceSession) -> int:
    """Number of entity types ``m`` in the logits (B, m, L, L).

    Read from the graph when it declares it, else measured by scoring a two-token probe input.
    """
    shape = session.get_outputs()[0].shape
    if len(shape) != 4:
        raise ModelBundleError(f"model output has shape {shape}; a GlobalPointer model outputs (batch, types, L, L)",
                               code="E324")
    if isinstance(shape[1], int):
        return shape[1]
    probe = np.ones((1, 2), dtype=np.int64)  # (1, 2)
    features = [i for i in session.get_inputs() if i.name in FEATURE_INPUTS]
    extra: tuple[NDArray[np.int64], ...] = ()
    if features:
        width = features[0].shape[2] if isinstance(features[0].shape[2], int) else 1
        extra = (np.zeros((1, 2, width), dtype=np.int64),)  # (1, 2, K)
    return int(OrtLogits(session)(probe, probe, probe, *extra).shape[1])


class OrtLogits:
    """Callable that runs one padded batch through an ONNX session and returns the logits."""

    def __init__(self, session: ort.InferenceSession) -> None:
        self.session = session
        self.input_names = [i.name for i in session.get_inputs()]
        self.feature_input = next((name for name in self.input_names if name in FEATURE_INPUTS), None)

    def __call__(self, input_ids: NDArray[Any], attention_mask: NDArray[Any], token_mask: NDArray[Any],
                 feature_ids: NDArray[Any] | None = None) -> NDArray[Any]:
        available = {"input_ids": input_ids, "attention_mask": attention_mask, "token_mask": token_mask}
        if self.feature_input is not None:
            if feature_ids is None:
                raise ModelBundleError(f"the model reads {self.feature_input} but none were given; predict through "
                                       "OnnxPredictor, which builds them from the text", code="E325")
            available[self.feature_input] = feature_ids
        feeds = {name: available[name] for name in self.input_names}  # each (B, L) int64; features (B, L, K)
        (logits,) = self.session.run(None, feeds)  # (B, m, L, L) float32
        scores: NDArray[np.float32] = logits
        return scores
