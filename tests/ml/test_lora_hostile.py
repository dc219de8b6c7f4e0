"""A corrupt checkpoint of adapters (LoRA on an installed encoder package) is a one-line error, and a config that
describes a far bigger model than the package and the adapters hold is refused before it is allocated."""

from __future__ import annotations

import json
import os

import pytest
import torch

from nerdesk.core.errors import ModelBundleError
from nerdesk.training import start as start_module
from nerdesk.training.lora import save_lora_checkpoint
from nerdesk.training.start import start_model
from tests.ml.test_lora import LABELS, install_tiny_package, lora_model

pytest.importorskip("transformers")


@pytest.fixture
def adapters(tmp_path, monkeypatch):
    site = tmp_path / "site"
    model_dir = install_tiny_package(site)
    monkeypatch.syspath_prepend(str(site))
    model, tokenizer = lora_model(model_dir)
    save_lora_checkpoint(model, tokenizer, tmp_path / "adapters")
    return tmp_path / "adapters"


def edit_encoder_config(directory, **changes):
    config = json.loads((directory / "config.json").read_text("utf-8"))
    config["encoder"]["config"].update(changes)
    (directory / "config.json").write_text(json.dumps(config), "utf-8")


def test_a_checkpoint_of_adapters_still_loads(adapters):
    model, _ = start_model(str(adapters), LABELS, [])
    assert model.config.labels == LABELS and "lora" in model.config.encoder


def test_a_config_bigger_than_the_package_and_adapters_is_refused_unallocated(adapters, monkeypatch):
    edit_encoder_config(adapters, num_hidden_layers=300, intermediate_size=2**20)

    class MetaOnly(start_module.GlobalPointerModel):
        def __init__(self, config, encoder=None):
            assert torch.get_default_device() == torch.device("meta"), "the absurd model was about to be allocated"
            super().__init__(config, encoder)

    monkeypatch.setattr("nerdesk.training.model.GlobalPointerModel", MetaOnly)
    with pytest.raises(ModelBundleError) as caught:
        start_model(str(adapters), LABELS, [])
    message = str(caught.value)
    assert caught.value.code == "E364" and message.startswith(str(adapters / "config.json")) and "\n" not in message


@pytest.mark.parametrize("damage", ["random bytes", "cut short"])
def test_corrupt_adapters_are_one_line(adapters, damage):
    weights = adapters / "checkpoint.safetensors"
    weights.write_bytes(os.urandom(2000) if damage == "random bytes" else weights.read_bytes()[:500])
    with pytest.raises(ModelBundleError) as caught:
        start_model(str(adapters), LABELS, [])
    assert caught.value.code == "E364" and str(weights) in str(caught.value) and "\n" not in str(caught.value)
