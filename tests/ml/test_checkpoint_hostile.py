"""A corrupt or hostile start checkpoint is a one-line ModelBundleError naming the file, never a traceback,
and a config asking for absurd sizes is refused before any memory is allocated for it."""

from __future__ import annotations

import json
import os
import time

import pytest
import torch

from nerdesk.cli import main
from nerdesk.core.errors import ModelBundleError
from nerdesk.training import model as model_module
from nerdesk.training.model import GlobalPointerModel, ModelConfig, load_checkpoint, save_checkpoint
from nerdesk.training.start import start_model
from nerdesk.training.tokenizer import build_char_tokenizer

TEXTS = ["北京大学在北京。", "小明去上海工作。"]


@pytest.fixture
def checkpoint(tmp_path, tiny_bilstm):
    tokenizer = build_char_tokenizer(TEXTS, min_frequency=1)
    config = ModelConfig(labels=["LOC", "ORG"], encoder=tiny_bilstm(tokenizer.get_vocab_size()), head_size=8,
                         max_length=32)
    save_checkpoint(GlobalPointerModel(config), tokenizer, tmp_path / "model")
    return tmp_path / "model"


def edit_config(change):
    def edit(directory):
        config = json.loads((directory / "config.json").read_text("utf-8"))
        change(config)
        (directory / "config.json").write_text(json.dumps(config), "utf-8")
    return edit


