"""The per-token ids a model may read besides its token ids: a character-aware model's ``char_ids``
(``nerdesk.runtime.chars``) or a lexicon-aware model's ``lexicon_ids`` (``nerdesk.runtime.lexicon``).

A model reads at most one of them; the table that makes them says which input it feeds and how wide
its rows are, and windows, batches and sessions carry them as ``feature_ids`` (T, K) without
knowing which kind they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from numpy.typing import NDArray

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.chars import CHAR_INPUT, CharTable
from nerdesk.runtime.lexicon import LEXICON_INPUT, LexiconTable

FEATURE_INPUTS = (CHAR_INPUT, LEXICON_INPUT)
CONFIG_FILE = "config.json"


class FeatureTable(Protocol):
    input_name: str

    @property
    def width(self) -> int: ...

    def ids(self, text: str, offsets: NDArray[Any]) -> NDArray[Any]: ...

    def ids_many(self, texts: Sequence[str], offsets: Sequence[NDArray[Any]]) -> list[NDArray[Any]]: ...


def feature_table(encoder: dict[str, Any]) -> FeatureTable | None:
    """The table of an encoder's settings (``ModelConfig.encoder``); None for an encoder that reads
    nothing but token ids."""
    table: FeatureTable | None = CharTable.from_encoder_config(encoder)
    return table if table is not None else LexiconTable.from_encoder_config(encoder)


def feature_table_of_directory(directory: Path, input_name: str) -> FeatureTable:
    """The table in a bundle's or checkpoint's ``config.json`` of a model with the input ``input_name``."""
    path = Path(directory) / CONFIG_FILE
    try:
        encoder = json.loads(path.read_text("utf-8"))["encoder"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelBundleError(f"{path}: the model reads {input_name} but its settings cannot be read ({error}); "
                               "export the bundle again", code="E335") from error
    table = feature_table(encoder) if isinstance(encoder, dict) else None
    if table is None or table.input_name != input_name:
        raise ModelBundleError(f"{path}: the model reads {input_name} but {CONFIG_FILE} does not describe them; "
                               "export the bundle again", code="E335")
    return table
