"""A trained model replaces only a folder that holds nothing but a model (``nerdesk.training.model_folder``):
a new path, an empty folder, an earlier bundle or checkpoint. Everything else is refused and left as it was."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import TrainingError
from nerdesk.training.model_folder import (
    check_model_folder,
    fresh_staging,
    move_into_place,
    staging_folder,
)

MODEL = {"checkpoint.safetensors": b"weights", "config.json": b"{}", "tokenizer.json": b"{}"}


def fill(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def contents(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def refused(call) -> TrainingError:
    with pytest.raises(TrainingError) as caught:
        call()
    assert caught.value.code == "E420"
    return caught.value


def test_new_empty_and_model_folders_may_be_replaced(tmp_path):
    check_model_folder(tmp_path / "new" / "deeper")
    check_model_folder(fill(tmp_path / "empty", {}))
    check_model_folder(fill(tmp_path / "checkpoint", MODEL))  # what --no-bundle writes
    check_model_folder(fill(tmp_path / "bundle", {**MODEL, "bundle.json": b"{}", "MODEL_CARD.md": b"card"}))
    check_model_folder(fill(tmp_path / "killed", {**MODEL, ".int8-0.onnx": b"half", ".config.json.partial": b"{"}))


def test_a_folder_with_other_files_is_refused_naming_them(tmp_path):
    folder = fill(tmp_path / "work", {"thesis.txt": b"two years", "notes.nerdesk": b"SQLite format 3\0", **MODEL})
    error = refused(lambda: check_model_folder(folder, outcome="nothing was trained"))
    assert "notes.nerdesk, thesis.txt" in str(error) and "nothing was trained" in str(error)
    assert "checkpoint.safetensors" not in str(error)


def test_a_file_a_link_a_path_under_a_file_and_the_current_folder_are_refused(tmp_path, monkeypatch):
    (tmp_path / "model.txt").write_text("mine", encoding="utf-8")
    refused(lambda: check_model_folder(tmp_path / "model.txt"))
    refused(lambda: check_model_folder(tmp_path / "model.txt" / "sub"))
    fill(tmp_path / "real", {})
    (tmp_path / "link").symlink_to(tmp_path / "real")
    refused(lambda: check_model_folder(tmp_path / "link"))
    monkeypatch.chdir(fill(tmp_path / "here", {}))
    for out in (".", "..", "./", str(tmp_path / "here")):
        assert "current folder" in str(refused(lambda out=out: check_model_folder(out)))


def test_a_staging_folder_with_other_files_is_refused_too(tmp_path):
    fill(staging_folder(tmp_path / "model"), {"keep.txt": b"mine"})
    assert "keep.txt" in str(refused(lambda: check_model_folder(tmp_path / "model")))
    assert "keep.txt" in str(refused(lambda: fresh_staging(tmp_path / "model")))
    assert contents(staging_folder(tmp_path / "model")) == {"keep.txt": b"mine"}


def test_an_interrupted_exports_staging_folder_is_cleared(tmp_path):
    fill(staging_folder(tmp_path / "model"), {**MODEL, ".int8-1.onnx": b"half"})
    staging = fresh_staging(tmp_path / "model")
    assert staging == tmp_path / ".model.partial" and list(staging.iterdir()) == []


def test_moving_into_place_replaces_an_earlier_bundle(tmp_path):
    out = fill(tmp_path / "model", {**MODEL, "bundle.json": b"old", "MODEL_CARD.md": b"card"})
    staging = fill(fresh_staging(out), {**MODEL, "bundle.json": b"new"})
    assert move_into_place(staging, out) == out
    assert contents(out)["bundle.json"] == b"new" and not staging.exists()


def test_moving_into_place_refuses_a_folder_that_gained_other_files_and_drops_the_staging(tmp_path):
    out = fill(tmp_path / "model", {})
    staging = fill(fresh_staging(out), {**MODEL, "bundle.json": b"new"})
    (out / "report.pdf").write_bytes(b"written while the model trained")
    refused(lambda: move_into_place(staging, out))
    assert contents(out) == {"report.pdf": b"written while the model trained"} and not staging.exists()
