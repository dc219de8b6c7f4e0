"""Where training starts may come from anyone: a start bundle is verified like any bundle nerdesk loads, a
Hugging Face directory is read from safetensors only, and whatever is wrong is one line naming it."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import torch

from nerdesk.cli import main
from nerdesk.core.errors import ModelBundleError, TrainingError
from nerdesk.training.export import export_bundle
from nerdesk.training.model import GlobalPointerModel, ModelConfig, save_checkpoint
from nerdesk.training.run import start_decoding
from nerdesk.training.start import start_model
from nerdesk.training.tokenizer import build_char_tokenizer
from tests.ml.conftest import save_tiny_bert

transformers = pytest.importorskip("transformers")

TEXTS = ["北京大学在北京。", "小明去上海工作。"]
WORDS = ["aspirin", "eases", "headache", "and", "fever", "."]


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    """An exported bundle of an untrained tiny model (treat as read-only: copy it to change it)."""
    tokenizer = build_char_tokenizer(TEXTS, min_frequency=1)
    encoder = {"kind": "bilstm", "vocab_size": tokenizer.get_vocab_size(), "embedding_dim": 16, "hidden_size": 16,
               "num_layers": 1, "dropout": 0.0, "padding_id": 0}
    torch.manual_seed(0)
    model = GlobalPointerModel(ModelConfig(labels=["LOC", "ORG"], encoder=encoder, head_size=8, max_length=32,
                                         window_stride=8))
    return export_bundle(model.eval(), tokenizer, tmp_path_factory.mktemp("bundles") / "tiny", labels=["LOC", "ORG"],
                         parity_texts=TEXTS, threshold=0.25)


@pytest.fixture
def bundle_copy(tiny_bundle, tmp_path):
    return shutil.copytree(tiny_bundle, tmp_path / "bundle")


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_good_start_bundle_gives_its_decoding(bundle_copy):
    model, _ = start_model(str(bundle_copy), ["LOC", "ORG"], TEXTS)
    assert model.config.labels == ["LOC", "ORG"]
    assert start_decoding(str(bundle_copy))[0] == 0.25


@pytest.mark.parametrize(("file_name", "code"), [("checkpoint.safetensors", "E313"), ("config.json", "E313"),
                                                 ("tokenizer.json", "E313"), ("model.onnx", "E313")])
def test_a_start_bundle_with_a_changed_file_is_refused(bundle_copy, file_name, code, monkeypatch):
    flip_a_byte(bundle_copy / file_name)
    monkeypatch.setattr("nerdesk.training.start.load_checkpoint", lambda directory: pytest.fail("loaded unverified"))
    with pytest.raises(ModelBundleError) as caught:
        start_model(str(bundle_copy), ["LOC", "ORG"], TEXTS)
    assert caught.value.code == code and file_name in str(caught.value)


def test_a_start_bundle_with_a_corrupt_manifest_is_refused(bundle_copy):
    (bundle_copy / "bundle.json").write_bytes(os.urandom(300))
    with pytest.raises(ModelBundleError) as caught:
        start_model(str(bundle_copy), ["LOC", "ORG"], TEXTS)
    assert caught.value.code == "E302"
    with pytest.raises(ModelBundleError):  # no longer read as "no bundle: threshold 0"
        start_decoding(str(bundle_copy))


def test_nerdesk_train_from_a_tampered_bundle_prints_one_line(bundle_copy, tmp_path, capsys):
    flip_a_byte(bundle_copy / "checkpoint.safetensors")
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps({"text": TEXTS[0], "spans": [{"start": 0, "end": 4, "label": "ORG"}]}) + "\n", "utf-8")
    code = main(["train", "--train", str(train), "--out", str(tmp_path / "out"), "--init", str(bundle_copy),
                 "--min-steps", "1", "--epochs", "1", "--threads", "1"])
    error = capsys.readouterr().err
    assert code == 1 and "Traceback" not in error
    assert error.strip().splitlines()[-1].startswith("nerdesk: error E313: ")


def test_a_failed_export_leaves_the_earlier_model_in_out_whole(tmp_path, monkeypatch, capsys):
    """Training writes its checkpoint into --out before export only when --out is new or empty: over an earlier
    model it would leave that bundle's files mismatching its bundle.json if export then failed."""
    out = tmp_path / "model"
    tokenizer = build_char_tokenizer(TEXTS, min_frequency=1)
    encoder = {"kind": "bilstm", "vocab_size": tokenizer.get_vocab_size(), "embedding_dim": 8, "hidden_size": 8,
               "num_layers": 1, "dropout": 0.0, "padding_id": 0}
    save_checkpoint(GlobalPointerModel(ModelConfig(labels=["X"], encoder=encoder, head_size=8)), tokenizer, out)
    before = {path.name: path.read_bytes() for path in out.iterdir()}

    def failing_export(*args, **kwargs):
        raise ModelBundleError("the ONNX export differs from the torch model; the bundle was not written", code="E418")

    monkeypatch.setattr("nerdesk.training.run._export", failing_export)
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps({"text": TEXTS[0], "spans": [{"start": 0, "end": 4, "label": "ORG"}]}) + "\n", "utf-8")
    code = main(["train", "--train", str(train), "--out", str(out), "--init", "scratch", "--min-steps", "1",
                 "--epochs", "1", "--threads", "1", "--embedding-dim", "8", "--hidden-size", "8", "--layers", "1",
                 "--no-augment"])
    assert code == 1 and "E418" in capsys.readouterr().err
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


