"""MSRA NER as Microsoft Research Asia released it (SIGHAN 2006 bakeoff; ``train1.txt``, ``testright1.txt``): a
sentence per line of segmented words, each ``word/tag`` with ``o`` outside and ``nr`` (person), ``ns`` (place),
``nt`` (organisation) on a whole entity (``当/o  希望工程/o  ...  中国/ns  人民/o  解放军/nt``).

The text has no spaces between words, so the words are read as their characters (``中 B-ns``, ``国 I-ns``): the
text is the sentence as written and each tagged word one entity, as the corpus's users convert it.
"""

from __future__ import annotations

import re

from nerdesk.formats._base import ReadContext
from nerdesk.formats.conll_dialects import Row

MSRA_TOKEN = re.compile(r"(?P<word>\S+)/(?P<tag>o|nr|ns|nt)", re.IGNORECASE)
MSRA_SHARE = 0.95  # of the non-blank lines whose every token is word/tag: the file is MSRA's


def is_msra_line(fields: list[str]) -> bool:
    """Whether a line is a sentence of MSRA's word/tag files: every token ``word/o``, ``word/nr``, ``/ns``, ``/nt``."""
    return bool(fields) and all(MSRA_TOKEN.fullmatch(token) for token in fields)


def msra_sentences(ctx: ReadContext, content: str) -> list[list[Row]] | None:
    """The sentences of an MSRA word/tag file as ``[character, TAG]`` rows, or ``None`` when it is not one."""
    lines = [(number, line.split()) for number, line in enumerate(content.splitlines(), start=1) if line.strip()]
    if not lines or sum(is_msra_line(fields) for _, fields in lines) < MSRA_SHARE * len(lines):
        return None
    sentences: list[list[Row]] = []
    for number, fields in lines:
        if not is_msra_line(fields):
            ctx.problem(f"expected word/tag tokens with tags o, nr, ns, nt (MSRA), got {' '.join(fields)!r:.60}",
                        line=number)
            continue
        sentences.append([(number, [character, tag]) for token in fields for character, tag in _characters(token)])
    ctx.warn("a sentence per line of word/tag tokens (MSRA's release: 中国/ns): the words were read as their "
             "characters, joined without spaces, and each word tagged nr, ns or nt as one entity")
    return sentences


def _characters(token: str) -> list[tuple[str, str]]:
    match = MSRA_TOKEN.fullmatch(token)
    assert match is not None  # every token passed is_msra_line
    word, label = match["word"], match["tag"]
    if label.lower() == "o":
        return [(character, "O") for character in word]
    return [(character, f"{'B' if index == 0 else 'I'}-{label}") for index, character in enumerate(word)]
