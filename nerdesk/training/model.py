"""The GlobalPointer model: encoder + head + validity mask (+ loss), and its checkpoint format.

A checkpoint directory holds ``checkpoint.safetensors`` (weights), ``config.json`` (``ModelConfig``)
and ``tokenizer.json`` (a ``tokenizers.Tokenizer`` that carries its own pre-tokenizer, special
tokens and padding). No pickle: model files may come from other people.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer
from torch import Tensor, nn

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.lexicon import CONFIG_KEY as LEXICON_KEY
from nerdesk.runtime.lexicon import LexiconTable
from nerdesk.training import checkpoint_files
from nerdesk.training.checkpoint_files import (
    config_problem,
    one_line,
    read_tokenizer,
    weight_shapes,
    weights_problem,
    write_files,
)
from nerdesk.training.encoder_kinds import build_encoder
from nerdesk.training.encoders import BiLstmEncoder, Encoder, HuggingFaceEncoder, lexicon_embedding
from nerdesk.training.heads import SpanHead, build_head, valid_cells
from nerdesk.training.loss import sparse_multilabel_crossentropy

CHECKPOINT_FILE = "checkpoint.safetensors"
CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_SCHEMA = 1


@dataclass
class ModelConfig:
    """Every hyperparameter of the model in one JSON-serialisable place.

    ``encoder`` is ``{"kind": "bilstm", "vocab_size": ..., "embedding_dim": ..., "hidden_size": ...,
    "num_layers": ..., "dropout": ..., "padding_id": ...}`` or ``{"kind": "hf", "config": {...}}``
    with a ``transformers`` config dict. ``max_length`` counts tokens per window including special
    tokens; ``window_stride`` is how many tokens consecutive windows of a long text share.
    """

    labels: list[str]
    encoder: dict[str, Any]
    head: str = "gp"
    head_size: int = 64
    max_length: int = 256
    window_stride: int = 32
    threshold: float = 0.0
    flat: bool = False
    schema: int = CONFIG_SCHEMA
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        """The config ``data`` (parsed JSON) describes, after checking its fields and values."""
        if not isinstance(data, dict):
            raise ModelBundleError(f"a model config must be a JSON object, not {type(data).__name__}", code="E363")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ModelBundleError(f"model config has unknown fields {unknown}; is it from a newer nerdesk?",
                                   code="E360")
        if isinstance(data.get("schema"), int) and data["schema"] > CONFIG_SCHEMA:
            raise ModelBundleError(f"model config has schema {data['schema']}, newer than this nerdesk's "
                                   f"{CONFIG_SCHEMA}; upgrade nerdesk", code="E360")
        if "labels" not in data or "encoder" not in data:
            raise ModelBundleError("model config needs at least 'labels' and 'encoder'", code="E361")
        problem = config_problem(data)
        if problem:
            raise ModelBundleError(f"model config cannot be used: {problem}", code="E363")
        return cls(**data)

    def with_labels(self, labels: list[str]) -> ModelConfig:
        return replace(self, labels=list(labels))


class GlobalPointerModel(nn.Module):
    encoder: Encoder
    head: SpanHead

    def __init__(self, config: ModelConfig, encoder: Encoder | None = None) -> None:
        super().__init__()
        if not config.labels:
            raise ValueError("a GlobalPointer model needs at least one label")
        self.config = config
        self.encoder = encoder if encoder is not None else build_encoder(config.encoder)
        self.head = build_head(config.head, self.encoder.hidden_size, len(config.labels), config.head_size)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_mask: Tensor | None = None,
                labels: Tensor | None = None, feature_ids: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """Span logits and, when ``labels`` is given, the loss.

        input_ids, attention_mask, token_mask: (B, L) int64, right-padded. ``token_mask`` is 1 on
        tokens a span may start or end on (0 on [CLS]/[SEP]/padding); it defaults to
        ``attention_mask``. labels: (B, m, P) int64 flat cell indices ``start * L + end`` of the gold
        spans, padded with -1 (see ``nerdesk.training.data.collate``). feature_ids: (B, L, K) int64, for an
        encoder that reads characters or lexicon flags only (see ``nerdesk.runtime.token_features``).
        Returns logits (B, m, L, L) float32 with invalid cells at ``finfo(float32).min``.
        """
        if token_mask is None:
            token_mask = attention_mask
        scores = self.scores(input_ids, attention_mask, feature_ids)  # (B, m, L, L)
        valid = valid_cells(token_mask * attention_mask)  # (B, 1, L, L)
        logits = scores.masked_fill(~valid, torch.finfo(torch.float32).min)  # (B, m, L, L)
        loss = None if labels is None else sparse_multilabel_crossentropy(logits, labels)
        return logits, loss

    def scores(self, input_ids: Tensor, attention_mask: Tensor, feature_ids: Tensor | None = None) -> Tensor:
        """Span scores (B, m, L, L) float32 before masking: the cells no span can occupy (padding,
        special tokens, start after end) hold arbitrary values. Inference uses this, because the
        decoder only reads valid cells and masking L*L cells per type is a sizeable share of the work.
        """
        if feature_ids is None:
            hidden = self.encoder(input_ids, attention_mask)  # (B, L, H)
        else:
            hidden = self.encoder(input_ids, attention_mask, feature_ids)  # (B, L, H)
        span_scores: Tensor = self.head(hidden.float())  # (B, m, L, L)
        return span_scores

    def add_lexicon(self, table: LexiconTable) -> None:
        """Let this BiLSTM model read ``table``'s word flags (in place). The flag vectors start at zero, so
        the model predicts as before until it is trained (``nerdesk.training.encoders.lexicon_embedding``)."""
        if not isinstance(self.encoder, BiLstmEncoder):
            raise ValueError(f"only a 'bilstm' encoder reads a lexicon, not {self.config.encoder.get('kind')!r}")
        self.encoder.lexicon = lexicon_embedding(table.max_word_length, self.encoder.embedding.embedding_dim)
        self.config = replace(self.config, encoder={**self.config.encoder, LEXICON_KEY: table.to_config()})

    def with_new_head(self, labels: list[str]) -> GlobalPointerModel:
        """A model for ``labels`` that shares this model's encoder (weights and all) with a fresh head."""
        return GlobalPointerModel(self.config.with_labels(labels), encoder=self.encoder)


