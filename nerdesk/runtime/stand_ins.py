"""Typographic punctuation read as its ASCII twin by a model that knows only the twin.

The English models learnt from text written in ASCII (CoNLL-2003 and GENIA write ' " -), and web text writes
’ “ ” – instead: en-general-conll read the ’ of "Apple’s chief Tim Cook" as an unknown word of unknown
characters and lost Apple, which "Apple's chief" gives as ORG; on the CoNLL-2003 test sentences with an
apostrophe, written with ’, F1 fell from 83.3 to 82.3. So the model reads each such character as its twin,
where its tokenizer (and its character table, for a character-aware model) does not know the character but
knows the twin. The twin replaces one code point by one, so every offset stays the text's own; a model that
knows the character (a Chinese model knows “ and ”) reads it as it is.
"""

from __future__ import annotations

import re
from typing import Any

from tokenizers import Tokenizer

TWINS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",  # ‘ ’ ‚ ‛ ′
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',  # “ ” „ ‟ ″
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",  # ‐ ‑ ‒ – — −
}


class StandIns:
    """Replaces the typographic characters a model does not know by the ASCII twins it knows."""

    def __init__(self, tokenizer: Tokenizer, characters: Any = None) -> None:
        """``characters``: the model's ``CharTable`` (``nerdesk.runtime.chars``), or None for a model that reads
        no characters."""
        self.table = {ord(character): twin for character, twin in TWINS.items()
                      if _knows(tokenizer, characters, twin) and not _knows(tokenizer, characters, character)}
        self.pattern = re.compile("[" + "".join(chr(point) for point in self.table) + "]") if self.table else None

    def apply(self, text: str) -> str:
        """``text`` with each replaced character read as its twin (the same object when there is none)."""
        if self.pattern is None or self.pattern.search(text) is None:
            return text
        return text.translate(self.table)


def _knows(tokenizer: Tokenizer, characters: Any, character: str) -> bool:
    vocabulary = getattr(characters, "vocabulary", None)
    if vocabulary is not None and character not in vocabulary:
        return False
    unknown_token = getattr(tokenizer.model, "unk_token", None)
    unknown = tokenizer.token_to_id(unknown_token) if unknown_token else None
    ids = tokenizer.encode(character, add_special_tokens=False).ids
    return bool(ids) and unknown not in ids
