"""Building the encoder that a ``ModelConfig.encoder`` dict names by its ``kind``.

Kept apart from the encoders themselves: it is the one module that knows every kind, so the encoder
modules (``encoders``, ``char_encoder``) import only their building blocks and never each other back.
"""

from __future__ import annotations

from typing import Any

from nerdesk.training import char_encoder
from nerdesk.training.encoders import BiLstmEncoder, Encoder, HuggingFaceEncoder


def build_encoder(settings: dict[str, Any]) -> Encoder:
    """Build the encoder described by ``ModelConfig.encoder``."""
    kind = settings.get("kind")
    params = {key: value for key, value in settings.items() if key != "kind"}
    if kind == "bilstm":
        return BiLstmEncoder(**params)
    if kind == "hf":
        return HuggingFaceEncoder(params["config"])
    if kind == char_encoder.KIND:
        return char_encoder.CharAwareBiLstmEncoder(**params)
    raise ValueError(f"unknown encoder kind {kind!r}; expected 'bilstm', 'bilstm_chars' or 'hf'")
