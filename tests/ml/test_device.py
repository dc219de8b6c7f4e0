"""Where training runs: the device choice, bfloat16 only on a GPU that has it, the CUDA path when present."""

from __future__ import annotations

import pytest
import torch

from nerdesk.cli import main
from nerdesk.core.errors import TrainingError
from nerdesk.training.device import autocast, autocast_dtype, resolve_device
from nerdesk.training.start import ScratchSettings, start_model
from nerdesk.training.trainer import TrainConfig, Trainer


def test_auto_picks_cuda_only_when_torch_sees_a_gpu():
    assert resolve_device("auto", cuda_available=lambda: True) == "cuda"
    assert resolve_device("auto", cuda_available=lambda: False) == "cpu"
    assert resolve_device("cpu", cuda_available=lambda: True) == "cpu"
    assert resolve_device("cuda", cuda_available=lambda: True) == "cuda"


def test_cuda_without_a_gpu_and_unknown_devices_are_refused():
    with pytest.raises(TrainingError) as caught:
        resolve_device("cuda", cuda_available=lambda: False)
    assert caught.value.code == "E404"
    with pytest.raises(TrainingError, match="unknown device 'tpu'") as caught:
        resolve_device("tpu")
    assert caught.value.code == "E403"


def test_mixed_precision_is_bfloat16_on_a_gpu_that_has_it_and_never_on_the_cpu():
    assert autocast_dtype("cuda", bf16_supported=lambda: True) is torch.bfloat16
    assert autocast_dtype("cuda", bf16_supported=lambda: False) is None
    assert autocast_dtype("cpu", bf16_supported=lambda: True) is None
    with autocast("cpu", None):
        assert not torch.is_autocast_enabled()


def tiny_model(documents):
    settings = ScratchSettings(tokenizer="char", min_frequency=1, embedding_dim=16, hidden_size=16,
                               num_layers=1, dropout=0.0)
    return start_model("scratch", ["LOC", "ORG", "PER"], [d.text for d in documents], head_size=8, scratch=settings)


def test_cpu_training_keeps_the_model_and_best_weights_on_the_cpu(nested_documents):
    model, tokenizer = tiny_model(nested_documents)
    config = TrainConfig(epochs=4, batch_size=2, learning_rate=1e-2, seed=1, device="cpu", evaluations=2)
    result = Trainer(model, tokenizer, config).fit(nested_documents, nested_documents)
    assert result.steps == 4 and result.best_report is not None
    assert {parameter.device.type for parameter in result.model.parameters()} == {"cpu"}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_cuda_training_runs_on_the_gpu_and_hands_back_a_cpu_model(nested_documents):
    model, tokenizer = tiny_model(nested_documents)
    seen: list[str] = []
    model.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].device.type))
    config = TrainConfig(epochs=2, batch_size=2, learning_rate=1e-2, seed=1, device="cuda", evaluations=1)
    result = Trainer(model, tokenizer, config).fit(nested_documents, nested_documents)
    assert "cuda" in seen and result.best_report is not None
    assert {parameter.device.type for parameter in result.model.parameters()} == {"cpu"}


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown without a GPU")
def test_train_device_cuda_without_a_gpu_says_what_to_do(tmp_path, capsys):
    source = tmp_path / "train.jsonl"
    source.write_text('{"text": "北京大学在北京。", "spans": [{"start": 0, "end": 4, "label": "ORG"}]}\n', "utf-8")
    code = main(["train", "--train", str(source), "--out", str(tmp_path / "model"), "--device", "cuda",
                 "--init", "scratch", "--embedding-dim", "8", "--hidden-size", "8", "--layers", "1", "--threads", "1"])
    assert code != 0
    assert "--device cpu" in capsys.readouterr().err
    assert not (tmp_path / "model" / "model.onnx").exists()
