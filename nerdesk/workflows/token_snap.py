"""Snapping a selection to whole words and tokens, as Prodigy and INCEpTION do, so that a span a user draws
is one the model can predict.

A word is a run of letters and digits of an alphabetic script (combining marks included), or any other
single character: so "nterleukin 2" snaps to "interleukin 2", while a CJK text, where every character is
its own word, keeps a selection exactly as made. With a model, the selection then widens to whole tokens
of the model's own tokenizer (its ``tokenizer.json`` through ``tokenizers``, exactly as prediction
tokenizes: no special tokens, no truncation), so that it starts and ends where the model's tokens do:
"Boston" in "在Boston大学工作" becomes the whole run under a tokenizer that reads it as one token (the English
bundles' do), and an emoji sequence the model reads as one unknown token is taken whole. Word pieces never cut a word ("leu" gives "interleukin", not
the piece "##leu"). A selection only ever widens, and never splits a grapheme. Offsets are code points,
ends exclusive.
"""

from __future__ import annotations

import bisect
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nerdesk.core.errors import NerdeskError
from nerdesk.core.offsets import snap_to_graphemes
from nerdesk.core.writing_systems import is_cjk
from nerdesk.workflows.model_script import stamped_tokenizer

if TYPE_CHECKING:
    from tokenizers import Tokenizer


def is_word_character(character: str) -> bool:
    """Part of a multi-character token: a letter or digit that is not CJK, or a combining mark."""
    if unicodedata.category(character).startswith("M"):
        return True
    return character.isalnum() and not is_cjk(character)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it neither starts nor ends inside a word (the rule without a model)."""
    if not 0 <= start < end <= len(text):
        return start, end
    while start > 0 and is_word_character(text[start]) and is_word_character(text[start - 1]):
        start -= 1
    while end < len(text) and is_word_character(text[end - 1]) and is_word_character(text[end]):
        end += 1
    return start, end


class TokenSnapper:
    """Snaps selections to the tokens of one tokenizer (or to words without one).

    The tokens of the last text snapped are kept, so selecting again and again in one long document
    tokenizes it once.
    """

    def __init__(self, tokenizer: Tokenizer | None = None, source: str = "") -> None:
        self.source = source  # what the tokens come from, for messages ("" for the word rule)
        self._tokenizer: Tokenizer | None = None
        if tokenizer is not None:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_str(tokenizer.to_str())  # a copy: no padding, no truncation
            self._tokenizer.no_padding()
            self._tokenizer.no_truncation()
        self._text: str | None = None
        self._bounds: tuple[list[int], list[int]] = ([], [])

    @property
    def uses_model(self) -> bool:
        return self._tokenizer is not None

    def snap(self, text: str, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` widened to whole words, then to whole tokens of the model (and whole graphemes)."""
        if not 0 <= start < end <= len(text):
            return start, end
        start, end = snap_to_words(text, start, end)
        if self._tokenizer is None:
            return start, end
        starts, ends = self.token_bounds(text)
        first = bisect.bisect_right(starts, start) - 1  # the last token starting at or before start
        if first >= 0 and ends[first] > start:
            start = starts[first]
        last = bisect.bisect_right(starts, end - 1) - 1  # the token holding the selection's last character
        if last >= 0 and ends[last] > end:
            end = ends[last]
        return snap_to_graphemes(text, start, end)

    def token_bounds(self, text: str) -> tuple[list[int], list[int]]:
        """(starts, ends) of the non-empty tokens of ``text``, in order of their starts."""
        if text is not self._text and text != self._text:
            assert self._tokenizer is not None, "token bounds need a snapper made with a tokenizer"
            encoding = self._tokenizer.encode(text, add_special_tokens=False)
            bounds = sorted({(first, last) for first, last in encoding.offsets if first < last})
            self._bounds = ([first for first, _ in bounds], [last for _, last in bounds])
            self._text = text
        return self._bounds


WORD_SNAPPER = TokenSnapper()


def snap_to_tokens(text: str, start: int, end: int, snapper: TokenSnapper | None = None) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and whole tokens of ``snapper``'s tokenizer (words alone without one)."""
    return (snapper or WORD_SNAPPER).snap(text, start, end)


def snapper_for_bundle(bundle_path: str | Path | None) -> TokenSnapper:
    """The snapper of the model in ``bundle_path``; the word rule when there is none or its tokenizer is unreadable."""
    if bundle_path is None:
        return WORD_SNAPPER
    stamped = stamped_tokenizer(bundle_path)
    return WORD_SNAPPER if stamped is None else _cached_snapper(*stamped)


@lru_cache(maxsize=4)
def _cached_snapper(tokenizer_file: str, _stamp: int) -> TokenSnapper:
    from nerdesk.runtime.windows import load_tokenizer

    try:
        return TokenSnapper(load_tokenizer(Path(tokenizer_file)), source=tokenizer_file)
    except NerdeskError:
        return WORD_SNAPPER
