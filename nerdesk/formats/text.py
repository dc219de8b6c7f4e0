"""Plain text: one document per line (``split="line"``), per paragraph (``"paragraph"``, blank lines
between) or the whole file (``"document"``). Keeps no spans. A line ends at ``\r\n``, ``\n`` or a lone
``\r`` (old Mac files). Line terminators between documents are separators, not text; inside a paragraph
they are kept as they are, so a document's text is a slice of the file's.
"""

from __future__ import annotations

import re
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import FormatSpec, ReadContext, WriteContext
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.encoding import with_mark_kept

SPLITS = ("line", "paragraph", "document")


def _lines(content: str) -> list[tuple[str, str]]:
    """``(line, terminator)`` pairs, splitting on ``\\r\\n`` (one terminator), ``\\n`` and a lone ``\\r``."""
    pieces = []
    for match in re.finditer(r"([^\r\n]*)(\r\n|\r|\n|$)", content):
        if match.start() == len(content) and not match.group(0):
            break
        pieces.append((match.group(1), match.group(2)))
        if not match.group(2):
            break
    return pieces


def read_text(ctx: ReadContext) -> list[Document]:
    split = ctx.option("split", "line", SPLITS)
    content = ctx.read_text()
    if split == "document":
        return [Document(text=content)] if content.strip() else []
    lines = _lines(content)
    if split == "line":
        return [Document(text=line) for line, _ in lines if line.strip()]
    docs, paragraph = [], []
    for line, terminator in lines:
        if line.strip():
            paragraph.append((line, terminator))
            continue
        if paragraph:
            docs.append(Document(text="".join(line + end for line, end in paragraph[:-1]) + paragraph[-1][0]))
            paragraph = []
    if paragraph:
        docs.append(Document(text="".join(line + end for line, end in paragraph[:-1]) + paragraph[-1][0]))
    return docs


def write_text(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    split = ctx.option("split", "line", SPLITS)
    spans = sum(len(doc.spans) for doc in documents)
    ctx.spans_written = 0  # the count reported ("exported 2 documents (0 spans)") is of what the file holds
    if spans:
        ctx.warn(f"plain text keeps no spans: {counted(spans, 'span')} {by_count(spans, 'was', 'were')} not written")
    blank = sum(not doc.text.strip() for doc in documents)
    if blank:
        ctx.warn(f"{counted(blank, 'empty or blank document')} cannot be told apart in plain text and "
                 f"{by_count(blank, 'was', 'were')} not written")
    kept = [doc for doc in documents if doc.text.strip()]
    if split == "line":
        broken = sum(bool(re.search(r"[\r\n]", doc.text)) for doc in kept)
        if broken:
            ctx.warn(f"{counted(broken, 'document')} {by_count(broken, 'contains', 'contain')} line breaks: read "
                     f"back line by line {by_count(broken, 'it becomes', 'they become')} several")
        changed = sum(doc.text != doc.text.rstrip("\r") for doc in kept)
        content = "".join(doc.text + "\n" for doc in kept)
    else:
        broken = sum(bool(re.search(r"\n[ \t\r]*\n|^\s|\s$", doc.text)) for doc in kept)
        if broken and split == "paragraph":
            ctx.warn(f"{counted(broken, 'document')} "
                     f"{by_count(broken, 'contains blank lines or starts or ends', 'contain blank lines or start or end')}"
                     f" with whitespace: read back by paragraph {by_count(broken, 'it changes', 'they change')}")
        if split == "document" and len(kept) > 1:
            ctx.warn(f"{len(kept)} documents were written into one text: read back whole they are one document")
        changed = 0
        content = "".join(doc.text + "\n\n" for doc in kept)[:-1] if kept else ""
        if split == "document":  # read back whole: a line break after the text would become part of it
            content = "\n\n".join(doc.text for doc in kept)
    if changed:
        ctx.warn(f"{counted(changed, 'document')} {by_count(changed, 'ends', 'end')} with a carriage return, which "
                 "reads back as part of the line break")
    atomic_write_text(path, with_mark_kept(content))


SPECS = (
    FormatSpec(
        name="text", reader=read_text, writer=write_text, extensions=(".txt",), lossy=True,
        description="plain text: one document per line, paragraph or file (option split)",
        keeps="the text of each document",
        loses="all spans and metadata; line breaks inside a document with split='line'", offsets="none",
        write_options=frozenset({"split"}), aliases=("txt", "plain"), default_for_suffixes=(".txt",)),
)
