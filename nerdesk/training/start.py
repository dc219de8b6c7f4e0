"""Where training starts: a new model from scratch, a nerdesk checkpoint or bundle, or a local
Hugging Face encoder directory.

From a checkpoint the encoder and tokenizer are kept; the head is kept too (with all of the start
model's labels) when its labels cover the training labels, and replaced by a fresh one otherwise. A kept
head is trained gently when the model learnt from at least as many documents as training has, and at the
full rate otherwise (``start_kind``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tokenizers import Tokenizer

from nerdesk.core.errors import ModelBundleError, TrainingError
from nerdesk.core.labels import as_renamed, covers
from nerdesk.core.learnt_from import learns_afresh
from nerdesk.runtime.bundle import MANIFEST, Bundle, documents_learnt_from_bundle
from nerdesk.training.checkpoint_files import one_line, read_tokenizer, size_problem, weight_shapes
from nerdesk.training.encoders import HuggingFaceEncoder
from nerdesk.training.lora import (
    LoraSettings,
    attach_lora,
    base_record_for,
    load_lora_checkpoint,
    lora_settings,
    verified_base_weights,
)
from nerdesk.training.model import (
    CHECKPOINT_FILE,
    CONFIG_FILE,
    TOKENIZER_FILE,
    GlobalPointerModel,
    ModelConfig,
    built_model,
    load_checkpoint,
    read_model_config,
)
from nerdesk.training.tokenizer import build_scratch_tokenizer, load_hf_tokenizer, padding_id

SCRATCH = "scratch"
# A model to train and its tokenizer.
Start = tuple[GlobalPointerModel, Tokenizer]


@dataclass
class ScratchSettings:
    """Architecture of a model trained from nothing (see docs/benchmarks.md for how it scores)."""

    tokenizer: str = "auto"  # char | word | auto
    min_frequency: int = 2
    embedding_dim: int = 200
    hidden_size: int = 256
    num_layers: int = 2
    dropout: float = 0.2


def start_model(init: str, labels: Sequence[str], train_texts: Sequence[str], *, head: str | None = None,
                head_size: int = 64, max_length: int = 256, window_stride: int = 32,
                scratch: ScratchSettings | None = None, lora: LoraSettings | None = None,
                renamed: Mapping[str, str] | None = None) -> Start:
    """(model, tokenizer) to train for ``labels`` starting from ``init`` ("scratch" or a directory).

    ``head`` (gp or egp) defaults to the start model's own, and to gp for a new model. ``lora`` trains
    low-rank adapters on a Hugging Face encoder from an installed package instead of all its weights
    (``nerdesk.training.lora``); a nerdesk checkpoint with adapters keeps them whatever ``lora`` says.
    ``renamed`` (old label name -> name now, the project's renames) gives a checkpoint's labels their names
    now, so that a head that knows a renamed label is kept and learns it under its new name.
    """
    labels = list(labels)
    window_stride = min(window_stride, max_length // 4)  # windows must advance by more than they overlap
    if init == SCRATCH:
        return _from_scratch(labels, train_texts, head or "gp", head_size, max_length, window_stride,
                             scratch or ScratchSettings())
    directory = Path(init)
    if not directory.is_dir():
        raise TrainingError(f"--init {init}: no such directory; use 'default', 'scratch', an embedded model's "
                            "name (nerdesk models), a model directory written by nerdesk, or a local Hugging Face "
                            "model directory", code="E413")
    if (directory / CHECKPOINT_FILE).is_file():
        return _from_checkpoint(directory, labels, head, max_length, renamed)
    if (directory / "config.json").is_file():
        model, tokenizer = _from_hugging_face(directory, labels, head or "gp", head_size, max_length, window_stride)
        return (attach_lora(model, lora, base_record_for(directory)) if lora else model), tokenizer
    raise TrainingError(f"--init {init}: the directory holds neither {CHECKPOINT_FILE} (a nerdesk model) "
                        "nor config.json (a Hugging Face model)", code="E414")


def _from_scratch(labels: list[str], texts: Sequence[str], head: str, head_size: int, max_length: int,
                  window_stride: int, settings: ScratchSettings) -> Start:
    tokenizer = build_scratch_tokenizer(list(texts), settings.tokenizer, settings.min_frequency)
    encoder = {"kind": "bilstm", "vocab_size": tokenizer.get_vocab_size(), "embedding_dim": settings.embedding_dim,
               "hidden_size": settings.hidden_size, "num_layers": settings.num_layers,
               "dropout": settings.dropout, "padding_id": padding_id(tokenizer)}
    config = ModelConfig(labels=labels, encoder=encoder, head=head, head_size=head_size,
                         max_length=max_length, window_stride=window_stride)
    return GlobalPointerModel(config), tokenizer


def _from_checkpoint(directory: Path, labels: list[str], head: str | None, max_length: int,
                     renamed: Mapping[str, str] | None = None) -> Start:
    verify_start_bundle(directory)
    model, tokenizer = load_start_checkpoint(directory)
    if renamed:
        model.config = replace(model.config, labels=as_renamed(model.config.labels, renamed))
    if not covers(model.config.labels, labels) or (head is not None and model.config.head != head):
        model.config = replace(model.config, head=head or model.config.head)
        model = model.with_new_head(labels)
    model.config = replace(model.config, max_length=max_length)
    return model.train(), tokenizer


def verify_start_bundle(directory: Path) -> None:
    """A start directory with ``bundle.json`` is checked as any bundle nerdesk loads (``Bundle.load``): every
    file it lists, the checkpoint among them, must be there and unchanged. A failed check is the bundle's
    ``ModelBundleError``; training does not start from files nobody can vouch for."""
    if (directory / MANIFEST).is_file() or (directory / MANIFEST).is_symlink():
        Bundle.load(directory, check_models=False)


def load_start_checkpoint(directory: Path) -> Start:
    """``load_checkpoint``, or for a checkpoint of adapters, the base package's weights plus the adapters."""
    try:
        encoder = json.loads((directory / CONFIG_FILE).read_text("utf-8")).get("encoder", {})
    except (OSError, ValueError, AttributeError, RecursionError):
        encoder = {}
    if not isinstance(encoder, dict) or "lora" not in encoder:
        return load_checkpoint(directory)
    config = read_model_config(directory / CONFIG_FILE)
    tokenizer = read_tokenizer(directory / TOKENIZER_FILE)
    from safetensors import SafetensorError

    try:
        check_adapter_model_size(directory, config)
        return load_lora_checkpoint(directory, config, tokenizer)
    except (SafetensorError, OSError, ValueError, TypeError, KeyError, AttributeError, RuntimeError,
            MemoryError) as error:
        raise ModelBundleError(f"{directory}: cannot load the model's adapters ({one_line(error)}); copy the model "
                               "again, or re-train", code="E364") from error


def check_adapter_model_size(directory: Path, config: ModelConfig) -> None:
    """Refuse, before allocating it, a model of adapters whose config describes more weights than its base
    package's weight file and its own checkpoint hold together (``nerdesk.training.checkpoint_files``)."""
    import torch

    recorded = lora_settings(config.encoder)
    assert recorded is not None  # called for a config with adapters only
    with torch.device("meta"):
        outline = built_model(config, directory / CONFIG_FILE)
    needed = sum(parameter.numel() for parameter in outline.parameters())
    stored = sum(math.prod(shape) for path in (verified_base_weights(recorded[1]), directory / CHECKPOINT_FILE)
                 for shape in weight_shapes(path).values())
    if needed > stored:
        raise ModelBundleError(f"{directory / CONFIG_FILE}: describes {needed:,} weights but the base package and "
                               f"the checkpoint hold {stored:,}; copy the model again, or re-train", code="E364")


def _from_hugging_face(directory: Path, labels: list[str], head: str, head_size: int, max_length: int,
                       window_stride: int) -> Start:
    encoder, tokenizer = load_hugging_face(directory)
    max_positions = getattr(encoder.model.config, "max_position_embeddings", max_length)
    config = ModelConfig(labels=labels, encoder={"kind": "hf", "config": encoder.config_dict}, head=head,
                         head_size=head_size, max_length=min(max_length, max_positions),
                         window_stride=window_stride)
    return GlobalPointerModel(config, encoder=encoder), tokenizer


def load_hugging_face(directory: Path) -> tuple[HuggingFaceEncoder, Tokenizer]:
    """The encoder and fast tokenizer of a local Hugging Face model directory. Weights are read from
    safetensors only (a pickled ``pytorch_model.bin`` can run code), no custom code is run, and whatever is
    wrong with the directory is a ``TrainingError`` (E415) saying so."""
    from safetensors import SafetensorError
    from transformers import AutoModel

    try:
        check_hugging_face_configs(directory)
        model = AutoModel.from_pretrained(str(directory), use_safetensors=True, trust_remote_code=False)
        encoder = HuggingFaceEncoder(model.config.to_dict(), model=model)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, ImportError, RuntimeError, MemoryError,
            SafetensorError) as error:  # OSError: missing files; ValueError: bad JSON, unknown model type
        raise _unloadable(directory, "a Hugging Face encoder (safetensors weights)", error) from error
    try:
        tokenizer = load_hf_tokenizer(str(directory))
    except Exception as error:  # transformers and tokenizers raise anything from OSError to plain Exception
        raise _unloadable(directory, "a fast tokenizer", error) from error
    return encoder, tokenizer


