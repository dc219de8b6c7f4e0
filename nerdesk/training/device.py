"""Where training runs: the CPU, or a CUDA GPU when torch sees one, with mixed precision where safe.

Only the training steps use the GPU. Dev scores, threshold calibration, the ONNX export and its
parity check run on the CPU, exactly as the bundle will predict.

Mixed precision is bfloat16 autocast, and only on a GPU that supports it. float16 is never used:
the GlobalPointer head masks cells with very large negative logits, which overflow float16.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import torch

from nerdesk.core.errors import TrainingError

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(requested: str, cuda_available: Callable[[], bool] = torch.cuda.is_available) -> str:
    """``cpu`` or ``cuda`` for ``auto|cpu|cuda``; asking for ``cuda`` without a GPU is an error."""
    if requested not in DEVICES:
        raise TrainingError(f"unknown device {requested!r}; choose one of {', '.join(DEVICES)}", code="E403")
    if requested == "auto":
        return "cuda" if cuda_available() else "cpu"
    if requested == "cuda" and not cuda_available():
        raise TrainingError("--device cuda: torch sees no CUDA GPU (check the driver and that this torch build "
                            "has CUDA: python -c 'import torch; print(torch.version.cuda)'); use --device cpu",
                            code="E404")
    return requested


def autocast_dtype(device: str, bf16_supported: Callable[[], bool] | None = None) -> torch.dtype | None:
    """The mixed-precision type for training on ``device``: bfloat16 on a GPU that has it, else None."""
    if device != "cuda":
        return None
    supported = bf16_supported or torch.cuda.is_bf16_supported
    return torch.bfloat16 if supported() else None


def autocast(device: str, dtype: torch.dtype | None) -> contextlib.AbstractContextManager[object]:
    """A context that runs the forward pass in ``dtype`` (no-op when None)."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=dtype)
