"""A tiny GlobalPointer model trained in seconds on a few sentences, and its exported bundle.

Test modules import these helpers (``from fixtures_bundle import ...``; pytest puts tests/ on the
path) and wrap ``shared_tiny_model`` / ``shared_tiny_bundle`` in fixtures: the model is trained and
exported once per test process, however many modules use it.
"""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from tests.conftest import dataset_file

LABELS = ["PER", "LOC", "ORG"]
MAX_LENGTH = 24
STRIDE = 10
TRAIN_STEPS = 150
TRAIN_LENGTH = 512

# (text, [(mention, label), ...]): each mention occurs once in its text.
SENTENCES = [
    ("张伟在北京大学读书。", [("张伟", "PER"), ("北京大学", "ORG"), ("北京", "LOC")]),
    ("李娜去了上海。", [("李娜", "PER"), ("上海", "LOC")]),
    ("王芳在华为公司工作。", [("王芳", "PER"), ("华为公司", "ORG")]),
    ("刘洋住在广州。", [("刘洋", "PER"), ("广州", "LOC")]),
    ("陈静是复旦大学的老师。", [("陈静", "PER"), ("复旦大学", "ORG")]),
    ("赵磊从深圳回来了。", [("赵磊", "PER"), ("深圳", "LOC")]),
    ("今天天气很好。", []),
    ("孙丽在上海大学教书。", [("孙丽", "PER"), ("上海大学", "ORG"), ("上海", "LOC")]),
]


def sentence_documents(status: str = "new") -> list[Document]:
    documents = []
    for text, mentions in SENTENCES:
        spans = [Span(text.index(m), text.index(m) + len(m), label) for m, label in mentions]
        documents.append(Document(text, spans, status=status))
    return documents


def cluener_dev_texts(count: int) -> list[str]:
    """The first ``count`` CLUENER dev sentences (see ``tests.conftest.dataset_file``)."""
    path = dataset_file("cluener", "dev.json")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(next(handle))["text"] for _ in range(count)]


def long_document(repeats: int = 2, seed: int = 1) -> Document:
    """The sentences back to back in shuffled orders: far longer than one window."""
    rng = random.Random(seed)
    text, spans = "", []
    for _ in range(repeats):
        documents = sentence_documents()
        rng.shuffle(documents)
        for document in documents:
            spans.extend(span.moved(span.start + len(text), span.end + len(text)) for span in document.spans)
            text += document.text
    return Document(text, spans)


def training_documents() -> list[Document]:
    """The sentences alone and run together, so that entities are learnt wherever a window cuts."""
    return sentence_documents() + [long_document(repeats=2, seed=seed) for seed in range(10, 16)]


def train_tiny_model(steps: int = TRAIN_STEPS, seed: int = 0, *, labels: list[str] = LABELS,
                     max_length: int = MAX_LENGTH, train_length: int = TRAIN_LENGTH):
    """A 1-layer BiLSTM + GlobalPointer model that has learnt the sentences above.

    By default it is trained on whole documents (one window each), so that one big window is a fair
    reference for the bundle's short windows; the bundle itself predicts with ``max_length``-token windows.
    """
    from nerdesk.training.tokenizer import build_char_tokenizer

    documents = training_documents()
    tokenizer = build_char_tokenizer([d.text for d in documents], min_frequency=1)
    return fit_tiny_model(documents, tokenizer, labels, steps=steps, seed=seed, max_length=max_length,
                          train_length=train_length)


def fit_tiny_model(documents, tokenizer, labels: list[str], *, steps: int, seed: int, max_length: int,
                   train_length: int, stride: int = STRIDE):
    """Train a 1-layer BiLSTM (32 units) + GlobalPointer model on ``documents`` with ``tokenizer``."""
    import torch

    from nerdesk.training.data import collate, encode_documents
    from nerdesk.training.model import GlobalPointerModel, ModelConfig
    from nerdesk.training.tokenizer import padding_id

    torch.manual_seed(seed)
    config = ModelConfig(
        labels=labels, head="gp", head_size=16, max_length=max_length, window_stride=stride,
        encoder={"kind": "bilstm", "vocab_size": tokenizer.get_vocab_size(), "embedding_dim": 32,
                 "hidden_size": 32, "num_layers": 1, "dropout": 0.0, "padding_id": padding_id(tokenizer)},
    )
    model = GlobalPointerModel(config)
    windows, _ = encode_documents(documents, tokenizer, labels, train_length, stride)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    rng = random.Random(seed)
    model.train()
    for _ in range(steps):
        batch = collate(rng.sample(windows, min(8, len(windows))), len(labels), padding_id(tokenizer))
        _, loss = model(batch.input_ids, batch.attention_mask, batch.token_mask, batch.labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval(), tokenizer


@functools.cache
def shared_tiny_model():
    """One trained tiny model per test process, shared by every module that needs it."""
    import torch

    torch.set_num_threads(1)
    return train_tiny_model()


_SHARED_BUNDLES: dict[str, Path] = {}


def shared_tiny_bundle(tmp_path_factory) -> Path:
    """The bundle of ``shared_tiny_model()``, exported once per test process (treat it as read-only)."""
    if "tiny" not in _SHARED_BUNDLES:
        _SHARED_BUNDLES["tiny"] = export_tiny_bundle(*shared_tiny_model(),
                                                     tmp_path_factory.mktemp("bundles") / "tiny")
    return _SHARED_BUNDLES["tiny"]


def create_scored_project(path: Path, bundle: Path) -> None:
    """A project at ``path`` with three evaluation documents (PER, LOC, ORG gold spans), one to predict, and
    ``bundle`` registered as its active model ``tiny@1``."""
    from nerdesk.storage import Project

    with Project.create(path) as created:
        documents = sentence_documents()
        for document in documents[:3]:
            document.status, document.split = "reviewed", "eval"
        created.add_documents([*documents[:3], Document("李娜去了上海。")])
        created.set_active_model(created.register_model(name="tiny@1", bundle_path=bundle, metrics={},
                                                        settings={}, trained_on={}))


def export_tiny_bundle(model, tokenizer, directory: Path) -> Path:
    from nerdesk.training.export import export_bundle

    return export_bundle(model, tokenizer, directory, labels=LABELS, dev_documents=sentence_documents(),
                         metrics={"note": "tiny test model"}, trained_on={"sentences": len(SENTENCES)})
