"""A torch model behind the runtime's prediction pipeline.

Training-time evaluation, ``export``'s parity and int8 checks and the benchmarks all predict through
``nerdesk.runtime.predictor.SpanPredictor``: the windows, batching, decoding and span cap of
``nerdesk predict``. Only the function that turns a padded batch into logits differs, so a dev score
measured during training is the score a user gets from the exported bundle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from nerdesk.core.document import Document
from nerdesk.core.metrics import Report, evaluate
from nerdesk.runtime.predictor import LogitsFunction, SpanPredictor
from nerdesk.training.inference_graph import inference_module
from nerdesk.training.model import GlobalPointerModel


class TrainedScores(nn.Module):
    """The trained model with the exported graph's signature: what the ONNX model must reproduce."""

    def __init__(self, model: GlobalPointerModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_mask: torch.Tensor) -> torch.Tensor:
        return self.model.scores(input_ids, attention_mask)  # (B, m, L, L)


def torch_logits(model: GlobalPointerModel, *, as_exported: bool = True) -> LogitsFunction:
    """The torch model as a ``SpanPredictor`` logits function (eager, no gradients).

    ``as_exported`` runs ``inference_module(model)``, the computation the ONNX graph holds; otherwise
    the trained model's own ``scores``, which the parity check compares the ONNX model with.
    """
    module = inference_module(model) if as_exported else TrainedScores(model.eval())

    def run(input_ids: np.ndarray, attention_mask: np.ndarray, token_mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            logits = module(torch.from_numpy(input_ids), torch.from_numpy(attention_mask),
                            torch.from_numpy(token_mask))  # (B, m, L, L)
        return logits.float().numpy()

    return run


def torch_span_predictor(model: GlobalPointerModel, tokenizer, *, max_span_tokens: int | None = None,
                         threshold: float = 0.0, stride: int | None = None) -> SpanPredictor:
    """``SpanPredictor`` over the trained model, with the settings its bundle will have."""
    config = model.config
    return SpanPredictor(torch_logits(model, as_exported=False), tokenizer, list(config.labels),
                         max_length=config.max_length, stride=config.window_stride if stride is None else stride,
                         threshold=threshold, flat=config.flat, max_span_tokens=max_span_tokens)


def evaluate_model(model: GlobalPointerModel, tokenizer, documents: Sequence[Document], *,
                   max_span_tokens: int | None = None, batch_size: int = 32) -> Report:
    """Score the model on ``documents`` through the prediction pipeline (the model is left in eval mode)."""
    model.eval()
    predictor = torch_span_predictor(model, tokenizer, max_span_tokens=max_span_tokens)
    predictions = predictor.predict([doc.text for doc in documents], batch_size=batch_size)
    return evaluate([doc.gold for doc in documents], predictions)
