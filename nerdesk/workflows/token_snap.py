"""Snapping a selection to whole tokens, as Prodigy and INCEpTION do for Latin-script text.

A token is a run of letters and digits of an alphabetic script (combining marks included), or any other
single character: so "nterleukin 2" snaps to "interleukin 2", while a CJK text, where every character is
its own token, keeps a selection exactly as made. Offsets are code points, ends exclusive.
"""

from __future__ import annotations

import unicodedata

from nerdesk.core.scripts import is_cjk


def is_word_character(character: str) -> bool:
    """Part of a multi-character token: a letter or digit that is not CJK, or a combining mark."""
    if unicodedata.category(character).startswith("M"):
        return True
    return character.isalnum() and not is_cjk(character)


def snap_to_tokens(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it neither starts nor ends inside a word."""
    if not 0 <= start < end <= len(text):
        return start, end
    while start > 0 and is_word_character(text[start]) and is_word_character(text[start - 1]):
        start -= 1
    while end < len(text) and is_word_character(text[end - 1]) and is_word_character(text[end]):
        end += 1
    return start, end
