"""Reading CoNLL-style tag columns: ``char TAG`` (character level) or ``token ... TAG`` (token level).

One sentence per block (blank line between), ``-DOCSTART-`` and comment lines skipped, a column
numbering the tokens left out, and characters marked with their position in their word (``科0 技1``, as the
Weibo NER files write them) read as the characters alone (``nerdesk.formats.conll_rows``). When every column
after the first is a tag (``O``, ``B-X``, ``I-X``, ``M-X``, ``E-X``, ``S-X``, ``L-X``, ``U-X``), each
column is one nesting level (as nerdesk writes nested data), except a column of syntactic chunks
(B-NP, I-VP...: ``token chunk NER`` files); otherwise only the last column is read (so ``token POS chunk
NER`` files work). The scheme (BIO/IOB2, IOB1, BIOES, BMES, BILOU) needs no
option: one lenient decoder reads them all. The level is detected (character level when nearly every
token is one character: the text is the characters joined; token level: tokens joined by spaces, none
between two Chinese or Japanese characters) or
chosen with ``level=``.
"""

from __future__ import annotations

import re

from nerdesk.core.document import Document
from nerdesk.core.offsets import tokens_to_text
from nerdesk.core.spans import Span, dedupe
from nerdesk.core.tags import ParsedTag, parse_tag, tags_to_char_spans
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import ReadContext
from nerdesk.formats.conll_dialects import Row
from nerdesk.formats.conll_rows import read_rows

# Syntactic chunk types (CoNLL-2000 chunking, the chunk column of CoNLL-2003): B-NP, I-VP... are not entities.
CHUNK_TYPES = frozenset({"NP", "VP", "PP", "ADVP", "ADJP", "SBAR", "PRT", "CONJP", "INTJ", "LST", "UCP"})


def _tag_columns(ctx: ReadContext, rows: list[Row]) -> list[int]:
    """The positions of the fields to read as tag columns: when every column after the token is a tag,
    each is a nesting level, except chunk columns; otherwise the last column (``token POS chunk NER``)."""
    all_tags = bool(rows) and all(parse_tag(f) is not None for _, fields in rows for f in fields[1:])
    if not all_tags:
        return [-1]
    widths = {len(fields) for _, fields in rows}
    if len(widths) > 1:
        expected = max(widths, key=lambda w: sum(len(f) == w for _, f in rows))
        for number, fields in rows:
            if len(fields) != expected:
                ctx.problem(f"{counted(len(fields) - 1, 'tag column')} where the file has {expected - 1}", line=number)
    width = max(widths)
    chunks = [column for column in range(1, width) if _is_chunk_column(rows, column)]
    if chunks and len(chunks) < width - 1:
        n = len(chunks)
        ctx.warn(f"{by_count(n, 'tag column', 'tag columns')} {', '.join(map(str, chunks))} "
                 f"{by_count(n, 'holds', 'hold')} syntactic chunks (NP, VP, PP...), not entities: "
                 f"{by_count(n, 'it was', 'they were')} not read")
        return [column for column in range(1, width) if column not in chunks]
    return list(range(1, width))


def _is_chunk_column(rows: list[Row], column: int) -> bool:
    labels = {parsed[1] for _, fields in rows if column < len(fields) and (parsed := parse_tag(fields[column]))}
    labels.discard(None)
    return bool(labels) and labels <= CHUNK_TYPES


def _parsed_columns(ctx: ReadContext, sentence: list[Row], columns: list[int]) -> list[list[ParsedTag]] | None:
    """The sentence's tag columns, parsed; ``None`` after reporting a field that is not a tag."""
    parsed_columns: list[list[ParsedTag]] = [[] for _ in columns]
    ok = True
    for number, fields in sentence:
        tags = [fields[column] for column in columns if column < len(fields)]
        tags = tags + ["O"] * (len(columns) - len(tags))
        for index, tag in enumerate(tags):
            parsed = parse_tag(tag)
            if parsed is None:
                ctx.problem(f"{tag!r} is not a tag (expected O, B-X, I-X, M-X, E-X, S-X)", line=number)
                ok, parsed = False, ("O", None)
            parsed_columns[index].append(parsed)
    return parsed_columns if ok else None


def read_conll(ctx: ReadContext) -> list[Document]:
    level_option = ctx.option("level", "auto", ("auto", "char", "token"))
    sentences = read_rows(ctx)
    rows = [row for sentence in sentences for row in sentence]
    columns = _tag_columns(ctx, rows)
    single = sum(len(fields[0]) == 1 for _, fields in rows)
    if level_option == "auto":
        level = "char" if rows and single / len(rows) >= 0.9 else "token"
    else:
        level = level_option
    docs: list[Document] = []
    irregular_total = cjk_joined = 0
    for sentence in sentences:
        parsed_columns = _parsed_columns(ctx, sentence, columns)
        if parsed_columns is None:
            continue
        tokens = [fields[0] for _, fields in sentence]
        text, token_char_offsets = tokens_to_text(tokens, "") if level == "char" else words_to_text(tokens)
        spans: list[Span] = []
        for column in parsed_columns:
            column_spans, irregular = tags_to_char_spans(token_char_offsets, column)
            spans.extend(column_spans)
            irregular_total += irregular
        joined = level == "token" and len(text) < len(" ".join(tokens))  # a word kept its CJK neighbour
        cjk_joined += joined
        docs.append(Document(text=text, spans=dedupe(spans), meta={"tokens": tokens} if joined else {}))
    if cjk_joined:
        ctx.warn(CJK_JOINED.format(documents=counted(cjk_joined, "document")))
    if irregular_total:
        ctx.warn(f"{counted(irregular_total, 'span')} did not start with B- (IOB1-style or inconsistent tags) and "
                 f"{by_count(irregular_total, 'was', 'were')} read leniently")
    return docs



# Han, kana, CJK punctuation and full-width forms: Chinese and Japanese put no space between words.
_CJK = re.compile(r"[\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
                  r"\uff00-\uffef\U00020000-\U0002ffff]")
CJK_JOINED = ("the words of {documents} were joined without a space between Chinese or Japanese characters "
              "(新华社华盛顿, not 新华社 华盛顿); the words are kept for export")


def words_to_text(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The text of a sentence's words and their offsets: words joined by a space, except where the characters
    on both sides of the join are Chinese or Japanese (word-segmented corpora such as OntoNotes' Chinese part:
    ``新华社 华盛顿 ４月`` is the text 新华社华盛顿４月; ``NBA 球星`` keeps its space)."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for token in tokens:
        if parts and not (_CJK.match(parts[-1][-1]) and _CJK.match(token[0])):
            parts.append(" ")
            position += 1
        offsets.append((position, position + len(token)))
        parts.append(token)
        position += len(token)
    return "".join(parts), offsets
