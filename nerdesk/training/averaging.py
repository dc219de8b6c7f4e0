"""An exponential moving average of a model's weights, scored and kept in place of the last step's weights.

Small sets give noisy gradients: the weights after any one step of a run on 100 documents are a sample
around where the run is heading, and the dev F1 of consecutive checkpoints jumps by points. The average of
the recent steps sits nearer the middle. Its decay warms up as ``(1 + t) / (10 + t)`` (capped at
``decay``), so the first evaluations are not dominated by a freshly initialised head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


class WeightAverage:
    def __init__(self, model: torch.nn.Module, decay: float) -> None:
        if not 0.0 < decay < 1.0:
            raise ValueError(f"an average's decay is between 0 and 1, not {decay}")
        self.decay = decay
        self.updates = 0
        self.averaged = [parameter.detach().clone() for parameter in model.parameters()]

    def update(self, model: torch.nn.Module) -> None:
        """Fold the model's current weights in (after each optimizer step)."""
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        current = [parameter.detach() for parameter in model.parameters()]
        torch._foreach_lerp_(self.averaged, current, 1.0 - decay)

    @contextmanager
    def swapped_in(self, model: torch.nn.Module) -> Iterator[None]:
        """The model holds the averaged weights inside the block and its own again after it."""
        parameters = list(model.parameters())
        own = [parameter.detach().clone() for parameter in parameters]
        _copy(parameters, self.averaged)
        try:
            yield
        finally:
            _copy(parameters, own)


def _copy(targets: list[torch.nn.Parameter], sources: list[torch.Tensor]) -> None:
    with torch.no_grad():
        for target, source in zip(targets, sources, strict=True):
            target.copy_(source)
