"""The rows of a CoNLL-style file, grouped into sentences: what is a token, what is a tag, what is neither.

Besides blank lines and ``-DOCSTART-``: comment lines (``#`` first, no tag last: GermEval 2014's
``#<TAB>url<TAB>[date]``, CoNLL-U's ``# text = ...``) are skipped; a first column that numbers the tokens
of each sentence (1, 2, 3..., GermEval and CoNLL-U) is left out; and characters written with their
position in their word (Weibo NER's ``科0 技1``) are read as the characters, and a language code before
every token (WikiANN as XTREME's PAN-X files have it: ``en:Paris``) is left out. Other tools' layouts (spaCy's
``.iob``, CoNLL-U with NER in MISC, placeholder columns, IO tags, MSRA's word/tag lines, CSV token tables) become the same rows (``conll_dialects``), and
so do CoNLL-2012's (OntoNotes) bracketed named-entity columns (``conll_ontonotes``).
"""

from __future__ import annotations

import re

from nerdesk.core.tags import parse_tag
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import ReadContext
from nerdesk.formats.conll_csv import csv_sentences, is_header
from nerdesk.formats.conll_dialects import (
    Row,
    from_conllu_misc,
    from_io_tags,
    iob_sentences,
    without_placeholder_columns,
)
from nerdesk.formats.conll_msra import msra_sentences
from nerdesk.formats.conll_ontonotes import from_ontonotes


def read_rows(ctx: ReadContext) -> list[list[Row]]:
    """The file's sentences, each a list of rows whose first field is the token and the others its tags."""
    content = ctx.read_text()
    sentences = iob_sentences(ctx, content) or msra_sentences(ctx, content) or csv_sentences(ctx, content)
    if sentences is None:
        sentences = _sentences(ctx, content)
        sentences = without_placeholder_columns(ctx, from_conllu_misc(ctx, from_ontonotes(ctx, sentences)))
    sentences = _without_language_prefix(ctx, _without_token_numbers(ctx, sentences))
    return from_io_tags(ctx, _without_word_positions(ctx, sentences))


def is_comment(fields: list[str]) -> bool:
    """A line starting with ``#`` whose last field is no tag (``# O`` is the token ``#``, tagged O)."""
    return len(fields) > 0 and fields[0].startswith("#") and (len(fields) == 1 or parse_tag(fields[-1]) is None)


def _sentences(ctx: ReadContext, content: str) -> list[list[Row]]:
    """Rows grouped into sentences (blank lines and ``-DOCSTART-`` separate them), comment lines left out."""
    sentences: list[list[Row]] = []
    current: list[Row] = []
    untagged: list[tuple[int, str]] = []  # rows of a token alone: (line number, line)
    comments = 0
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        fields = row_fields(line)
        if is_comment(fields):
            comments += 1
            continue
        if not sentences and not current and is_header(fields):
            ctx.warn(f"the first line names the columns ({' '.join(fields)!r:.40}): it was not read as a token")
            continue
        if not fields or fields[0] == "-DOCSTART-":
            if current:
                sentences.append(current)
                current = []
            continue
        if len(fields) < 2:
            untagged.append((number, line))
        if current and _is_pair(current[-1][1][0], fields[0]):  # an emoji written as its two UTF-16 halves
            current[-1][1][0] = _joined(current[-1][1][0] + fields[0])
            continue
        current.append((number, fields))
    if current:
        sentences.append(current)
    if comments:
        ctx.warn(f"{counted(comments, 'comment line')} (# first, no tag last) {by_count(comments, 'was', 'were')} "
                 "skipped")
    return _untagged_as_o(ctx, sentences, untagged)


def _untagged_as_o(ctx: ReadContext, sentences: list[list[Row]], untagged: list[tuple[int, str]]) -> list[list[Row]]:
    """Rows of a token alone tagged O when no row of the file has a tag and its rows make sentences (a test file
    whose labels were held back, as XTREME's PAN-X test files: Hugging Face's xtreme and wikiann loaders and
    transformers' token classification examples read such rows as O). Among tagged rows, each is a problem: a
    missing tag there is more likely damage than an unannotated token, and reading it as O would hide an entity;
    so is each row of a single block of untagged lines, which is no more a CoNLL file than any text is."""
    if not untagged:
        return sentences
    rows = sum(map(len, sentences))
    if len(untagged) < rows or len(sentences) < 2:
        why = ": the other rows have tags" if len(untagged) < rows else ""
        for number, line in untagged:
            ctx.problem(f"expected a token and a tag separated by whitespace, got {line!r:.60}{why}", line=number)
        tagged = [[row for row in sentence if len(row[1]) > 1] for sentence in sentences]
        return [sentence for sentence in tagged if sentence]
    ctx.warn(f"no row has a tag (a test file without its labels, as XTREME's PAN-X test files are): the "
             f"{counted(rows, 'token')} {by_count(rows, 'was', 'were')} read as O, without entities")
    return [[(number, [fields[0], "O"]) for number, fields in sentence] for sentence in sentences]


def row_fields(line: str) -> list[str]:
    """The line's fields, split on whitespace; but a first field of whitespace alone before a tab is that token
    (``"\u3000<TAB>O"``, a space or U+00A0 likewise): character-level corpora converted from texts with spaces
    give each space a row, and only a tab can separate such a token from its tag."""
    token, tab, rest = line.partition("\t")
    tags = rest.split()
    if tab and token and token.isspace() and tags:
        return [token, *tags]
    return line.split()


