"""Which writing system a corpus is in: decides per-character tokens and the default model to start from."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def is_cjk(char: str) -> bool:
    """Han ideographs, kana and hangul: scripts annotated character by character."""
    return unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def is_mostly_cjk(texts: Iterable[str], sample: int = 200_000) -> bool:
    """True when most letters among the first ``sample`` letters of ``texts`` are CJK."""
    cjk = letters = 0
    for text in texts:
        for char in text:
            if char.isalpha():
                letters += 1
                cjk += is_cjk(char)
        if letters >= sample:
            break
    return letters > 0 and cjk * 2 > letters