def write(name, content):
    def edit(directory):
        (directory / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return edit


def truncate(name, size):
    def edit(directory):
        (directory / name).write_bytes((directory / name).read_bytes()[:size])
    return edit


def bigger_tokenizer(directory):
    config = json.loads((directory / "config.json").read_text("utf-8"))
    build_char_tokenizer(TEXTS + ["完全不同的文字内容"], min_frequency=1).save(str(directory / "tokenizer.json"))
    assert config["encoder"]["vocab_size"] < 20


# (what is done to the checkpoint, the code, the file the message names, words of the message)
CORRUPTIONS = {
    "weights are random bytes": (write("checkpoint.safetensors", os.urandom(5000)), "E364", "checkpoint.safetensors",
                                 "not a readable safetensors"),
    "weights cut short": (truncate("checkpoint.safetensors", 300), "E364", "checkpoint.safetensors",
                          "not a readable safetensors"),
    "config not UTF-8": (write("config.json", b"\xff\xfe\xa3garbage"), "E363", "config.json", "unreadable"),
    "config not JSON": (write("config.json", "{\"labels\": "), "E363", "config.json", "unreadable"),
    "config nested too deep": (write("config.json", "[" * 100000 + "]" * 100000), "E363", "config.json", ""),
    "config a list": (write("config.json", "[1, 2]"), "E363", "config.json", "JSON object"),
    "labels a string": (edit_config(lambda c: c.update(labels="LOC")), "E363", "config.json", "labels"),
    "labels twice": (edit_config(lambda c: c.update(labels=["LOC", "LOC"])), "E363", "config.json", "twice"),
    "head size a string": (edit_config(lambda c: c.update(head_size="8")), "E363", "config.json", "head_size"),
    "encoder a number": (edit_config(lambda c: c.update(encoder=3)), "E363", "config.json", "encoder"),
    "unknown encoder kind": (edit_config(lambda c: c["encoder"].update(kind="evil")), "E363", "config.json", "evil"),
    "negative hidden size": (edit_config(lambda c: c["encoder"].update(hidden_size=-5)), "E363", "config.json",
                             "hidden_size"),
    "hidden size 10**9": (edit_config(lambda c: c["encoder"].update(hidden_size=10**9)), "E363", "config.json",
                          "encoder.hidden_size"),
    "vocabulary 10**12": (edit_config(lambda c: c["encoder"].update(vocab_size=10**12)), "E363", "config.json",
                          "encoder.vocab_size"),
    "a million layers": (edit_config(lambda c: c["encoder"].update(num_layers=10**6)), "E363", "config.json",
                         "num_layers"),
    "dropout NaN": (edit_config(lambda c: c["encoder"].update(dropout=float("nan"))), "E363", "config.json", "nan"),
    "a wrong argument": (edit_config(lambda c: c["encoder"].update(colour="red")), "E363", "config.json", "colour"),
    # within every limit, but 2**24 x 4096 floats (256 GB) is refused by comparing with the file's header
    "sizes the weights do not have": (edit_config(lambda c: c["encoder"].update(vocab_size=2**24, embedding_dim=4096)),
                                      "E364", "checkpoint.safetensors", "by the config"),
    "other labels": (edit_config(lambda c: c.update(labels=["A", "B", "C"])), "E364", "checkpoint.safetensors",
                     "by the config"),
    "tokenizer random bytes": (write("tokenizer.json", os.urandom(3000)), "E331", "tokenizer.json", "tokenizers file"),
    "tokenizer wrong JSON": (write("tokenizer.json", '{"a": 1}'), "E331", "tokenizer.json", "tokenizers file"),
    "tokenizer of another model": (bigger_tokenizer, "E364", "tokenizer.json", "embedding"),
}


# A config describing a model no machine could hold: it must be refused before anything is allocated.
ABSURD = ("hidden size 10**9", "vocabulary 10**12", "a million layers", "sizes the weights do not have")


@pytest.fixture
def no_real_build_of_absurd_models(monkeypatch, request):
    """For the absurd configs, building the model anywhere but on the meta device fails the test (instead of
    exhausting the memory of the machine the tests run on)."""
    if request.node.callspec.params["corruption"] not in ABSURD:
        return

    class MetaOnly(model_module.GlobalPointerModel):
        def __init__(self, config, encoder=None):
            assert torch.get_default_device() == torch.device("meta"), "the absurd model was about to be allocated"
            super().__init__(config, encoder)

    monkeypatch.setattr(model_module, "GlobalPointerModel", MetaOnly)


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_checkpoint_is_a_one_line_error_naming_the_file(checkpoint, corruption,
                                                                   no_real_build_of_absurd_models):
    corrupt, code, file_name, words = CORRUPTIONS[corruption]
    corrupt(checkpoint)
    started = time.monotonic()
    with pytest.raises(ModelBundleError) as caught:
        load_checkpoint(checkpoint)
    message = str(caught.value)
    assert caught.value.code == code, message
    assert str(checkpoint / file_name) in message and words in message
    assert "\n" not in message
    assert time.monotonic() - started < 10  # nothing absurd was allocated
    with pytest.raises(ModelBundleError) as again:  # training from it says the same
        start_model(str(checkpoint), ["LOC", "ORG"], TEXTS)
    assert again.value.code == code


def test_the_checks_leave_a_good_checkpoint_loadable(checkpoint):
    model, tokenizer = load_checkpoint(checkpoint)
    assert model.config.labels == ["LOC", "ORG"] and tokenizer.get_vocab_size() == model.config.encoder["vocab_size"]
    assert next(model.parameters()).device == torch.device("cpu")


@pytest.mark.parametrize("corruption", ["weights are random bytes", "hidden size 10**9", "tokenizer wrong JSON"])
def test_nerdesk_train_from_a_corrupt_checkpoint_prints_one_line(checkpoint, corruption, tmp_path, capsys):
    CORRUPTIONS[corruption][0](checkpoint)
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps({"text": TEXTS[0], "spans": [{"start": 0, "end": 4, "label": "ORG"}]}) + "\n", "utf-8")
    code = main(["train", "--train", str(train), "--out", str(tmp_path / "out"), "--init", str(checkpoint),
                 "--min-steps", "1", "--epochs", "1", "--threads", "1"])
    error = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert error[-1].startswith(f"nerdesk: error {CORRUPTIONS[corruption][1]}: {checkpoint}")
    assert not (tmp_path / "out").exists()