def _is_pair(first: str, second: str) -> bool:
    return len(first) == len(second) == 1 and "\ud800" <= first <= "\udbff" and "\udc00" <= second <= "\udfff"


def _joined(halves: str) -> str:
    """The character a high and a low UTF-16 half stand for (Python keeps them as two code points)."""
    return halves.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _without_token_numbers(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """The sentences without their first column when it numbers each sentence's tokens from 0 or 1 upwards
    and a token and a tag follow it (``1 Gleich O O``); otherwise the sentences as they are."""
    rows = [fields for sentence in sentences for _, fields in sentence]
    if not rows or any(len(fields) < 3 or not fields[0].isdecimal() for fields in rows):
        return sentences
    if all(parse_tag(field) is not None for fields in rows for field in fields[1:]):
        return sentences  # digits tagged in nested columns ("1 B-PER B-LOC"): the digits are the text
    for sentence in sentences:
        numbers = [int(fields[0]) for _, fields in sentence]
        if numbers[0] > 1 or any(later <= earlier for earlier, later in zip(numbers, numbers[1:], strict=False)):
            return sentences
    ctx.warn("the first column numbers the tokens of each sentence (1, 2, 3...): it was not read")
    return [[(line, fields[1:]) for line, fields in sentence] for sentence in sentences]


# A token that is a character (a digit too, or an emoji written as two) and its position in its word: "科0",
# "技1", "80".
_POSITIONED = re.compile(r"(\D{1,2}|\d)(\d{1,2})")
POSITIONED_SHARE = 0.99  # of the tokens, and of them in word order: a few stray rows do not hide the pattern


def _without_word_positions(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """The sentences with each token's word position dropped, when nearly every token carries one and
    they count 0, 1, 2... through each word (Weibo NER, Peng & Dredze 2015: "科0 技1 全0 方1 位2");
    otherwise the sentences as they are."""
    rows = [fields[0] for sentence in sentences for _, fields in sentence]
    matches = [_POSITIONED.fullmatch(token) for token in rows]
    if len(rows) < 2 or sum(m is not None for m in matches) < POSITIONED_SHARE * len(rows):
        return sentences
    positions = [int(m.group(2)) if m else -1 for m in matches]
    in_order, index = 0, 0
    for sentence in sentences:
        previous = -1
        for position in positions[index:index + len(sentence)]:
            in_order += position == 0 or position == previous + 1 > 0
            previous = position
        index += len(sentence)
    if in_order < POSITIONED_SHARE * len(rows) or max(positions) == 0:
        return sentences
    ctx.warn("each token is a character with its position in its word (科0 技1, as the Weibo NER files write "
             "them): the positions were left out of the text")
    found = iter(matches)
    return [[(line, [m.group(1) if (m := next(found)) else fields[0], *fields[1:]]) for line, fields in sentence]
            for sentence in sentences]




# A Wikipedia language code and a colon before the token: "en:Paris", "zh-yue:香港", "simple:The",
# "be-x-old:Мінск", "zh-classical:孔子" (PAN-X).
_LANGUAGE_PREFIX = re.compile(r"([a-z]{2,12}(?:-[a-z]{1,12})*):(.+)")
# Stricter, for telling a file of untagged tokens from text: the codes PAN-X uses are two or three letters,
# hyphenated ones ("bat-smg") or "simple"; "http://" and "mailto:" are not among them.
_WIKIPEDIA_CODE = re.compile(r"(?:[a-z]{2,3}(?:-[a-z]{1,12})*|simple):(?!//).+")


def is_untagged_language_file(head: str) -> bool:
    """Whether a file's head is sentences of tokens alone, each with the same language code (an untagged PAN-X
    file: ``en:Lincoln`` a line, a blank line between sentences), which the reader reads with every token O."""
    lines = head.split("\n")
    if not head.endswith("\n"):
        lines = lines[:-1]  # possibly cut by the peek
    blocks = "\n".join(line.strip() for line in lines).split("\n\n")
    tokens = [line.strip() for line in lines if line.strip()]
    if sum(bool(block.strip()) for block in blocks) < 2 or any(len(token.split()) != 1 for token in tokens):
        return False
    return (all(_WIKIPEDIA_CODE.fullmatch(token) for token in tokens)
            and len({token.partition(":")[0] for token in tokens}) == 1)


def _without_language_prefix(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """The sentences with the language code left out of each token when every token starts with the same one
    (WikiANN as XTREME's PAN-X files write it: ``en:Lincoln B-LOC``); otherwise the sentences as they are."""
    matches = [_LANGUAGE_PREFIX.fullmatch(fields[0]) for sentence in sentences for _, fields in sentence]
    prefixes = {match.group(1) if match else None for match in matches}
    if len(matches) < 2 or len(prefixes) != 1 or None in prefixes:
        return sentences
    ctx.warn(f"every token starts with the language code {prefixes.pop()}: (WikiANN as PAN-X writes it): the code "
             "was left out of the text")
    tokens = iter([match.group(2) for match in matches if match])
    return [[(line, [next(tokens), *fields[1:]]) for line, fields in sentence] for sentence in sentences]
