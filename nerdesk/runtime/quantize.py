"""Dynamic int8 quantisation of an exported model (weights int8, activations quantised on the fly).

The GlobalPointer head's products decide which cells cross the threshold, so the caller may keep
its nodes in fp32 (``keep_fp32``) and quantise only the encoder, where almost all weights are.

The quantiser advises, through the root logger, to run its pre-processing first: advice for a
developer (it only helps static quantisation), not for the user, so it is dropped during the call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nerdesk.core.errors import ModelBundleError


def quantize_int8(source: Path, target: Path, *, keep_fp32: Iterable[str] = (), per_channel: bool = False,
                  reduce_range: bool = False, embeddings: bool = False) -> None:
    """Write a dynamically quantised copy of ``source`` to ``target`` (MatMul, Gemm and LSTM weights int8;
    with ``embeddings``, the embedding tables read by Gather too: most of a pretrained encoder's bytes)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    try:
        with without_preprocessing_advice():
            quantize_dynamic(
                str(source), str(target),
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul", "Gemm", "LSTM", *(["Gather"] if embeddings else [])],
                nodes_to_exclude=list(keep_fp32),
                reduce_range=reduce_range,
                per_channel=per_channel,
            )
    except Exception as error:  # the quantiser raises plain exceptions from deep inside onnx
        raise ModelBundleError(f"{source}: int8 quantisation failed ({error})", code="E326") from error


PREPROCESSING_ADVICE = "pre-processing before quantization"


class _DropPreprocessingAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return PREPROCESSING_ADVICE not in record.getMessage()


@contextmanager
def without_preprocessing_advice() -> Iterator[None]:
    """Drop the quantiser's pre-processing advice from the root logger while the block runs; every
    other message, and every message after the block, goes through as before."""
    root = logging.getLogger()
    advice = _DropPreprocessingAdvice()
    root.addFilter(advice)
    try:
        yield
    finally:
        root.removeFilter(advice)
