"""Which writing system a corpus is in: decides per-character tokens and the default model to start from."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def is_cjk(char: str) -> bool:
    """Han ideographs, kana and hangul: scripts annotated character by character."""
    return unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def is_mostly_cjk(texts: Iterable[str], sample: int = 200_000) -> bool:
    """True when, among the first ``sample`` letters of ``texts``, CJK characters outnumber the words of
    other letters.

    A CJK character weighs as much as a whole word of Latin letters, not as each letter: a Chinese
    sentence naming "GameInformer" and "GameStop" holds more Latin letters than Chinese characters
    and is still Chinese; an English sentence naming 北京 is still English.
    """
    cjk = words = letters = 0
    for text in texts:
        in_word = False
        for char in text:
            if not char.isalpha():
                in_word = False
                continue
            letters += 1
            if is_cjk(char):
                cjk += 1
                in_word = False
            elif not in_word:
                words += 1
                in_word = True
        if letters >= sample:
            break
    return cjk > words
