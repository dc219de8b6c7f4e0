"""Writing CoNLL-style tag columns: ``token<TAB>TAG`` rows (doccano's CoNLL parser splits on tabs; every other
reader splits on whitespace; ``separator="space"`` writes ``token TAG``); options ``scheme`` (bio | iob2 | bioes |
bmes), ``level`` (char | token | auto: the level that drops or changes fewer spans, ``conll_units``), ``flat``.
Token level uses the document's stored tokens (``meta["tokens"]``, as GENIA keeps them) when they match its text,
else whitespace tokens, cut where a span starts or ends inside one ("York." -> "York", ".") unless that is inside
another span. Nested spans become one tag column per level with the OUTERMOST level in the LAST column
(``spacy convert`` and CoNLL-2003 readers take the last column), or with ``flat=True`` one column and a warning
saying how many spans were dropped. Whitespace cannot be written at character level and token level rebuilds
the text from tokens: the writer warns where the text changes.
"""

from __future__ import annotations

import re
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.spans import Span, flat_levels
from nerdesk.core.tags import SCHEMES, char_spans_to_tags, split_by_token_boundaries
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import WriteContext
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.conll_read import words_to_text
from nerdesk.formats.conll_units import choose_level, word_units

SEPARATORS = {"tab": "\t", "space": " "}

Block = list[tuple[str, list[str]]]  # one sentence to write: (unit, tags) rows, the outermost level last


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

