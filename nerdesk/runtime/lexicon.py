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

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nerdesk.core.errors import ModelBundleError

LEXICON_INPUT = "lexicon_ids"
CONFIG_KEY = "lexicon"
POSITIONS = 3  # begins, ends, inside
LOOKUP_CHARS = 65_536  # characters looked up at a time
MAX_WORD_LENGTH = 64  # flag ids stay below 256: they are kept as uint8


@dataclass(frozen=True)
class LexiconTable:
    """The word-match flags of every character token of a text.

    ``words`` is the word list as stored: one string, the words sorted and separated by spaces (build
    one with ``LexiconTable.of``). Lookups go through sorted arrays of the words' and their prefixes'
    hashes: 336,927 words as Python strings in sets took 70 MiB more memory than the model without
    them, as 64-bit hashes they take 7 MB. Two pieces of text share a 64-bit hash by chance about once
    in 10^13 lookups, and the hashes are made in the process that uses them.
    """

    words: str
    max_word_length: int
    _word_hashes: NDArray[np.int64] = field(init=False, repr=False, compare=False)  # sorted (W,)
    _prefix_hashes: NDArray[np.int64] = field(init=False, repr=False, compare=False)  # sorted, of longer words

    input_name = LEXICON_INPUT

    def __post_init__(self) -> None:
        if not 2 <= self.max_word_length <= MAX_WORD_LENGTH:
            raise ModelBundleError(f"max_word_length must be between 2 and {MAX_WORD_LENGTH}, got "
                                   f"{self.max_word_length}", code="E336")
        words = [word for word in self.words.split(" ") if 2 <= len(word) <= self.max_word_length]
        prefixes = {word[:size] for word in words for size in range(2, len(word))}
        object.__setattr__(self, "_word_hashes", np.unique(_hashes(words)))
        object.__setattr__(self, "_prefix_hashes", np.unique(_hashes(prefixes)))

    @classmethod
    def of(cls, words: Iterable[str], max_word_length: int) -> LexiconTable:
        """The table of ``words`` (those of 2 to ``max_word_length`` characters without white space)."""
        kept = sorted({word for word in words if 2 <= len(word) <= max_word_length and not _has_space(word)})
        return cls(" ".join(kept), max_word_length)

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
            words, max_word_length = settings["words"], int(settings["max_word_length"])
            if not isinstance(words, str):
                raise TypeError(f"words must be one string of words separated by spaces, not {type(words).__name__}")
            return _table(words, max_word_length)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelBundleError(f"the model's lexicon settings cannot be read ({error}); export the bundle again",
                                   code="E337") from error

    def to_config(self) -> dict[str, Any]:
        return {"words": self.words, "max_word_length": self.max_word_length}

    def character_flags(self, text: str) -> NDArray[np.uint8]:
        """Flag ids (N, K) uint8 for each code point of ``text``."""
        return np.concatenate([self._stretch_flags(text, begin, min(begin + LOOKUP_CHARS, len(text)))
                               for begin in range(0, len(text), LOOKUP_CHARS)] or
                              [np.zeros((0, self.width), dtype=np.uint8)])  # (N, K)

    def _stretch_flags(self, text: str, begin: int, end: int) -> NDArray[np.uint8]:
        """Flag ids (end - begin, K) uint8 of the characters ``text[begin:end]``, complete: the lookup reads
        up to ``max_word_length - 1`` characters on each side, where the words covering them may begin or end.

        Long documents are looked up ``LOOKUP_CHARS`` characters at a time, so their working set stays
        bounded instead of holding a Python string for every piece of the text at once.
        """
        reach = self.max_word_length - 1
        first = max(0, begin - reach)
        stretch = text[first:end + reach]
        lengths = len(self.lengths)
        flags = np.zeros((len(stretch), self.width), dtype=np.uint8)  # (S, K), S with both margins
        for slot, (length, starts) in enumerate(zip(self.lengths, self.word_starts(stretch), strict=True)):
            flags[starts, slot] = slot + 1
            flags[starts + length - 1, lengths + slot] = lengths + slot + 1
            for inside in range(1, length - 1):
                flags[starts + inside, 2 * lengths + slot] = 2 * lengths + slot + 1
        return flags[begin - first:end - first]

    def word_starts(self, text: str) -> list[NDArray[np.int64]]:
        """For each word length, the positions (w,) where a dictionary word of that length starts.

        A position stays a candidate for the next length only while its piece begins some longer word,
        so most positions are looked up once or twice (about 0.7M characters a second).
        """
        found: list[NDArray[np.int64]] = []
        candidates = list(range(len(text) - 1))
        for length in self.lengths:
            candidates = [start for start in candidates if start + length <= len(text)]
            pieces = [text[start:start + length] for start in candidates]
            starts = np.asarray(candidates, dtype=np.int64)  # (c,)
            hashes = _hashes(pieces)  # (c,)
            found.append(starts[_members(self._word_hashes, hashes)])
            candidates = starts[_members(self._prefix_hashes, hashes)].tolist()
        return found

    def ids(self, text: str, offsets: NDArray[Any]) -> NDArray[Any]:
        """Flag ids (T, K) uint8 of the tokens at ``offsets`` (T, 2) in ``text``: a token takes the flags
        of its first character (a character tokenizer gives one character per token)."""
        return self.ids_many([text], [offsets])[0]

    def ids_many(self, texts: Sequence[str], offsets: Sequence[NDArray[Any]]) -> list[NDArray[Any]]:
        """``ids`` of each text, looked up in one pass: the texts are joined by a NUL, which no word holds,
        so no match crosses from one text into the next. Short sentences one at a time spent more time
        in the lookup's fixed costs than in the model (CLUENER dev: 73k -> 51k characters a second).
        Each stretch's flags go straight to the tokens that start in it: a long document costs K bytes
        a token, once."""
        if not texts:
            return []
        joined = "\0".join(texts)
        text_starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]], dtype=np.int64)  # (n,)
        counts = [len(token_offsets) for token_offsets in offsets]
        every = np.concatenate([np.asarray(o, dtype=np.int64).reshape(-1, 2) for o in offsets] or
                               [np.zeros((0, 2), dtype=np.int64)])  # (T, 2) of all texts
        lengths = np.repeat([len(text) for text in texts], counts)  # (T,) length of each token's text
        real = (every[:, 1] > every[:, 0]) & (every[:, 0] < lengths)  # (T,)
        positions = np.repeat(text_starts, counts) + every[:, 0]  # (T,) start in the joined text
        result = np.zeros((len(every), self.width), dtype=np.uint8)  # (T, K)
        for begin in range(0, len(joined), LOOKUP_CHARS):
            end = min(begin + LOOKUP_CHARS, len(joined))
            inside = real & (positions >= begin) & (positions < end)  # (T,)
            if inside.any():
                result[inside] = self._stretch_flags(joined, begin, end)[positions[inside] - begin]
        return np.split(result, np.cumsum(counts)[:-1])


@lru_cache(maxsize=4)
def _table(words: str, max_word_length: int) -> LexiconTable:
    """One table per word list: a model's settings are read for every dev evaluation, calibration and export
    check of a training run, and hashing 336,927 words takes a quarter of a second. (A string keeps its own
    hash, so looking the list up here costs nothing after the first time.)"""
    return LexiconTable(words, max_word_length)


def _hashes(pieces: Collection[str]) -> NDArray[np.int64]:
    return np.fromiter(map(hash, pieces), dtype=np.int64, count=len(pieces))  # (n,)


def _members(sorted_hashes: NDArray[np.int64], hashes: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which of ``hashes`` (n,) are in ``sorted_hashes``."""
    if not len(sorted_hashes):
        return np.zeros(len(hashes), dtype=bool)
    where = np.clip(np.searchsorted(sorted_hashes, hashes), 0, len(sorted_hashes) - 1)  # (n,)
    found: NDArray[np.bool_] = sorted_hashes[where] == hashes
    return found


def _has_space(word: str) -> bool:
    return any(character.isspace() for character in word)


def lexicon_width(max_word_length: int) -> int:
    """K, the flag slots per token of a lexicon of words of 2 to ``max_word_length`` characters."""
    return POSITIONS * (max_word_length - 1)
