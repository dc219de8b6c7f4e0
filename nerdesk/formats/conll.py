"""CoNLL-style tag columns: ``char TAG`` (character level) or ``token ... TAG`` (token level).

Reading: one sentence per block (blank line between), ``-DOCSTART-`` and comment lines skipped, a column
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

Writing: ``token<TAB>TAG`` rows (doccano's CoNLL parser splits on tabs; every other reader splits on
whitespace; ``separator="space"`` writes ``token TAG``); options ``scheme`` (bio | iob2 | bioes | bmes), ``level`` (char | token | auto: the level
that drops or changes fewer spans), ``flat``. Token level uses the document's stored tokens (``meta["tokens"]``,
as GENIA keeps them) when they match its text, else whitespace tokens, cut where a span starts or ends
inside one ("York." -> "York", ".") unless that is inside another span. Nested spans become one tag
column per level with the OUTERMOST level in the LAST column (``spacy convert`` and CoNLL-2003 readers
take the last column), or with ``flat=True`` one column and a warning saying how many spans were
dropped. Whitespace cannot be written at character level and token level rebuilds the text from
tokens: the writer warns where the text changes.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.offsets import tokens_to_text
from nerdesk.core.spans import Span, dedupe, flat_levels
from nerdesk.core.tags import (
    SCHEMES,
    ParsedTag,
    char_spans_to_tags,
    find_token_char_offsets,
    parse_tag,
    split_by_token_boundaries,
    tags_to_char_spans,
)
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import FormatSpec, ReadContext, WriteContext
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.conll_dialects import Row
from nerdesk.formats.conll_rows import read_rows

SEPARATORS = {"tab": "\t", "space": " "}

Block = list[tuple[str, list[str]]]  # one sentence to write: (unit, tags) rows, the outermost level last


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


def word_units(doc: Document, level: str, spans: list[Span]) -> tuple[list[tuple[int, int]], bool, int]:
    """Character or token ``(start, end)`` units of a document, whether they are its stored tokens, and
    how many more tokens cutting words at span boundaries made.

    A word a span starts or ends inside is cut there ("York." of a span "New York" becomes "York" and "."),
    so that token level keeps the span instead of forcing character rows on a text with spaces; a word is
    not cut inside another span (that span's mention would change), and the span is dropped as before.
    """
    if level == "char":
        return [(i, i + 1) for i, ch in enumerate(doc.text) if not ch.isspace()], False, 0
    tokens = doc.meta.get("tokens")
    stored = find_token_char_offsets(doc.text, tokens) if isinstance(tokens, list) and not any(
        not isinstance(t, str) or re.search(r"\s", t) for t in tokens) else None
    units = stored or [(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)]
    pieces = cut_at(units, _word_cuts(spans))
    return pieces, bool(stored), len(pieces) - len(units)


def cut_at(units: list[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    """``units`` with each one that a cut falls inside split in two there."""
    ordered = sorted(cuts)
    pieces: list[tuple[int, int]] = []
    for start, end in units:
        inner = ordered[bisect.bisect_right(ordered, start):bisect.bisect_left(ordered, end)]
        bounds = [start, *inner, end]
        pieces.extend(zip(bounds, bounds[1:], strict=False))
    return pieces


def _word_cuts(spans: list[Span]) -> set[int]:
    """The span boundaries a word may be cut at: those strictly inside no span."""
    interiors = _union_of_interiors(spans)
    starts = [start for start, _ in interiors]
    cuts = set()
    for offset in {offset for span in spans for offset in (span.start, span.end)}:
        before = bisect.bisect_left(starts, offset) - 1  # the last interior that starts before the offset
        if before < 0 or interiors[before][1] <= offset:
            cuts.add(offset)
    return cuts


def _union_of_interiors(spans: list[Span]) -> list[tuple[int, int]]:
    """The open intervals ``(start, end)`` of the spans, overlapping ones merged (touching ones kept apart)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((span.start, span.end) for span in spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def choose_level(documents: list[Document], chosen: list[list[Span]]) -> str:
    """``auto``: the level that spoils fewer spans; on a tie, tokens when most documents have spaces or keep
    their words (``meta["tokens"]``: GENIA's, or a word-segmented Chinese corpus's).

    A span is spoilt when it is dropped (not on unit boundaries) or when its mention reads back
    differently: character level drops the spaces inside "New York".
    """
    spoilt = {level: sum(_spoilt_spans(doc, level, spans) for doc, spans in zip(documents, chosen, strict=True))
              for level in ("char", "token")}
    if spoilt["char"] != spoilt["token"]:
        return min(spoilt, key=lambda unit: spoilt[unit])
    worded = sum(" " in doc.text.strip() or _keeps_words(doc) for doc in documents)
    return "token" if documents and worded * 2 > len(documents) else "char"


def _keeps_words(doc: Document) -> bool:
    tokens = doc.meta.get("tokens")
    return isinstance(tokens, list) and bool(tokens) and all(isinstance(token, str) for token in tokens)


def _spoilt_spans(doc: Document, level: str, spans: list[Span]) -> int:
    """How many of ``spans`` the level drops or writes with another mention (whitespace runs aside)."""
    units = word_units(doc, level, spans)[0]
    aligned, unaligned = split_by_token_boundaries(units, spans)
    starts = [start for start, _ in units]
    changed = 0
    for span in aligned:
        first, last = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        pieces = [doc.text[s:e] for s, e in units[first:last]]
        written = "".join(pieces) if level == "char" else words_to_text(pieces)[0]  # as the reader joins them
        changed += written != " ".join(span.mention(doc.text).split())
    return len(unaligned) + changed


class _Tally:
    def __init__(self) -> None:
        self.unaligned = self.dropped_flat = self.changed_text = self.empty_docs = self.renamed = 0
        self.stored_tokens = self.cut_words = 0
        self.not_written = 0  # spans unaligned, flattened away or in a document with no units


def _block(doc: Document, spans: list[Span], level: str, scheme: str, flat: bool, tally: _Tally) -> Block | None:
    """One sentence block: ``(unit, tags)`` rows, the outermost level in the LAST tag column."""
    units, stored, cut = word_units(doc, level, spans)
    tally.cut_words += cut
    if not units:
        tally.empty_docs += 1
        tally.not_written += len(spans)
        return None
    tally.stored_tokens += stored
    tally.changed_text += _whitespace_changed(doc.text, level)
    renamed = [Span(s.start, s.end, re.sub(r"\s", "_", s.label)) for s in spans]
    tally.renamed += sum(a.label != b.label for a, b in zip(spans, renamed, strict=True))
    aligned, unaligned = split_by_token_boundaries(units, renamed)
    tally.unaligned += len(unaligned)
    tally.not_written += len(unaligned)
    levels = flat_levels(aligned) or [[]]
    if flat and len(levels) > 1:
        tally.dropped_flat += sum(len(lv) for lv in levels[1:])
        tally.not_written += sum(len(lv) for lv in levels[1:])
        levels = levels[:1]
    columns = [char_spans_to_tags(units, level_spans, scheme) for level_spans in reversed(levels)]
    return [(doc.text[s:e], [col[i] for col in columns]) for i, (s, e) in enumerate(units)]


def _whitespace_changed(text: str, level: str) -> bool:
    """Whether writing ``text`` at ``level`` changes its whitespace (words cut at spans are counted apart): the
    reader joins characters without a space, and words with one except between Chinese characters."""
    return ("".join(text.split()) if level == "char" else words_to_text(text.split())[0]) != text


def tag_blocks(documents: list[Document], ctx: WriteContext, format_name: str, *, scheme: str,
               flat: bool) -> list[Block | None]:
    """One block per document (``None`` for one with no units) at the ``level`` option's level, with the
    warnings and the count of spans not written given to ``ctx``."""
    level = ctx.option("level", "auto", ("auto", "char", "token"))
    chosen = ctx.spans_to_write(documents, format_name)
    if level == "auto":
        level = choose_level(documents, chosen)
    tally = _Tally()
    blocks = [_block(doc, spans, level, scheme, flat, tally) for doc, spans in zip(documents, chosen, strict=True)]
    _write_warnings(ctx, tally, level, format_name)
    ctx.not_written(tally.not_written)
    return blocks


def write_conll(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    scheme = ctx.option("scheme", "bio", SCHEMES)
    flat = bool(ctx.option("flat", False))
    separator = SEPARATORS[ctx.option("separator", "tab", tuple(SEPARATORS))]
    blocks = [block for block in tag_blocks(documents, ctx, "CoNLL", scheme=scheme, flat=flat) if block is not None]
    width = max((len(tags) for block in blocks for _, tags in block), default=1)
    out: list[str] = []
    for block in blocks:
        # inner levels first, padded on the left: the last column is always the outermost level
        out.extend(separator.join([unit, *["O"] * (width - len(tags)), *tags]) for unit, tags in block)
        out.append("")
    content = "\n".join(out) + ("\n" if out else "")
    # A first token U+FEFF (CMeEE texts start with it) would be taken for a byte-order mark: a blank line
    # first keeps it a token, in nerdesk and in spaCy's, seqeval's and datasets' CoNLL readers alike.
    atomic_write_text(path, "\n" + content if content.startswith("\ufeff") else content)


def _write_warnings(ctx: WriteContext, tally: _Tally, level: str, format_name: str) -> None:
    def were(count: int) -> str:
        return by_count(count, "was", "were")
    if tally.dropped_flat:
        ctx.warn(f"{counted(tally.dropped_flat, 'nested or overlapping span')} {were(tally.dropped_flat)} "
                 "dropped to fit one tag column (the outermost spans were kept)")
    if tally.unaligned:
        n = tally.unaligned
        ctx.warn(f"{counted(n, 'span')} {by_count(n, 'does', 'do')} not start and end on {level} boundaries "
                 f"(or {by_count(n, 'covers', 'cover')} only whitespace) and {were(n)} dropped"
                 f"{'; try level=char' if level == 'token' else ''}")
    if tally.changed_text:
        what = "whitespace was dropped" if level == "char" else "whitespace was replaced by single spaces"
        ctx.warn(f"{counted(tally.changed_text, 'document')} {by_count(tally.changed_text, 'changes', 'change')} "
                 f"text in {level}-level {format_name}: {what}")
    if tally.cut_words:
        ctx.warn(f"{counted(tally.cut_words, 'word')} {were(tally.cut_words)} cut where a span starts or ends inside "
                 f"{by_count(tally.cut_words, 'it', 'them')} (\"York.\" as \"York\" and \".\"): the text read back "
                 "has a space there")
    if tally.empty_docs:
        ctx.warn(f"{counted(tally.empty_docs, 'document')} with no {level}s (empty or only whitespace) "
                 f"{were(tally.empty_docs)} not written")
    if tally.renamed:
        ctx.warn(f"{counted(tally.renamed, 'span')} {by_count(tally.renamed, 'has a label', 'have labels')} with "
                 "spaces: written with '_' instead")


# Format names and file suffixes that name a tag scheme.
SCHEME_NAMES = {"bio": "bio", "iob2": "iob2", "bioes": "bioes", "bmes": "bmes", "iob": "bio"}


def scheme_from_name(requested: str, path: Path, options: dict[str, Any]) -> dict[str, Any]:
    """``--format bmes`` or ``--out x.bmes`` choose the scheme unless ``scheme`` is given; a conflict is refused."""
    named = SCHEME_NAMES.get(requested.strip().lower())
    if named is None and "scheme" not in options:
        named = SCHEME_NAMES.get(path.suffix.lower().lstrip("."))
    if named is None:
        return options
    if options.get("scheme") not in (None, named):
        raise FormatError(f"format {requested!r} writes the {named.upper()} scheme, but scheme="
                          f"{options['scheme']!r} was asked for; pass --format conll with --scheme instead", code="E115")
    return {**options, "scheme": named}


SPECS = (
    FormatSpec(
        name="conll", reader=read_conll, writer=write_conll,
        extensions=(".conll", ".bio", ".bmes", ".bioes", ".iob", ".iob2", ".bilou", ".tsv"), lossy=True,
        default_for_suffixes=(".tsv",),  # WebAnno TSV shares the suffix; it is written when asked for by name
        description="CoNLL-style columns: `char<TAB>TAG` or `token<TAB>...<TAB>TAG`; BIO/IOB2, BIOES, BMES",
        keeps="text (without whitespace at char level; tokens joined by spaces at token level, none between Chinese "
              "characters, a word cut where a "
              "span starts or ends inside it), gold spans; nested spans as one tag column per level, the outermost "
              "in the last column",
        loses="whitespace, spans not on character/token boundaries, nesting with flat=True, predictions, scores, "
              "metadata; columns of syntactic chunks (on import)",
        offsets="token positions", write_options=frozenset({"scheme", "level", "flat", "separator"}),
        aliases=("bio", "iob2", "bioes", "bmes", "tsv"), adapt_write_options=scheme_from_name),
)
