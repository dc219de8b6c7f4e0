"""BosonNLP's NER corpus (``BosonNLP_NER_6C.txt``): a text a line with its entities marked inline,
``{{person_name:张三}}在{{location:北京}}``; the six types are time, location, person_name, org_name,
company_name and product_name. The text is the line without the marks; each mark is one span.
"""

from __future__ import annotations

import re
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.spans import flat_levels
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import CODE_POINTS, FormatSpec, ReadContext, WriteContext
from nerdesk.formats.atomic_write import atomic_write_text

MARK = re.compile(r"\{\{([A-Za-z_]+):(.*?)\}\}", re.DOTALL)
MARKED_SHARE = 0.3  # of a file's lines with a mark, from which detection takes it for BosonNLP's


def looks_like_boson(head: str) -> bool:
    """Whether a file's lines carry ``{{type:mention}}`` marks (at least ``MARKED_SHARE`` of them)."""
    lines = [line for line in head.split("\n")[:200] if line.strip()]
    return bool(lines) and sum(MARK.search(line) is not None for line in lines) >= MARKED_SHARE * len(lines)


def read_boson(ctx: ReadContext) -> list[Document]:
    content = ctx.read_text()
    if MARK.search(content) is None:
        ctx.problem("no {{type:mention}} mark in the file: it is not BosonNLP's; import it as plain text "
                    "(--format text)", line=1)
        return []
    documents = []
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        parts, spans, position, at = [], [], 0, 0
        for match in MARK.finditer(line):
            parts.append(line[at:match.start()])
            position += match.start() - at
            mention = match.group(2)
            span = ctx.make_span("".join(parts) + mention, position, position + len(mention), match.group(1),
                                 line=number)
            if span is not None:
                spans.append(span)
            parts.append(mention)
            position += len(mention)
            at = match.end()
        parts.append(line[at:])
        text = "".join(parts)
        if "{{" in text or "}}" in text:
            ctx.problem(f"a mark that is not {{{{type:mention}}}} is left in the text: {text!r:.60}", line=number)
            continue
        documents.append(Document(text=text, spans=spans))
    return documents


def write_boson(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines, nested, broken = [], 0, 0
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "boson"), strict=True):
        levels = flat_levels(spans) or [[]]
        nested += sum(len(level) for level in levels[1:])
        text, at, parts = doc.text, 0, []
        for span in sorted(levels[0], key=lambda s: s.start):
            parts += [text[at:span.start], f"{{{{{span.label}:{text[span.start:span.end]}}}}}"]
            at = span.end
        parts.append(text[at:])
        line = "".join(parts)
        broken += "\n" in line or "\r" in line
        lines.append(line.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    if nested:
        ctx.warn(f"{counted(nested, 'nested or overlapping span')} {by_count(nested, 'was', 'were')} not written: "
                 "a mark holds plain text")
        ctx.not_written(nested)
    if broken:
        ctx.warn(f"the line breaks of {counted(broken, 'document')} were written as spaces: a document is a line")
    atomic_write_text(path, "".join(line + "\n" for line in lines))


SPECS = (
    FormatSpec(
        name="boson", reader=read_boson, writer=write_boson, extensions=(".txt",), lossy=True,
        description="BosonNLP NER: a text a line, entities marked inline as {{type:mention}}",
        keeps="text, gold spans of one level",
        loses="nested spans (the outermost kept), line breaks inside a document, predictions (unless "
              "source='pred'), scores, name, status, metadata",
        offsets=CODE_POINTS + " (computed from the marks)", aliases=("bosonnlp",)),
)