def save_checkpoint(model: GlobalPointerModel, tokenizer: Tokenizer, directory: str | Path) -> None:
    """Write weights (safetensors), config and tokenizer into ``directory`` (created if needed).

    The files replace those in ``directory`` only once all three are written (``checkpoint_files.write_files``):
    a full disk is a ``TrainingError`` that leaves a model already there as it was.
    """
    from safetensors.torch import save_model

    config = model.config
    if config.encoder.get("kind") == "hf":
        assert isinstance(model.encoder, HuggingFaceEncoder)  # build_encoder makes one for kind "hf"
        config = replace(config, encoder={"kind": "hf", "config": model.encoder.config_dict})
    config_json = json.dumps(config.to_dict(), indent=2, ensure_ascii=False).encode("utf-8")
    tokenizer_json = tokenizer.to_str(pretty=True).encode("utf-8")  # what ``Tokenizer.save`` writes
    write_files(Path(directory), {
        CHECKPOINT_FILE: lambda path: save_model(model, str(path)),
        CONFIG_FILE: lambda path: checkpoint_files.write_bytes(path, config_json),
        TOKENIZER_FILE: lambda path: checkpoint_files.write_bytes(path, tokenizer_json),
    })


def load_checkpoint(directory: str | Path) -> tuple[GlobalPointerModel, Tokenizer]:
    """Rebuild the model and tokenizer saved by ``save_checkpoint``; the model is in eval mode.

    A checkpoint may come from anyone: whatever is wrong with its files (unreadable, truncated, a config
    with absurd sizes, weights of other shapes) is a ``ModelBundleError`` naming the file, raised before
    the model takes memory it cannot have.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_model

    directory = Path(directory)
    missing = [name for name in (CHECKPOINT_FILE, CONFIG_FILE, TOKENIZER_FILE) if not (directory / name).is_file()]
    if missing:
        raise ModelBundleError(
            f"{directory}: not a nerdesk checkpoint, missing {', '.join(missing)}; "
            "point to a directory written by 'nerdesk train'",
            code="E362",
        )
    config = read_model_config(directory / CONFIG_FILE)
    weights = directory / CHECKPOINT_FILE
    model = build_for_weights(config, weights)
    try:
        load_model(model, str(weights), strict=True)
    except (RuntimeError, OSError, SafetensorError) as error:
        raise ModelBundleError(f"{weights}: weights do not match {CONFIG_FILE} ({one_line(error)}); "
                               "re-train or re-export", code="E364") from error
    tokenizer = read_tokenizer(directory / TOKENIZER_FILE)
    check_vocabulary(model, tokenizer, directory / TOKENIZER_FILE)
    return model.eval(), tokenizer


def read_model_config(path: Path) -> ModelConfig:
    """The ``ModelConfig`` in the JSON file ``path``; anything wrong with it is a ``ModelBundleError`` naming it."""
    try:
        return ModelConfig.from_dict(json.loads(path.read_bytes().decode("utf-8")))
    except ModelBundleError as error:
        raise ModelBundleError(f"{path}: {error}", code=error.code) from error
    except (OSError, ValueError, RecursionError) as error:  # ValueError: not UTF-8 or not JSON
        raise ModelBundleError(f"{path}: unreadable model config ({one_line(error)}); re-train, or restore "
                               "the directory", code="E363") from error


def build_for_weights(config: ModelConfig, weights: Path) -> GlobalPointerModel:
    """The model ``config`` describes, built once a build on the meta device (which allocates nothing) shows
    that the weights file ``weights`` holds tensors of its shapes."""
    shapes = weight_shapes(weights)
    with torch.device("meta"):
        outline = built_model(config, weights.with_name(CONFIG_FILE))
    problem = weights_problem(outline, shapes)
    if problem:
        raise ModelBundleError(f"{weights}: weights do not match {CONFIG_FILE} ({problem}); re-train or re-export",
                               code="E364")
    return built_model(config, weights.with_name(CONFIG_FILE))


def built_model(config: ModelConfig, source: Path) -> GlobalPointerModel:
    """``GlobalPointerModel(config)``; a config no model can be built from is a ``ModelBundleError`` naming ``source``."""
    try:
        return GlobalPointerModel(config)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RuntimeError, MemoryError) as error:
        raise ModelBundleError(f"{source}: describes no model nerdesk can build ({one_line(error)}); re-train, "
                               "or restore the directory", code="E363") from error


def check_vocabulary(model: GlobalPointerModel, tokenizer: Tokenizer, path: Path) -> None:
    """A tokenizer must not give ids beyond the model's token embedding (training would fail on them)."""
    encoder = model.encoder
    embedding = (encoder.model.get_input_embeddings() if isinstance(encoder, HuggingFaceEncoder)
                 else getattr(encoder, "embedding", None))
    rows = getattr(embedding, "num_embeddings", None)
    if isinstance(rows, int) and tokenizer.get_vocab_size(with_added_tokens=True) > rows:
        raise ModelBundleError(f"{path}: the tokenizer has {tokenizer.get_vocab_size(with_added_tokens=True):,} "
                               f"tokens but the model's embedding only {rows:,}; it belongs to another model, "
                               "copy the model again", code="E364")
