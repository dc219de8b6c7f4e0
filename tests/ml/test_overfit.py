"""A tiny model learns two sentences with a nested entity and decodes exactly their gold spans."""

from __future__ import annotations

from nerdesk.core.metrics import evaluate
from nerdesk.training.logits import torch_span_predictor
from nerdesk.training.start import ScratchSettings, start_model
from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks


def tiny_scratch_model(documents, width: int, head_size: int):
    """A one-layer character BiLSTM + GlobalPointer for LOC/ORG/PER, vocabulary from ``documents``."""
    settings = ScratchSettings(tokenizer="char", min_frequency=1, embedding_dim=width, hidden_size=width,
                               num_layers=1, dropout=0.0)
    return start_model("scratch", ["LOC", "ORG", "PER"], [d.text for d in documents], head_size=head_size,
                       scratch=settings)


def test_overfit_two_sentences_with_nested_entity(nested_documents):
    model, tokenizer = tiny_scratch_model(nested_documents, width=32, head_size=16)
    losses: list[float] = []
    config = TrainConfig(epochs=60, batch_size=2, learning_rate=1e-2, warmup_ratio=0.0, patience=60, seed=1)
    trainer = Trainer(model, tokenizer, config, TrainingCallbacks(on_step=lambda s, t, loss: losses.append(loss)))
    result = trainer.fit(nested_documents)
    assert losses[-1] < losses[0] / 20
    predictions = torch_span_predictor(model, tokenizer).predict([d.text for d in nested_documents])
    for document, predicted in zip(nested_documents, predictions, strict=True):
        assert [s.key for s in predicted] == [s.key for s in document.gold]
    assert evaluate([d.gold for d in nested_documents], predictions).nested.f1 == 1.0
    assert result.stop_reason == "steps"


def test_early_stopping_keeps_the_best_dev_weights(nested_documents):
    model, tokenizer = tiny_scratch_model(nested_documents, width=16, head_size=8)
    evaluations: list[float] = []
    stop_after = 8
    config = TrainConfig(epochs=40, batch_size=2, learning_rate=1e-2, patience=3, seed=2)
    callbacks = TrainingCallbacks(on_eval=lambda epoch, report, kept: evaluations.append(report.micro.f1),
                                  should_stop=lambda: len(evaluations) >= stop_after)
    trainer = Trainer(model, tokenizer, config, callbacks)
    result = trainer.fit(nested_documents, nested_documents)
    assert result.best_report is not None
    assert result.best_report.micro.f1 == max(evaluations)
    assert trainer.evaluate(nested_documents).micro.f1 == max(evaluations)
    assert result.stop_reason in ("early stopping", "cancelled", "steps")
    assert len(result.history) == len(evaluations)


def test_a_continuation_keeps_its_starting_weights_unless_a_checkpoint_is_clearly_better(nested_documents):
    import torch

    model, tokenizer = tiny_scratch_model(nested_documents, width=16, head_size=8)
    start = {name: value.clone() for name, value in model.state_dict().items()}
    config = TrainConfig(epochs=20, batch_size=2, learning_rate=1e-2, evaluate_start=True, min_delta=1.0, seed=2)
    result = Trainer(model, tokenizer, config).fit(nested_documents, nested_documents)
    assert result.best_step == 0 and result.best_epoch == 1  # the first evaluation: the starting weights
    assert all(torch.equal(start[name], value) for name, value in model.state_dict().items())
