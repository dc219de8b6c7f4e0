"""The characters of each token, as ids for models that read them (``char_ids``, (B, L, C)).

A character-aware model gets, next to each token's id, the ids of the token's characters: the
token's text is cut from the input text by its offsets, and a token longer than ``chars_per_token``
(``C``) keeps its first ``C // 2`` and last ``C - C // 2`` characters (prefix and suffix carry most
of what a long word's spelling says). Id 0 pads, id 1 stands for a character the vocabulary lacks.

The vocabulary and ``C`` live in the model's ``config.json`` (the encoder settings), so a bundle
carries them as JSON; a model declares that it reads characters by having a ``char_ids`` input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nerdesk.core.errors import ModelBundleError

CHAR_INPUT = "char_ids"
CHAR_PAD, CHAR_UNK = 0, 1
MIN_CHARS_PER_TOKEN, MAX_CHARS_PER_TOKEN = 2, 256  # the shipped models read 16; a larger value is a damaged file


@dataclass(frozen=True)
class CharTable:
    """Maps token texts to character ids: ``vocabulary[i]`` has id ``i + 2``."""

    vocabulary: tuple[str, ...]
    chars_per_token: int
    _points: NDArray[np.int64] = field(init=False, repr=False, compare=False)  # sorted code points (V,)
    _ids: NDArray[np.int32] = field(init=False, repr=False, compare=False)  # id of each sorted point (V,)

    input_name = CHAR_INPUT

    @property
    def width(self) -> int:
        """C, the character slots per token."""
        return self.chars_per_token

    def __post_init__(self) -> None:
        if not MIN_CHARS_PER_TOKEN <= self.chars_per_token <= MAX_CHARS_PER_TOKEN:
            raise ModelBundleError(f"the model's chars_per_token must be between {MIN_CHARS_PER_TOKEN} and {MAX_CHARS_PER_TOKEN}, "
                                   f"got {self.chars_per_token}", code="E334")
        points = np.asarray([ord(ch) for ch in self.vocabulary], dtype=np.int64)  # (V,)
        order = np.argsort(points)
        object.__setattr__(self, "_points", points[order])  # sorted code points (V,)
        object.__setattr__(self, "_ids", (order + 2).astype(np.int32))  # id of each sorted code point (V,)

    @classmethod
    def from_encoder_config(cls, encoder: dict[str, Any]) -> CharTable | None:
        """The table of a character-aware encoder's settings; None for an encoder that reads no characters."""
        if "char_vocabulary" not in encoder:
            return None
        vocabulary, width = encoder["char_vocabulary"], encoder.get("chars_per_token")
        if not isinstance(vocabulary, list) or not all(isinstance(ch, str) and len(ch) == 1 for ch in vocabulary):
            raise ModelBundleError("the model's char_vocabulary must be a list of single characters; export the "
                                   "bundle again", code="E335")
        if not isinstance(width, int) or isinstance(width, bool):
            raise ModelBundleError(f"the model's chars_per_token must be a whole number, got {width!r:.40}; export "
                                   "the bundle again", code="E334")
        return cls(tuple(vocabulary), width)

    def ids(self, text: str, offsets: NDArray[Any]) -> NDArray[Any]:
        """Character ids (T, C) int32 of the tokens at ``offsets`` (T, 2) in ``text``."""
        size = self.chars_per_token
        starts, ends = offsets[:, 0].astype(np.int64), offsets[:, 1].astype(np.int64)  # (T,)
        lengths = ends - starts  # (T,)
        slots = np.arange(size, dtype=np.int64)[None, :]  # (1, C)
        head = size // 2
        long_token = lengths[:, None] > size  # (T, 1)
        positions = np.where(long_token & (slots >= head), ends[:, None] - (size - slots), starts[:, None] + slots)
        used = slots < lengths[:, None]  # (T, C)
        if len(text) == 0 or not used.any():
            return np.zeros((len(offsets), size), dtype=np.int32)
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # (N,)
        found = points[np.clip(positions, 0, len(points) - 1)].astype(np.int64)  # (T, C)
        return np.where(used, self._lookup(found), CHAR_PAD).astype(np.int32)  # (T, C)

    def ids_many(self, texts: Sequence[str], offsets: Sequence[NDArray[Any]]) -> list[NDArray[Any]]:
        """``ids`` of each text."""
        return [self.ids(text, token_offsets) for text, token_offsets in zip(texts, offsets, strict=True)]

    def _lookup(self, points: NDArray[Any]) -> NDArray[Any]:
        if not len(self._points):
            return np.full(points.shape, CHAR_UNK, dtype=np.int32)
        where = np.clip(np.searchsorted(self._points, points), 0, len(self._points) - 1)
        return np.where(self._points[where] == points, self._ids[where], CHAR_UNK)

    def to_config(self) -> dict[str, Any]:
        return {"char_vocabulary": list(self.vocabulary), "chars_per_token": self.chars_per_token}


def char_vocabulary(texts: Sequence[str], min_frequency: int = 1) -> tuple[str, ...]:
    """Non-space characters of ``texts`` seen at least ``min_frequency`` times, most frequent first."""
    counts: dict[str, int] = {}
    for text in texts:
        for ch in text:
            if not ch.isspace():
                counts[ch] = counts.get(ch, 0) + 1
    kept = sorted((ch for ch, count in counts.items() if count >= min_frequency), key=lambda ch: (-counts[ch], ch))
    return tuple(kept)
