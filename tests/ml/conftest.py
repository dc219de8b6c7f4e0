"""Fixtures for the torch tests: one thread, tiny models, documents with nested entities."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nerdesk.core.document import Document  # noqa: E402
from nerdesk.core.spans import Span  # noqa: E402

torch.set_num_threads(1)


def tiny_bilstm_settings(vocab_size: int, **changes) -> dict:
    settings = {"kind": "bilstm", "vocab_size": vocab_size, "embedding_dim": 32, "hidden_size": 32,
                "num_layers": 1, "dropout": 0.0, "padding_id": 0}
    return {**settings, **changes}


@pytest.fixture
def tiny_bilstm():
    """Encoder settings of a small one-layer BiLSTM: ``tiny_bilstm(vocab_size, **changes)``."""
    return tiny_bilstm_settings


@pytest.fixture
def nested_documents() -> list[Document]:
    """Two sentences; in the first an organisation nests a location."""
    first = "北京大学在北京。"
    second = "小明去上海工作。"
    return [
        Document(first, [Span(0, 4, "ORG"), Span(0, 2, "LOC"), Span(5, 7, "LOC")]),
        Document(second, [Span(0, 2, "PER"), Span(3, 5, "LOC")]),
    ]