def check_hugging_face_configs(directory: Path) -> None:
    """Refuse a Hugging Face directory whose configs ask for custom code or absurd sizes (raises ValueError)."""
    for name in ("config.json", "tokenizer_config.json"):
        path = directory / name
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (ValueError, RecursionError) as error:  # ValueError: not UTF-8 or not JSON
            raise ValueError(f"{name} is not readable JSON: {one_line(error)}") from error
        if isinstance(data, dict) and "auto_map" in data:
            raise ValueError(f"{name} asks for custom code ('auto_map'), which nerdesk never runs")
        problem = size_problem(data) if name == "config.json" else None  # tokenizers say 10**30 for "no limit"
        if problem:
            raise ValueError(f"{name}: {problem}")


def _unloadable(directory: Path, what: str, error: BaseException) -> TrainingError:
    reason = "it has no weights as safetensors (model.safetensors); nerdesk does not load pickled " \
             "pytorch_model.bin files" if "safetensors" in str(error) and isinstance(error, OSError) else one_line(error)
    return TrainingError(f"--init {directory}: cannot load {what} from it ({reason})", code="E415")


def start_kind(init: str, labels: Sequence[str], documents: int, renamed: Mapping[str, str] | None = None) -> str:
    """Which recipe a start needs (see ``nerdesk.training.recipe``) to train on ``documents`` documents:
    continue, extend, transfer, scratch or pretrained (``renamed`` as for ``start_model``)."""
    if init == SCRATCH:
        return "scratch"
    directory = Path(init)
    if not (directory / CHECKPOINT_FILE).is_file():
        return "pretrained"
    try:
        model_labels = json.loads((directory / CONFIG_FILE).read_text("utf-8")).get("labels", [])
    except (OSError, ValueError, AttributeError):
        return "transfer"
    if not covers(as_renamed(model_labels, renamed or {}), labels):
        return "transfer"
    return "extend" if learns_afresh(documents_learnt_from_bundle(directory), documents) else "continue"

