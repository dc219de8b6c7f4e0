"""The moving average of the weights: its arithmetic, the swap in and out, and a run that keeps it."""

from __future__ import annotations

import pytest
import torch
from test_overfit import tiny_scratch_model

from nerdesk.training.averaging import WeightAverage
from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks


def test_the_average_follows_the_weights_with_a_warming_decay():
    layer = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        layer.weight.fill_(0.0)
    average = WeightAverage(layer, decay=0.9)
    expected = 0.0
    for step, value in enumerate([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0], start=1):
        with torch.no_grad():
            layer.weight.fill_(value)
        average.update(layer)
        decay = min(0.9, (1 + step) / (10 + step))
        expected = decay * expected + (1 - decay) * value
        assert average.averaged[0].item() == pytest.approx(expected, rel=1e-6)
    assert 0.0 < expected < 12.0


def test_swapped_in_holds_the_average_inside_and_the_own_weights_after_even_on_error():
    layer = torch.nn.Linear(2, 2)
    average = WeightAverage(layer, decay=0.5)
    own = [parameter.detach().clone() for parameter in layer.parameters()]
    averaged = [tensor.clone() + 1.0 for tensor in average.averaged]
    average.averaged = [tensor.clone() for tensor in averaged]
    with pytest.raises(RuntimeError), average.swapped_in(layer):
        assert all(torch.equal(p, a) for p, a in zip(layer.parameters(), averaged, strict=True))
        raise RuntimeError("an evaluation that fails")
    assert all(torch.equal(p, o) for p, o in zip(layer.parameters(), own, strict=True))


def test_a_decay_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        WeightAverage(torch.nn.Linear(1, 1), decay=1.0)


def test_a_run_with_an_average_scores_and_keeps_the_averaged_weights(nested_documents):
    model, tokenizer = tiny_scratch_model(nested_documents, width=16, head_size=8)
    evaluations: list[float] = []
    config = TrainConfig(epochs=30, batch_size=2, learning_rate=1e-2, patience=30, seed=3, average_decay=0.9)
    trainer = Trainer(model, tokenizer, config,
                      TrainingCallbacks(on_eval=lambda number, report, kept: evaluations.append(report.micro.f1)))
    result = trainer.fit(nested_documents, nested_documents)
    assert result.best_report is not None and result.best_report.micro.f1 == max(evaluations) > 0
    # The weights the run ends with are the best evaluation's averaged weights, and they score as recorded.
    assert trainer.evaluate(nested_documents).micro.f1 == max(evaluations)


def test_a_head_at_the_full_rate_averages_its_weights_and_a_continuation_keeps_the_last_steps():
    from nerdesk.training.recipe import CONTINUE, EXTEND, TRANSFER, train_config

    assert train_config(TRANSFER, 75).average_decay == train_config(EXTEND, 900).average_decay == 0.99
    assert train_config(CONTINUE, 75).average_decay is None
    assert not train_config(TRANSFER, 75, average_decay=0.0).average_decay  # the benchmark's "off"
