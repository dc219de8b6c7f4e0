"""Checkpoints round-trip through safetensors + JSON; a new label set keeps the encoder."""

from __future__ import annotations

import json

import pytest
import torch

from nerdesk.core.errors import ModelBundleError, TrainingError
from nerdesk.training.model import GlobalPointerModel, ModelConfig, load_checkpoint, save_checkpoint
from nerdesk.training.start import start_model
from nerdesk.training.tokenizer import build_char_tokenizer


@pytest.fixture
def saved_model(tmp_path, tiny_bilstm, nested_documents):
    tokenizer = build_char_tokenizer([d.text for d in nested_documents], min_frequency=1)
    config = ModelConfig(labels=["LOC", "ORG"], encoder=tiny_bilstm(tokenizer.get_vocab_size()), head="egp",
                         head_size=8, max_length=32)
    model = GlobalPointerModel(config).eval()
    save_checkpoint(model, tokenizer, tmp_path / "model")
    return model, tokenizer, tmp_path / "model"


def test_checkpoint_round_trip_gives_the_same_logits(saved_model):
    model, tokenizer, directory = saved_model
    assert sorted(p.name for p in directory.iterdir()) == ["checkpoint.safetensors", "config.json", "tokenizer.json"]
    loaded, loaded_tokenizer = load_checkpoint(directory)
    assert loaded.config == model.config
    encoding = loaded_tokenizer.encode("北京大学")
    assert encoding.ids == tokenizer.encode("北京大学").ids
    ids = torch.tensor([encoding.ids])
    with torch.no_grad():
        assert torch.equal(model(ids, torch.ones_like(ids))[0], loaded(ids, torch.ones_like(ids))[0])


def test_config_json_is_plain_json_without_pickle(saved_model):
    _, _, directory = saved_model
    config = json.loads((directory / "config.json").read_text("utf-8"))
    assert config["labels"] == ["LOC", "ORG"] and config["head"] == "egp"
    assert b"pickle" not in (directory / "checkpoint.safetensors").read_bytes()[:2000]


def test_loading_a_broken_checkpoint_says_what_is_wrong(saved_model, tmp_path):
    _, _, directory = saved_model
    with pytest.raises(ModelBundleError) as caught:
        load_checkpoint(tmp_path)
    assert caught.value.code == "E362"
    config = json.loads((directory / "config.json").read_text("utf-8"))
    config["encoder"]["hidden_size"] = 64
    (directory / "config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(ModelBundleError) as caught:
        load_checkpoint(directory)
    assert caught.value.code == "E364"


def test_new_label_set_keeps_encoder_and_tokenizer_with_fresh_head(saved_model):
    model, tokenizer, directory = saved_model
    transferred, new_tokenizer = start_model(str(directory), ["DRUG", "LOC", "SYMPTOM"], [], head="egp")
    assert transferred.config.labels == ["DRUG", "LOC", "SYMPTOM"]
    assert new_tokenizer.to_str() == tokenizer.to_str()
    old_state, new_state = model.encoder.state_dict(), transferred.encoder.state_dict()
    assert all(torch.equal(old_state[name], new_state[name]) for name in old_state)
    assert transferred.head.type_bias.out_features == 2 * 3
    ids = torch.tensor([tokenizer.encode("北京").ids])
    logits, _ = transferred(ids, torch.ones_like(ids))
    assert logits.shape == (1, 3, 2, 2)


def test_same_labels_continue_with_the_trained_head(saved_model):
    model, _, directory = saved_model
    continued, _ = start_model(str(directory), ["LOC", "ORG"], [], head="egp")
    assert torch.equal(continued.head.type_bias.weight, model.head.type_bias.weight)


def test_unknown_start_point_is_a_clear_error(tmp_path):
    with pytest.raises(TrainingError) as caught:
        start_model(str(tmp_path / "nowhere"), ["X"], ["text"])
    assert caught.value.code == "E413"
    with pytest.raises(TrainingError) as caught:
        start_model(str(tmp_path), ["X"], ["text"])
    assert caught.value.code == "E414"
