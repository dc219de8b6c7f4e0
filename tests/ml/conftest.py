"""Fixtures for the torch tests: one thread, tiny models, documents with nested entities."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nerdesk.core.document import Document  # noqa: E402
from nerdesk.core.spans import Span  # noqa: E402

torch.set_num_threads(1)


def save_tiny_bert(directory, words: list[str], *, hidden_size: int = 32, layers: int = 1,
                   positions: int = 64):
    """Write a tiny random BERT and its fast tokenizer (vocabulary: the special tokens and ``words``) to
    ``directory``, as a Hugging Face folder; returns ``directory``."""
    import transformers

    vocab = {token: index for index, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words])}
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=hidden_size, num_hidden_layers=layers,
                                     num_attention_heads=2, intermediate_size=2 * hidden_size,
                                     max_position_embeddings=positions)
    torch.manual_seed(0)
    transformers.BertModel(config).save_pretrained(directory)
    transformers.BertTokenizerFast(vocab=vocab, do_lower_case=True).save_pretrained(directory)
    return directory


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


def found_batched_and_alone(predictor, texts: list[str]) -> set[tuple[str, str]]:
    """(mention, label) of every span ``predictor`` finds in ``texts``, after checking that a batch of
    them and each text alone give the same spans."""
    together = predictor.predict(texts, batch_size=8)
    alone = [predictor.predict([text], batch_size=1)[0] for text in texts]
    assert [[(s.start, s.end, s.label) for s in spans] for spans in together] == \
           [[(s.start, s.end, s.label) for s in spans] for spans in alone]
    return {(text[s.start:s.end], s.label) for text, spans in zip(texts, together, strict=True) for s in spans}


def trained_bundle(model, tokenizer, train: list[Document], dev: list[Document], directory, *, min_steps: int,
                   batch_size: int):
    """``model`` trained briefly through ``Trainer`` at a high rate, then exported as a bundle in ``directory``."""
    from nerdesk.training.export import export_bundle
    from nerdesk.training.trainer import TrainConfig, Trainer

    config = TrainConfig(epochs=1, min_steps=min_steps, batch_size=batch_size, learning_rate=1e-2, evaluations=1,
                         seed=1)
    Trainer(model.train(), tokenizer, config).fit(train, dev)
    return export_bundle(model, tokenizer, directory, labels=list(model.config.labels), dev_documents=dev)


@pytest.fixture(scope="session")
def local_ray():
    """One local Ray for every Ray test of the process (they share the xdist group "ray", so one process runs
    them all): starting Ray costs 10-30 s on a busy 2-core machine, once instead of once per module or
    command. A command that finds Ray running uses it and leaves it running. Three CPUs: two one-thread
    workers (actors or training ranks) and a reader or trainer.

    The workers run at the driver's priority: Ray starts them at nice 15, and next to the other test process
    (or any busy process) they then got a few percent of a core: an actor restarted after a crash took
    30 s to construct instead of 3, the crash test took 116 s instead of about 20."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False, _system_config={"worker_niceness": 0})
    yield ray
    ray.shutdown()
