"""Which dictionary words each character begins, ends or lies inside of (``lexicon_ids``, (B, L, K)).

A Chinese character model sees no word boundaries, and a new head learning from a few dozen
documents gets most of its errors there: on general -> CMeEE, 92% of the spans a 100-document model
found overlapped a gold span but only 48% matched one exactly. A lexicon-aware model gets, for each
character token, the word matches around it (the "soft lexicon" idea of Ma et al. 2020, as flags):

- slot ``B_n`` (n = 2 .. ``max_word_length``): a dictionary word of n characters starts here;
- slot ``E_n``: one ends here;
- slot ``M_n``: one covers this character without starting or ending on it.

Slot ``k`` holds id ``k + 1`` when its flag is set and 0 (padding) otherwise, so the model embeds
each set flag and sums them. The word list lives in the model's ``config.json`` (the encoder
settings, ``{"words": "word word ...", "max_word_length": n}``: one string of words separated by
spaces, which no dictionary word holds, so 336,927 words take 3.3 MB), so a bundle carries it as
JSON; a model declares that it reads these flags by having a ``lexicon_ids`` input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nerdesk.core.errors import ModelBundleError

LEXICON_INPUT = "lexicon_ids"
CONFIG_KEY = "lexicon"
POSITIONS = 3  # begins, ends, inside


@dataclass(frozen=True)
class LexiconTable:
    """The word-match flags of every character token of a text."""

    words: tuple[str, ...]
    max_word_length: int
    _words: frozenset[str] = field(init=False, repr=False, compare=False)
    _prefixes: frozenset[str] = field(init=False, repr=False, compare=False)  # of 2+ characters, of longer words

    input_name = LEXICON_INPUT

    def __post_init__(self) -> None:
        if self.max_word_length < 2:
            raise ModelBundleError(f"max_word_length must be at least 2, got {self.max_word_length}", code="E336")
        kept = frozenset(word for word in self.words if 2 <= len(word) <= self.max_word_length and " " not in word)
        object.__setattr__(self, "_words", kept)
        object.__setattr__(self, "_prefixes", frozenset(word[:size] for word in kept for size in range(2, len(word))))

    @property
    def lengths(self) -> range:
        return range(2, self.max_word_length + 1)

    @property
    def width(self) -> int:
        """K, the number of flag slots per token."""
        return lexicon_width(self.max_word_length)

    @classmethod
    def from_encoder_config(cls, encoder: dict[str, Any]) -> LexiconTable | None:
        """The table of a lexicon-aware encoder's settings; None for an encoder that reads no lexicon."""
        settings = encoder.get(CONFIG_KEY)
        if settings is None:
            return None
        try:
            return cls(tuple(settings["words"].split(" ")), int(settings["max_word_length"]))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ModelBundleError(f"the model's lexicon settings cannot be read ({error}); export the bundle again",
                                   code="E337") from error

    def to_config(self) -> dict[str, Any]:
        return {"words": " ".join(sorted(self._words)), "max_word_length": self.max_word_length}

    def character_flags(self, text: str) -> NDArray[np.int32]:
        """Flag ids (N, K) int32 for each code point of ``text``."""
        lengths = len(self.lengths)
        flags = np.zeros((len(text), self.width), dtype=np.int32)  # (N, K)
        for slot, (length, starts) in enumerate(zip(self.lengths, self.word_starts(text), strict=True)):
            if not len(starts):
                continue
            flags[starts, slot] = slot + 1
            flags[starts + length - 1, lengths + slot] = lengths + slot + 1
            for inside in range(1, length - 1):
                flags[starts + inside, 2 * lengths + slot] = 2 * lengths + slot + 1
        return flags

    def word_starts(self, text: str) -> list[NDArray[np.int64]]:
        """For each word length, the positions (w,) where a dictionary word of that length starts.

        A position stays a candidate for the next length only while its piece begins some longer word,
        so most positions are looked up once or twice (about 1M characters per second).
        """
        found: list[NDArray[np.int64]] = []
        candidates = list(range(len(text) - 1))
        for length in self.lengths:
            candidates = [start for start in candidates if start + length <= len(text)]
            pieces = [text[start:start + length] for start in candidates]
            found.append(np.asarray([start for start, piece in zip(candidates, pieces, strict=True)
                                     if piece in self._words], dtype=np.int64))
            candidates = [start for start, piece in zip(candidates, pieces, strict=True) if piece in self._prefixes]
        return found

    def ids(self, text: str, offsets: NDArray[Any]) -> NDArray[Any]:
        """Flag ids (T, K) int32 of the tokens at ``offsets`` (T, 2) in ``text``: a token takes the flags
        of its first character (a character tokenizer gives one character per token)."""
        flags = self.character_flags(text)  # (N, K)
        result = np.zeros((len(offsets), self.width), dtype=np.int32)  # (T, K)
        if not len(offsets) or not len(flags):
            return result
        starts = offsets[:, 0].astype(np.int64)  # (T,)
        real = (offsets[:, 1] > offsets[:, 0]) & (starts < len(flags))  # (T,)
        result[real] = flags[starts[real]]
        return result


def lexicon_width(max_word_length: int) -> int:
    """K, the flag slots per token of a lexicon of words of 2 to ``max_word_length`` characters."""
    return POSITIONS * (max_word_length - 1)


def lexicon_words(lines: Sequence[str], max_word_length: int) -> tuple[str, ...]:
    """The distinct words of 2 to ``max_word_length`` characters in ``lines`` (the first field of each
    line, as in jieba's dictionary), sorted."""
    words = {line.split(maxsplit=1)[0] for line in lines if line.strip()}
    return tuple(sorted(word for word in words if 2 <= len(word) <= max_word_length))
