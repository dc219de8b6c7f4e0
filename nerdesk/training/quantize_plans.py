"""Which nodes of an exported model stay fp32 in each int8 trial of ``export.quantize_and_decide``.

The ONNX tracer names every node after the modules it was called in, so the nodes of an encoder
layer or of the head can be found by name, and left out of the quantisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from torch import nn

from nerdesk.training.model import GlobalPointerModel


def encoder_layer_scopes(model: GlobalPointerModel) -> list[str]:
    """ONNX scope segments of the encoder's layers, input side first (e.g. ``/encoder/layers.0/``).

    The tracer names a node after the modules it was called in, writing a ``ModuleList`` item as
    ``name.index``; the first ``ModuleList`` of the encoder holds its layers (BiLSTM layers, or
    the transformer blocks of a Hugging Face encoder).
    """
    for name, module in model.encoder.named_modules():
        if isinstance(module, nn.ModuleList) and len(module):
            path = "/".join(["encoder", *name.split(".")])
            return [f"/{path}.{index}/" for index in range(len(module))]
    return []


def node_names(onnx_path: Path) -> list[str]:
    import onnx

    return [node.name for node in onnx.load(str(onnx_path), load_external_data=False).graph.node]


def nodes_within(names: Sequence[str], scopes: Sequence[str]) -> list[str]:
    """The node ``names`` inside any of ``scopes`` (as ``encoder_layer_scopes`` writes them)."""
    return [name for name in names if any(scope in name for scope in scopes)]


HEAD_SCOPE = "/head/"


def int8_plans(layer_count: int) -> list[tuple[int, bool]]:
    """(encoder layers kept fp32 from the input side, head kept fp32) of each int8 trial, fastest first.

    Errors made near the input travel through every later layer, so keeping the first layers fp32
    restores the most spans per layer kept; the head's products decide which cells cross the
    threshold, so keeping the head fp32 (encoder int8) comes next; the whole encoder fp32 last.
    """
    first_layers = [(kept, False) for kept in range(layer_count)] or [(0, False)]
    return list(dict.fromkeys(first_layers + [(0, True), (layer_count, False)]))
