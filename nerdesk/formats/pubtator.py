"""PubTator: the line format of BC5CDR, NCBI-disease, BioRED and PubTator Central.

One document per block, a blank line between blocks::

    PMID|t|TITLE
    PMID|a|ABSTRACT
    PMID<TAB>START<TAB>END<TAB>MENTION<TAB>TYPE[<TAB>IDENTIFIER[<TAB>...]]
    PMID<TAB>RELATION<TAB>ID1<TAB>ID2[<TAB>...]

The document's text is the title, one space, then the abstract (a title with no ``|a|`` line, or an
empty one, is the whole text); offsets count characters of that text, end exclusive. Checked on the
NCBI-disease, BC5CDR and BioRED releases: every mention is the text at its offsets but one NCBI-disease
training line whose mention column has spaces for the text's double quotes (``febrile seizures " plus "``
written ``febrile seizures   plus  ``), so a mention that differs from the text only by whitespace at its
edges, or by a space for each ``"``, is accepted, with a count. Any other mismatch is a problem naming its
line, and nothing is imported.

The columns after the type (a concept identifier such as ``D003866``, composite ``D001|D002`` or
``D004829+D003294``, BC5CDR's ``-1`` for none, and the individual mentions of a composite) have no place
on a nerdesk span: they are kept in ``meta["pubtator_ids"]`` as ``[start, end, type, column...]`` and
written back beside the span they belong to while that span is unchanged. Relation lines (no offsets)
are kept in ``meta["pubtator_relations"]`` and written back after the annotations. The title length is
kept in ``meta["pubtator_title_length"]`` so that export puts the title/abstract split where it was.

Offsets are code points. PubTator files are almost all ASCII; where a text has characters outside the
BMP (emoji) and only UTF-16 offsets (what Java tools count) match a mention, they are converted, with a
warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import SpanError
from nerdesk.core.json_values import is_int
from nerdesk.core.offsets import Utf16Map
from nerdesk.core.spans import Span
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import BYTE_ORDER_MARK, CODE_POINTS, FormatSpec, ReadContext, WriteContext
from nerdesk.formats.atomic_write import atomic_write_text

TITLE_LENGTH = "pubtator_title_length"
IDS = "pubtator_ids"
RELATIONS = "pubtator_relations"
NO_ID = "-1"  # BC5CDR's "no identifier": readers such as bioc's need the sixth column

_SECTION = re.compile(r"([^\t|]+)\|([^\t|]*)\|(.*)", re.DOTALL)  # PMID|t|... and PMID|a|...
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: int() would take "١٢"
_MAX_DIGITS = 18  # an offset with more digits is past any text (and int() refuses 4,300 digits)
_PMID_LIKE = re.compile(r"(?:PMC)?[0-9]+")
# What breaks a PubTator line: line ends (as str.splitlines() sees them) and, inside a mention or a type, a tab.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def looks_like_pubtator(head: str) -> bool:
    """Whether a file starts like PubTator: ``ID|t|`` and then ``ID|a|`` or an annotation of the same ``ID``.

    Two lines that agree on their id are needed, so that a plain text with ``|t|`` in it stays text."""
    lines = [line for line in head.lstrip("\ufeff").split("\n") if line.strip()][:2]
    if len(lines) < 2:
        return False
    first = _SECTION.fullmatch(lines[0].rstrip("\r"))
    if first is None or first.group(2) != "t" or first.group(1).strip() != first.group(1):
        return False
    pmid = first.group(1)
    second = lines[1].rstrip("\r")
    return second.startswith(pmid + "|a|") or re.match(re.escape(pmid) + r"\t[0-9]+\t[0-9]+\t", second) is not None


# -- reading -----------------------------------------------------------------------------------------

@dataclass
class _Block:
    """One document being read: its title line, abstract, and what its annotation lines gave."""

    pmid: str
    title: str
    abstract: str = ""
    has_abstract: bool = False
    spans: list[Span] = field(default_factory=list)
    ids: list[list[Any]] = field(default_factory=list)
    relations: list[list[str]] = field(default_factory=list)
    annotated: bool = False  # an annotation or relation line has been read
    ok: bool = True

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}" if self.abstract else self.title

    def document(self) -> Document:
        meta: dict[str, Any] = {TITLE_LENGTH: len(self.title)}
        if self.ids:  # in the order export writes the spans, so that a second export is the same file
            meta[IDS] = sorted(self.ids, key=lambda entry: (entry[0], -entry[1], entry[2]))
        if self.relations:
            meta[RELATIONS] = self.relations
        return Document(text=self.text, spans=self.spans, name=self.pmid, meta=meta)


NO_ABSTRACT = "NO ABSTRACT"


@dataclass
class _Reading:
    ctx: ReadContext
    documents: list[Document] = field(default_factory=list)
    block: _Block | None = None
    edges: list[int] = field(default_factory=list)  # lines whose mention differs only in edge whitespace
    utf16: list[int] = field(default_factory=list)  # lines whose offsets matched only as UTF-16
    quotes: list[int] = field(default_factory=list)  # lines whose mention has a space for each " of the text
    placeholders: list[int] = field(default_factory=list)  # PubTator Central's "NO ABSTRACT" marks
    relations: int = 0

    def close(self) -> None:
        if self.block is not None and self.block.ok:
            self.documents.append(self.block.document())
        self.block = None

    def problem(self, reason: str, number: int, code: str = "E110") -> None:
        self.ctx.problem(reason, line=number, code=code)
        if self.block is not None:
            self.block.ok = False


def read_pubtator(ctx: ReadContext) -> list[Document]:
    state = _Reading(ctx)
    for number, raw in enumerate(ctx.read_text().split("\n"), start=1):
        line = raw.removeprefix(BYTE_ORDER_MARK).removesuffix("\r")
        if not line.strip():
            state.close()
            continue
        section = _SECTION.fullmatch(line)
        if section is not None:  # its id has no tab, so an annotation line never is one
            pmid, kind, content = section.group(1, 2, 3)
            _read_section(state, pmid, kind, content, number)
        elif state.block is None:
            state.problem(f"a line outside any document (no PMID|t|TITLE line before it): {line!r:.60}", number)
        else:
            _read_tab_line(state, state.block, line.split("\t"), number)
    state.close()
    _closing_warnings(state)
    return state.documents


def _read_section(state: _Reading, pmid: str, kind: str, content: str, number: int) -> None:
    if kind == "t":
        state.close()
        state.block = _Block(pmid, content)
        return
    block = state.block
    if kind != "a":
        state.problem(f"unknown section |{kind}| (PubTator has |t| for the title and |a| for the abstract)", number)
    elif block is None or block.pmid != pmid:
        state.problem(f"an abstract of {pmid} without its title line ({pmid}|t|...) just before", number)
    elif block.has_abstract or block.annotated:
        state.problem(f"a second abstract line of {pmid}, or one after its annotations", number)
    else:
        block.abstract, block.has_abstract = content, True


def _read_tab_line(state: _Reading, block: _Block, fields: list[str], number: int) -> None:
    if fields[0] != block.pmid:
        state.problem(f"this line is for {fields[0]!r:.30} but it is inside the document of {block.pmid!r:.30} "
                      "(a blank line must end each document)", number)
        return
    block.annotated = True
    if len(fields) >= 3 and _DIGITS.fullmatch(fields[1]) and _DIGITS.fullmatch(fields[2]):
        if len(fields) < 5:
            state.problem("an annotation needs PMID<TAB>START<TAB>END<TAB>MENTION<TAB>TYPE, got "
                          f"{counted(len(fields), 'field')}", number)
            return
        _read_annotation(state, block, fields, number)
    elif len(fields) >= 3 and fields[1].strip().isdigit():  # a relation's type is a word, never a number
        state.problem(f"offsets must be ASCII digits, got {fields[1]!r:.30} and {fields[2]!r:.30}", number)
    elif len(fields) in (4, 5):
        block.relations.append(fields[1:])
        state.relations += 1
    else:
        state.problem("expected an annotation (PMID<TAB>START<TAB>END<TAB>MENTION<TAB>TYPE[<TAB>ID]) or a "
                      f"relation (PMID<TAB>TYPE<TAB>ID1<TAB>ID2), got {'<TAB>'.join(fields)!r:.80}", number)


def _read_annotation(state: _Reading, block: _Block, fields: list[str], number: int) -> None:
    big = next((digits for digits in fields[1:3] if len(digits.lstrip("0")) > _MAX_DIGITS), None)
    text = block.text
    if big is not None:
        state.problem(f"offset {big[:12]}... ({len(big):,} digits) is outside the text of length {len(text)}",
                      number, "E003")
        return
    start, end = int(fields[1]), int(fields[2])
    mention, label = fields[3], fields[4]
    if mention == NO_ABSTRACT and start >= len(text):
        state.placeholders.append(number)  # an article without abstract, marked past its title
        return
    found = _match(text, start, end, mention)
    if found is None:
        checked: str | None = mention  # make_span names the mismatch (E005) or what else is wrong
    else:
        start, end, how = found
        checked = None
        if how == "edges":
            state.edges.append(number)
        elif how == "quotes":
            state.quotes.append(number)
        elif how == "utf16":
            state.utf16.append(number)
    span = state.ctx.make_span(text, start, end, label, mention=checked, line=number)
    if span is None:
        block.ok = False
        return
    block.spans.append(span)
    if len(fields) > 5:
        block.ids.append([span.start, span.end, span.label, *fields[5:]])


def _match(text: str, start: int, end: int, mention: str) -> tuple[int, int, str] | None:
    """Offsets that fit ``mention``: as they are, as they are with the mention's edge whitespace left out,
    or read as UTF-16 units; ``None`` when none fits (or they match exactly: nothing to say)."""
    if 0 <= start < end <= len(text):
        covered = text[start:end]
        if covered == mention:
            return None
        if covered.strip() == mention.strip() and covered.strip():
            return start, end, "edges"
        if '"' in covered and covered.replace('"', " ").strip() == mention.strip():
            return start, end, "quotes"  # NCBI-disease's training file writes a mention's " as a space
    utf16 = Utf16Map(text)
    if utf16.ascii_like:
        return None
    try:
        start16, end16 = utf16.from_utf16(start), utf16.from_utf16(end)
    except SpanError:
        return None
    return (start16, end16, "utf16") if start16 < end16 and text[start16:end16] == mention else None


def _closing_warnings(state: _Reading) -> None:
    ctx = state.ctx
    if state.edges:
        n = len(state.edges)
        ctx.warn(f"{counted(n, 'mention')} differed from the text at {by_count(n, 'its', 'their')} offsets only "
                 f"by spaces at {by_count(n, 'its', 'their')} edges (the first on line {state.edges[0]}): "
                 "the spans were imported at their offsets")
    if state.quotes:
        n = len(state.quotes)
        ctx.warn(f"{counted(n, 'mention')} had a space where the text at {by_count(n, 'its', 'their')} offsets has "
                 f'a double quote (as NCBI-disease\'s training file writes them; the first on line {state.quotes[0]}): '
                 "the spans were imported at their offsets")
    if state.utf16:
        n = len(state.utf16)
        ctx.warn(f"{counted(n, 'span')} had UTF-16 offsets ({by_count(n, 'it', 'they')} matched "
                 f"{by_count(n, 'its', 'their')} mention only as UTF-16; the first on line {state.utf16[0]}): "
                 "converted to code points")
    if state.placeholders:
        n = len(state.placeholders)
        ctx.warn(f"{counted(n, 'annotation')} \"{NO_ABSTRACT}\" past the end of {by_count(n, 'its', 'their')} text "
                 f"(PubTator Central's mark of an article without abstract; the first on line {state.placeholders[0]}) "
                 f"{by_count(n, 'was', 'were')} skipped")
    if state.relations:
        n = state.relations
        ctx.warn(f"{counted(n, 'relation line')} {by_count(n, 'was', 'were')} kept in the documents' metadata "
                 f"({RELATIONS}) and will be written back on PubTator export; nerdesk does not show or edit relations")


# -- writing -----------------------------------------------------------------------------------------

def _pmids(documents: list[Document], ctx: WriteContext) -> list[str]:
    """Each document's PMID: its name when that is one (digits, or PMC and digits), else a running number
    that no named document uses."""
    named = [doc.name if isinstance(doc.name, str) and _PMID_LIKE.fullmatch(doc.name) else None
             for doc in documents]
    used = {name for name in named if name is not None}
    pmids, number, numbered = [], 0, 0
    for name in named:
        if name is None:
            number += 1
            while str(number) in used:
                number += 1
            name, numbered = str(number), numbered + 1
        pmids.append(name)
    if numbered:
        ctx.warn(f"{counted(numbered, 'document')} {by_count(numbered, 'has', 'have')} no PMID as name: "
                 f"written with running numbers as PMIDs ({by_count(numbered, 'its', 'their')} names are not kept)")
    return pmids


def _title_and_abstract(text: str, title_length: Any) -> tuple[str, str]:
    """Where the reader found the split, when it still splits the text (at a space, before an abstract
    that is not empty); else the whole text as the title and an empty abstract."""
    if is_int(title_length) and 0 <= title_length <= len(text):
        if title_length == len(text):
            return text, ""
        if text[title_length] == " " and title_length + 1 < len(text):
            return text[:title_length], text[title_length + 1:]
    return text, ""


def _kept_columns(entries: Any) -> dict[tuple[int, int, str], list[list[str]]]:
    """The identifier columns kept by the reader, by span; entries of another shape (edited metadata) are left out."""
    kept: dict[tuple[int, int, str], list[list[str]]] = {}
    if not isinstance(entries, list):
        return kept
    for entry in entries:
        if (isinstance(entry, list) and len(entry) >= 4 and is_int(entry[0]) and is_int(entry[1])
                and all(isinstance(value, str) and not _BREAKS.search(value) for value in entry[2:])):
            kept.setdefault((entry[0], entry[1], entry[2]), []).append(entry[3:])
    return kept


def _relation_lines(pmid: str, relations: Any) -> tuple[list[str], int]:
    """The relation lines kept in metadata, and how many entries could not be written as one."""
    if not isinstance(relations, list):
        return [], 0 if relations is None else 1
    lines, bad = [], 0
    for relation in relations:
        if (isinstance(relation, list) and 3 <= len(relation) <= 4
                and all(isinstance(value, str) and not _BREAKS.search(value) for value in relation)):
            lines.append("\t".join([pmid, *relation]))
        else:
            bad += 1
    return lines, bad


@dataclass
class _Written:
    flattened: int = 0  # documents whose text had line breaks or tabs
    relabelled: int = 0
    bad_relations: int = 0


def _block(doc: Document, spans: list[Span], pmid: str, written: _Written) -> str:
    text = _BREAKS.sub(" ", doc.text)
    written.flattened += text != doc.text
    title, abstract = _title_and_abstract(text, doc.meta.get(TITLE_LENGTH))
    lines = [f"{pmid}|t|{title}", f"{pmid}|a|{abstract}"]
    kept = _kept_columns(doc.meta.get(IDS))
    for span in spans:
        label = _BREAKS.sub("_", span.label)
        written.relabelled += label != span.label
        columns = kept.get(span.key)
        tail = columns.pop(0) if columns else [NO_ID]
        lines.append("\t".join([pmid, str(span.start), str(span.end), text[span.start:span.end], label, *tail]))
    relations, bad = _relation_lines(pmid, doc.meta.get(RELATIONS))
    written.bad_relations += bad
    return "".join(line + "\n" for line in [*lines, *relations])


def write_pubtator(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    chosen = ctx.spans_to_write(documents, "pubtator")
    written = _Written()
    blocks = [_block(doc, spans, pmid, written)
              for doc, spans, pmid in zip(documents, chosen, _pmids(documents, ctx), strict=True)]
    if written.flattened:
        n = written.flattened
        ctx.warn(f"{counted(n, 'document')} had line breaks or tabs in {by_count(n, 'its', 'their')} text, which "
                 "PubTator's lines cannot hold: written as spaces (offsets unchanged)")
    if written.relabelled:
        n = written.relabelled
        ctx.warn(f"{counted(n, 'span')} {by_count(n, 'has a label', 'have labels')} with a tab or line break: "
                 "written with '_' instead")
    if written.bad_relations:
        ctx.warn(f"{counted(written.bad_relations, 'relation')} in metadata ({RELATIONS}) "
                 f"{by_count(written.bad_relations, 'is', 'are')} not 3 or 4 one-line texts: not written")
    atomic_write_text(path, "\n".join(blocks) + ("\n" if blocks else ""))


SPECS = (
    FormatSpec(
        name="pubtator", reader=read_pubtator, writer=write_pubtator, extensions=(".pubtator", ".PubTator"),
        lossy=True,
        description="PubTator (BC5CDR, NCBI-disease, BioRED): PMID|t|title, PMID|a|abstract, "
                    "PMID<TAB>start<TAB>end<TAB>mention<TAB>type<TAB>id lines",
        keeps="title and abstract (as title + space + abstract), gold spans (nested too), PMIDs as names; "
              "identifiers and relation lines (in metadata, written back)",
        loses="predictions (unless source='pred'), scores, status, other metadata, names that are not PMIDs; "
              "line breaks and tabs in the text (written as spaces); identifiers of spans moved or relabelled",
        offsets=CODE_POINTS + ", in title + ' ' + abstract (UTF-16 offsets are accepted when only they match the mention)"),
)
