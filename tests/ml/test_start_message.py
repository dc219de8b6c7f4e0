"""The line that opens a training run says where it starts in plain words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nerdesk.training.run import start_message

CONFIG = SimpleNamespace(min_steps=60, time_budget_seconds=20.0)


@pytest.mark.parametrize(("kind", "expected"), [
    ("continue", "starting from models/v1, continuing it with its head;"),
    ("transfer", "starting from the encoder of models/v1 with a new head;"),
    ("scratch", "starting from scratch;"),
])
def test_the_start_reads_as_a_sentence(kind, expected):
    request = SimpleNamespace(train_documents=[1, 2, 3], dev_documents=[4], source="p.nerdesk", init="models/v1")
    message = start_message(request, ["LOC", "PER"], kind, CONFIG)
    assert message == (f"training on 3 documents (1 held out to evaluate) from p.nerdesk; labels: LOC, PER; {expected} "
                       f"at least 60 steps, at most 20 s")
