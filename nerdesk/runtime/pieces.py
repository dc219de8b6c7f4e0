"""Where a long text may be cut so that tokenizing the pieces gives exactly the tokens of the whole.

Tokenizing a text of millions of characters at once takes about 450 bytes per character inside the
tokenizer, so a long text is tokenized piece by piece, but only where that provably changes nothing.
The tokenizer's own description (``tokenizer.json``) decides where a cut is safe:

- ``"anywhere"``: no normalizer, and the pre-tokenizers first drop whitespace and then isolate every
  remaining character (``Split`` on the regex ``.``), as nerdesk's character-level tokenizers do. Each
  token then depends on one character only.
- ``"space"``: normalizers that act on each character alone (BERT's, lowercase, NFC/NFD: a space is a
  starter, so composition never crosses it) and a first pre-tokenizer that splits at whitespace and
  drops it. A cut at a space is a boundary of the whole text's pre-tokens, and every later
  pre-tokenizer and the model work inside those pre-tokens. With BERT's normalizer padding CJK
  ideographs with spaces, a cut between two ideographs is such a boundary too.
- ``None`` (anything else, e.g. byte-level BPE or Metaspace): the text is tokenized whole.

Added tokens (``[CLS]``, ``[MASK]``, ...) are matched on the raw or the normalized text before all
this, and some of them absorb neighbouring whitespace, so no cut is made within reach of one: the
neighbourhood of a cut must not contain one, raw or normalized, and must hold no control or combining
character (which a normalizer may drop, letting a normalized token stretch over more raw characters).
A cut also never touches whitespace on its left, so no stripped run of spaces crosses it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from tokenizers import Tokenizer

WHITESPACE_DROPPING = {"WhitespaceSplit", "Whitespace", "BertPreTokenizer"}
PER_PRE_TOKEN = WHITESPACE_DROPPING | {"Split", "Punctuation", "Digits", "UnicodeScripts"}
PER_CHARACTER_NORMALIZERS = {"BertNormalizer", "Lowercase", "NFC", "NFD"}
HARMLESS_POST_PROCESSORS = {None, "TemplateProcessing", "BertProcessing"}  # no effect without special tokens
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
SEARCH_BACK = 4096  # how far before a piece's nominal end a cut is looked for first


def _steps(config: dict[str, Any] | None, kind: str) -> list[dict[str, Any]]:
    if config is None:
        return []
    return list(config.get(kind, [])) if config.get("type") == "Sequence" else [config]


def _isolates_characters(step: dict[str, Any]) -> bool:
    return (step.get("type") == "Split" and step.get("pattern") == {"Regex": "."}
            and step.get("behavior") == "Isolated")


def cut_rule(tokenizer: Tokenizer) -> str | None:
    """``"anywhere"``, ``"space"``, ``"space+cjk"`` or ``None``: see the module docstring."""
    config = json.loads(tokenizer.to_str())
    post = (config.get("post_processor") or {}).get("type")
    normalizers = _steps(config.get("normalizer"), "normalizers")
    pre_tokenizers = _steps(config.get("pre_tokenizer"), "pretokenizers")
    if post not in HARMLESS_POST_PROCESSORS or not pre_tokenizers:
        return None
    if pre_tokenizers[0].get("type") not in WHITESPACE_DROPPING:
        return None
    if any(step.get("type") not in PER_PRE_TOKEN for step in pre_tokenizers):
        return None
    if not normalizers and any(_isolates_characters(step) for step in pre_tokenizers):
        return "anywhere"
    if any(step.get("type") not in PER_CHARACTER_NORMALIZERS for step in normalizers):
        return None
    if any(step.get("type") == "BertNormalizer" and step.get("handle_chinese_chars") for step in normalizers):
        return "space+cjk"
    return "space"


def _is_cjk(character: str) -> bool:
    point = ord(character)
    return any(low <= point <= high for low, high in CJK_RANGES)


class PieceCutter:
    """Cuts texts into pieces of about ``piece_chars`` characters at cuts ``rule`` allows."""

    def __init__(self, rule: str | None, added_tokens: list[str], piece_chars: int,
                 normalize: Callable[[str], str] | None = None) -> None:
        self.rule = rule
        self.added_tokens = [token for token in added_tokens if token]
        self.reach = max((len(token) for token in self.added_tokens), default=0) + 1
        self.piece_chars = piece_chars
        self.normalize = normalize

    @classmethod
    def for_tokenizer(cls, tokenizer: Tokenizer, piece_chars: int) -> PieceCutter:
        added = [token.content for token in tokenizer.get_added_tokens_decoder().values()]
        normalizer = tokenizer.normalizer
        return cls(cut_rule(tokenizer), added, piece_chars, normalizer.normalize_str if normalizer else None)

    def pieces(self, text: str) -> Iterator[tuple[int, int]]:
        """``(begin, end)`` ranges covering ``text`` in order; one range when no cut is allowed."""
        begin = 0
        while self.rule is not None and len(text) - begin > self.piece_chars:
            cut = self._next_cut(text, begin)
            if cut is None:
                break
            yield begin, cut
            begin = cut
        yield begin, len(text)

    def _next_cut(self, text: str, begin: int) -> int | None:
        """The allowed cut nearest before ``begin + piece_chars`` (looking back ``SEARCH_BACK`` characters),
        else the last one in the next ``SEARCH_BACK`` characters, and so on; ``None`` when there is none."""
        target = begin + self.piece_chars
        while target - SEARCH_BACK < len(text):
            for position in range(min(target, len(text) - 1), max(begin, target - SEARCH_BACK), -1):
                if self._allowed(text, position):
                    return position
            target += SEARCH_BACK
        return None

    def _allowed(self, text: str, position: int) -> bool:
        before, after = text[position - 1], text[position]
        if before.isspace():
            return False
        if self.rule == "anywhere":
            allowed = not after.isspace()
        else:
            allowed = after == " " or (self.rule == "space+cjk" and _is_cjk(before) and _is_cjk(after))
        return allowed and not self._near_added_token(text, position)

    def _near_added_token(self, text: str, position: int) -> bool:
        if not self.added_tokens:
            return False
        neighbourhood = text[max(0, position - self.reach):position + self.reach]
        if any(unicodedata.category(character)[0] in "CM" for character in neighbourhood):
            return True
        forms = [neighbourhood, self.normalize(neighbourhood)] if self.normalize else [neighbourhood]
        return any(token in form for form in forms for token in self.added_tokens)
