"""Column layouts that other tools write and the CoNLL reader reads as ``token TAG`` rows.

- spaCy's ``.iob`` (what ``spacy convert -c iob`` reads): a sentence per line, each token ``word|TAG`` or
  ``word|POS|TAG``.
- CoNLL-U with the entity tag in the MISC column (``NER=B-PER|SpaceAfter=No``; also ``NE=`` and NorNE's
  ``name=``): the FORM column is the token, a row without the key is ``O``; multiword-token ranges
  (``1-2``) and empty nodes (``1.1``) are not words of the text.
- Trailing placeholder columns (``1 Where O - -``, as the Universal NER ``.iob2`` files have them): left out.
- IO tags: a label without a B-/I- prefix (``London art-music``, ``Jesus organization-showorganization``, as
  Few-NERD writes them) beside ``O``; consecutive tokens with the same label are one entity, as the IO scheme
  has it (two such entities side by side cannot be told apart in it).
"""

from __future__ import annotations

import re

from nerdesk.core.tags import parse_tag
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import ReadContext

Row = tuple[int, list[str]]  # (line number, whitespace-separated fields)

IOB_SHARE = 0.95  # of the non-blank lines whose every token is word|TAG: the file is spaCy's .iob
CONLLU_COLUMNS = 10
CONLLU_ID = re.compile(r"\d+(?:[-.]\d+)?")
MISC_TAG_KEYS = ("ner", "ne", "name")  # lower-cased keys of MISC that hold an entity tag
PLACEHOLDERS = frozenset({"-", "_"})
IO_LABEL = re.compile(r"[^\W\d_][\w./:-]*")  # a label without a prefix: person, art-music, event-attack/battle
IO_OUTSIDE_SHARE = 0.5  # of the rows tagged O, at least, in a file of IO tags (labels without a prefix)


def is_iob_line(fields: list[str]) -> bool:
    """Whether a line is a sentence of spaCy's ``.iob``: every token ``word|TAG`` or ``word|POS|TAG``."""
    return bool(fields) and all("|" in token and parse_tag(token.rsplit("|", 1)[1]) is not None for token in fields)


def iob_sentences(ctx: ReadContext, content: str) -> list[list[Row]] | None:
    """The sentences of a spaCy ``.iob`` file as ``[word, TAG]`` rows, or ``None`` when it is not one."""
    lines = [(number, line.split()) for number, line in enumerate(content.splitlines(), start=1) if line.strip()]
    if not lines or sum(is_iob_line(fields) for _, fields in lines) < IOB_SHARE * len(lines):
        return None
    sentences: list[list[Row]] = []
    for number, fields in lines:
        if not is_iob_line(fields):
            ctx.problem(f"expected word|TAG tokens (spaCy's .iob), got {' '.join(fields)!r:.60}", line=number)
            continue
        sentences.append([(number, [token.split("|", 1)[0], token.rsplit("|", 1)[1]]) for token in fields])
    ctx.warn("a sentence per line of word|TAG or word|POS|TAG tokens (spaCy's .iob): only the words and the "
             "tags were read")
    return sentences


def misc_tag(misc: str) -> str | None:
    """The entity tag a CoNLL-U MISC field holds (``NER=B-PER|SpaceAfter=No`` -> ``B-PER``), if any."""
    for item in misc.split("|"):
        key, _, value = item.partition("=")
        if key.lower() in MISC_TAG_KEYS and parse_tag(value) is not None:
            return value
    return None


def is_conllu_row(fields: list[str]) -> bool:
    return len(fields) == CONLLU_COLUMNS and CONLLU_ID.fullmatch(fields[0]) is not None


def from_conllu_misc(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """``[FORM, TAG]`` rows when every row is a CoNLL-U word line and some MISC field holds a tag;
    otherwise the sentences as they are."""
    rows = [fields for sentence in sentences for _, fields in sentence]
    if not rows or not all(map(is_conllu_row, rows)) or not any(misc_tag(fields[-1]) for fields in rows):
        return sentences
    ctx.warn("CoNLL-U: the tags were read from the MISC column (NER=...), the words from the FORM column")
    words = [[(line, [fields[1], misc_tag(fields[-1]) or "O"]) for line, fields in sentence
              if fields[0].isdecimal()] for sentence in sentences]
    return [sentence for sentence in words if sentence]


def without_placeholder_columns(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """The rows without the last columns when every row has the same width and those columns hold only
    ``-`` or ``_``, and at least a token and a tag stay before them."""
    rows = [fields for sentence in sentences for _, fields in sentence]
    widths = {len(fields) for fields in rows}
    if len(widths) != 1:
        return sentences
    width = widths.pop()
    kept = width
    while kept > 2 and all(fields[kept - 1] in PLACEHOLDERS for fields in rows):
        kept -= 1
    if kept == width:
        return sentences
    dropped = width - kept
    ctx.warn(f"the last {counted(dropped, 'column')} {by_count(dropped, 'holds', 'hold')} only - or _ "
             f"placeholders: {by_count(dropped, 'it was', 'they were')} not read")
    return [[(line, fields[:kept]) for line, fields in sentence] for sentence in sentences]


def looks_tagged(fields: list[str]) -> bool:
    """Whether a line of a file's head reads as a row of one of these layouts (for format detection)."""
    if is_iob_line(fields):
        return True
    if is_conllu_row(fields):
        return misc_tag(fields[-1]) is not None
    while len(fields) > 2 and fields[-1] in PLACEHOLDERS:
        fields = fields[:-1]
    return len(fields) >= 2 and parse_tag(fields[-1]) is not None


def is_io_file(rows: list[list[str]]) -> bool:
    """Whether the rows' last fields are IO tags: ``O`` on at least half of them, labels without a B-/I- prefix
    on the others (at least one), and no prefixed tag."""
    if not rows or any(len(fields) < 2 for fields in rows):
        return False
    last = [fields[-1] for fields in rows]
    outside = sum(parse_tag(tag) == ("O", None) for tag in last)
    unprefixed = sum(parse_tag(tag) is None and IO_LABEL.fullmatch(tag) is not None for tag in last)
    return unprefixed > 0 and outside + unprefixed == len(last) and outside >= IO_OUTSIDE_SHARE * len(last)


def from_io_tags(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """The rows with IO labels turned into BIO tags (a run of one label is one entity) when the file is
    tagged IO (``is_io_file``); otherwise the sentences as they are."""
    if not is_io_file([fields for sentence in sentences for _, fields in sentence]):
        return sentences
    ctx.warn("the tags have no B- or I- prefix (IO tags, as Few-NERD writes them: person-actor): consecutive "
             "tokens with the same label were read as one entity")
    converted = []
    for sentence in sentences:
        rows, previous = [], "O"
        for line, fields in sentence:
            label = fields[-1]
            tag = "O" if parse_tag(label) is not None else f"{'I' if label == previous else 'B'}-{label}"
            rows.append((line, [*fields[:-1], tag]))
            previous = label
        converted.append(rows)
    return converted
