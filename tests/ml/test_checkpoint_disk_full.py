"""A full disk while a checkpoint is saved is a one-line TrainingError saying where; the checkpoint already in the
folder stays as it was and no half-written file is left."""

from __future__ import annotations

import errno
import json

import pytest
import safetensors.torch

from nerdesk.cli import main
from nerdesk.core.errors import TrainingError
from nerdesk.training import checkpoint_files
from nerdesk.training.model import GlobalPointerModel, ModelConfig, load_checkpoint, save_checkpoint
from nerdesk.training.tokenizer import build_char_tokenizer

TEXTS = ["北京大学在北京。", "小明去上海工作。"]
FILES = ["checkpoint.safetensors", "config.json", "tokenizer.json"]


def tiny_model(tiny_bilstm, labels):
    tokenizer = build_char_tokenizer(TEXTS, min_frequency=1)
    config = ModelConfig(labels=labels, encoder=tiny_bilstm(tokenizer.get_vocab_size()), head_size=8, max_length=64)
    return GlobalPointerModel(config), tokenizer


def contents(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def write_half_then_fail(path, data):
    """What a writer does when the disk fills up: part of the file is written, then ENOSPC."""
    with open(path, "wb") as handle:
        handle.write(data[: len(data) // 2])
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


@pytest.fixture
def full_disk_on(monkeypatch):
    """``full_disk_on(file_name)``: writing that checkpoint file fails with ENOSPC, half written."""
    def arrange(file_name):
        if file_name == "checkpoint.safetensors":  # safetensors' own writer, which save_model calls
            monkeypatch.setattr(safetensors.torch, "save_file", lambda tensors, filename, metadata=None:
                                write_half_then_fail(filename, safetensors.torch.save(tensors, metadata=metadata)))
            return
        real = checkpoint_files.write_bytes

        def write_bytes(path, data):
            return (write_half_then_fail if path.name.startswith(f".{file_name}") else real)(path, data)
        monkeypatch.setattr(checkpoint_files, "write_bytes", write_bytes)
    return arrange


@pytest.mark.parametrize("failing", FILES)
def test_a_full_disk_leaves_the_earlier_checkpoint_as_it_was(tmp_path, tiny_bilstm, full_disk_on, failing):
    directory = tmp_path / "model"
    save_checkpoint(*tiny_model(tiny_bilstm, ["LOC", "ORG"]), directory)
    before = contents(directory)
    full_disk_on(failing)
    with pytest.raises(TrainingError) as caught:
        save_checkpoint(*tiny_model(tiny_bilstm, ["LOC", "ORG", "PER"]), directory)
    message = str(caught.value)
    assert caught.value.code == "E109" and "\n" not in message
    assert message.startswith(f"{directory}: cannot write {failing}") and "No space left on device" in message
    assert "as it was" in message
    assert contents(directory) == before  # no partial file, nothing replaced
    assert load_checkpoint(directory)[0].config.labels == ["LOC", "ORG"]


def test_a_full_disk_leaves_no_new_folder_behind(tmp_path, tiny_bilstm, full_disk_on):
    full_disk_on("checkpoint.safetensors")
    with pytest.raises(TrainingError):
        save_checkpoint(*tiny_model(tiny_bilstm, ["LOC"]), tmp_path / "new" / "model")
    assert list((tmp_path / "new").iterdir()) == []


def test_a_written_checkpoint_has_only_its_three_files(tmp_path, tiny_bilstm):
    model, tokenizer = tiny_model(tiny_bilstm, ["LOC"])
    save_checkpoint(model, tokenizer, tmp_path / "model")
    save_checkpoint(model, tokenizer, tmp_path / "model")  # over itself
    assert sorted(contents(tmp_path / "model")) == FILES
    assert json.loads((tmp_path / "model" / "tokenizer.json").read_text("utf-8")) == json.loads(tokenizer.to_str())


def test_nerdesk_train_on_a_full_disk_prints_one_line_and_keeps_the_earlier_model(tmp_path, tiny_bilstm,
                                                                                   full_disk_on, capsys):
    out = tmp_path / "model"
    save_checkpoint(*tiny_model(tiny_bilstm, ["LOC", "ORG"]), out)
    before = contents(out)
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps({"text": TEXTS[0], "spans": [{"start": 0, "end": 4, "label": "ORG"}]}) + "\n", "utf-8")
    full_disk_on("checkpoint.safetensors")
    code = main(["train", "--train", str(train), "--out", str(out), "--init", "scratch", "--no-bundle",
                 "--min-steps", "1", "--epochs", "1", "--threads", "1", "--embedding-dim", "8", "--hidden-size", "8",
                 "--layers", "1", "--no-augment"])
    error = capsys.readouterr().err
    assert code == 1 and "Traceback" not in error
    assert error.strip().splitlines()[-1].startswith(f"nerdesk: error E109: {out}: cannot write checkpoint.safetensors")
    assert contents(out) == before


def test_a_full_disk_while_exporting_the_onnx_model_is_one_error_and_keeps_the_earlier_bundle(tmp_path, tiny_bilstm,
                                                                                              monkeypatch):
    from nerdesk.training import export

    out = tmp_path / "bundle"
    export.export_bundle(*tiny_model(tiny_bilstm, ["LOC", "ORG"]), out, labels=["LOC", "ORG"])
    before = contents(out)

    def export_onnx_on_a_full_disk(_model, path):
        write_half_then_fail(path, b"onnx bytes")

    monkeypatch.setattr(export, "export_onnx", export_onnx_on_a_full_disk)
    with pytest.raises(TrainingError) as caught:
        export.export_bundle(*tiny_model(tiny_bilstm, ["LOC", "ORG"]), out, labels=["LOC", "ORG"])
    assert caught.value.code == "E109" and "No space left on device" in str(caught.value)
    assert contents(out) == before and sorted(path.name for path in tmp_path.iterdir()) == ["bundle"]
