"""Mention-swapped copies at every size a head learns at the full rate (ten of each document of a small set,
counted as three), a budget they lengthen by at most a minute, and a run its budget cuts short still scored
about ``evaluations`` times."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fixtures_bundle import LABELS, sentence_documents, training_documents

import nerdesk.training.augment as augment
import nerdesk.training.run as run
from nerdesk.training.augment import SWAPPED_COPIES
from nerdesk.training.recipe import (
    BUDGET_FLOOR_SECONDS,
    CONTINUE,
    EXTEND,
    TRANSFER,
    batch_size,
    time_budget_seconds,
    train_config,
)


def test_copies_lengthen_the_budget_as_documents_do_but_by_at_most_a_minute():
    assert time_budget_seconds(900, 2700) == time_budget_seconds(900) + 60.0 == 345.0
    assert time_budget_seconds(1000, 0, CONTINUE) == 310.0


def test_a_run_at_the_full_rate_gets_at_least_the_floor_and_a_continuation_does_not():
    assert time_budget_seconds(75, 750) == time_budget_seconds(75, 750, EXTEND) == BUDGET_FLOOR_SECONDS
    assert time_budget_seconds(75, 0, CONTINUE) == 60.0 + 0.25 * 75 < BUDGET_FLOOR_SECONDS
    assert train_config(TRANSFER, 75, 750).time_budget_seconds == BUDGET_FLOOR_SECONDS
    assert train_config(CONTINUE, 75).time_budget_seconds < BUDGET_FLOOR_SECONDS
    config = train_config(TRANSFER, 900, 2700)
    assert config.time_budget_seconds == 345.0 and config.batch_size == batch_size(3600)
    assert train_config(TRANSFER, 900, 2700, time_budget_seconds=20.0).time_budget_seconds == 20.0


def request_for(documents, augment=True):
    return SimpleNamespace(train_documents=documents, augment=augment, seed=3)


@pytest.mark.parametrize("kind", [TRANSFER, EXTEND])
def test_a_head_learning_at_the_full_rate_gets_copies_at_any_size_below_the_limit(kind, monkeypatch):
    documents = sentence_documents() * 40  # 320 documents: more than small sets, fewer than the limit
    with_copies = run.training_documents(request_for(documents), kind)
    assert with_copies[:len(documents)] == documents
    copies = with_copies[len(documents):]
    replaceable = sum(1 for doc in documents if doc.gold)
    assert len(copies) == SWAPPED_COPIES * replaceable
    assert any(copy.text not in {doc.text for doc in documents} for copy in copies)
    assert run.training_documents(request_for(documents, augment=False), kind) == documents
    monkeypatch.setattr(augment, "AUGMENT_BELOW", len(documents))
    assert run.training_documents(request_for(documents), kind) == documents
    monkeypatch.setattr(augment, "AUGMENT_BELOW", len(documents) + 1)
    monkeypatch.setattr(augment, "AUGMENT_BELOW_CHARACTERS", sum(len(doc.text) for doc in documents))
    assert run.training_documents(request_for(documents), kind) == documents


def test_a_small_set_gets_more_copies_that_share_the_budget_of_three():
    documents = sentence_documents() * 10  # 80 documents: fewer than SMALL_SET
    copies = run.training_documents(request_for(documents), TRANSFER)[len(documents):]
    replaceable = sum(1 for doc in documents if doc.gold)
    assert len(copies) == augment.SMALL_SET_COPIES * replaceable
    assert augment.budgeted_copies(len(copies), len(documents)) == SWAPPED_COPIES * replaceable


def test_a_continuation_learns_from_the_documents_as_they_are():
    documents = sentence_documents()
    assert run.training_documents(request_for(documents), CONTINUE) == documents


def test_a_run_its_budget_cuts_short_is_still_evaluated_about_evaluations_times():
    from nerdesk.training.model import GlobalPointerModel, ModelConfig
    from nerdesk.training.tokenizer import build_char_tokenizer, padding_id
    from nerdesk.training.trainer import TrainConfig, Trainer

    documents = training_documents()
    tokenizer = build_char_tokenizer([d.text for d in documents], min_frequency=1)
    model = GlobalPointerModel(ModelConfig(
        labels=LABELS, head="gp", head_size=16, max_length=64, window_stride=32,
        encoder={"kind": "bilstm", "vocab_size": tokenizer.get_vocab_size(), "embedding_dim": 16,
                 "hidden_size": 16, "num_layers": 1, "dropout": 0.0, "padding_id": padding_id(tokenizer)}))
    # 100,000 epochs: the step marks (every 1/4 of the steps) are never reached within 3 s
    config = TrainConfig(epochs=100_000, batch_size=4, learning_rate=1e-2, evaluations=4, patience=100,
                         time_budget_seconds=3.0)
    result = Trainer(model, tokenizer, config).fit(documents, sentence_documents())
    assert result.stop_reason == "time budget"
    evaluated = [record for record in result.history if "f1" in record]
    assert 3 <= len(evaluated) <= 6, result.history  # by the step marks alone: 1, when the budget ends