@pytest.fixture(scope="module")
def tiny_bert_dir(tmp_path_factory):
    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), WORDS, hidden_size=16, positions=32)


@pytest.fixture
def bert_copy(tiny_bert_dir, tmp_path):
    return shutil.copytree(tiny_bert_dir, tmp_path / "bert")


def pickled_weights_only(directory):
    state = transformers.BertModel.from_pretrained(str(directory)).state_dict()
    (directory / "model.safetensors").unlink()
    torch.save(state, directory / "pytorch_model.bin")


def edit_json(name, change):
    def edit(directory):
        data = json.loads((directory / name).read_text("utf-8"))
        change(data)
        (directory / name).write_text(json.dumps(data), "utf-8")
    return edit


def write(name, content):
    return lambda directory: (directory / name).write_bytes(content)


HF_CORRUPTIONS = {
    "pickled weights only": (pickled_weights_only, "safetensors"),
    "weights random bytes": (write("model.safetensors", os.urandom(1000)), "encoder"),
    "config not JSON": (write("config.json", b'{"model_type": "bert", "hidden_size": "abc"'), "config.json"),
    "config not UTF-8": (write("config.json", b"\xff\xfe\x00{"), "config.json"),
    "config of an unknown model type": (edit_json("config.json", lambda c: c.update(model_type="evil")), "evil"),
    "config asks for custom code": (edit_json("config.json", lambda c: c.update(auto_map={"AutoModel": "evil.M"})),
                                    "custom code"),
    "config with a hidden size of 10**9": (edit_json("config.json", lambda c: c.update(hidden_size=10**9)),
                                           "hidden_size"),
    "config with other sizes than the weights": (edit_json("config.json", lambda c: c.update(hidden_size=32)),
                                                 "encoder"),
    "tokenizer random bytes": (write("tokenizer.json", os.urandom(1000)), "tokenizer"),
}


@pytest.mark.parametrize("corruption", list(HF_CORRUPTIONS))
def test_a_broken_hugging_face_directory_is_one_line(bert_copy, corruption, monkeypatch):
    corrupt, words = HF_CORRUPTIONS[corruption]
    corrupt(bert_copy)
    monkeypatch.setattr(torch, "load", lambda *args, **kwargs: pytest.fail("a pickle was read"))
    with pytest.raises(TrainingError) as caught:
        start_model(str(bert_copy), ["DRUG"], [], head_size=8, max_length=16)
    message = str(caught.value)
    assert caught.value.code == "E415" and message.startswith(f"--init {bert_copy}: cannot load")
    assert words in message and "\n" not in message


def test_a_good_hugging_face_directory_still_loads(bert_copy):
    model, tokenizer = start_model(str(bert_copy), ["DRUG"], [], head_size=8, max_length=16)
    assert model.encoder.hidden_size == 16 and tokenizer.encode("aspirin").tokens == ["[CLS]", "aspirin", "[SEP]"]
