"""brat standoff: ``NAME.txt`` with the text and ``NAME.ann`` with ``T`` lines
(``T1<TAB>Label START END<TAB>mention``), offsets in code points, end exclusive, counted in the text as
it is in the file (``\\r\\n`` counts two). A directory holds one document per ``.txt``. Discontinuous
spans (``START END;START END``), relations, events, attributes and notes are not imported: the
import warns how many were skipped.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.spans import Span
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import CODE_POINTS, FormatSpec, ReadContext, WriteContext
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.folder_export import unique_stems, warn_stale_files

_BREAKS = re.compile(r"[\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_T_LINE = re.compile(r"^(\S+) ([0-9]+) ([0-9]+)$")  # ASCII digits only: int() would take "١٢"
_MAX_DIGITS = 18  # an offset with more digits is past any text (and int() refuses 4,300 digits)


def _one_line(text: str) -> str:
    return _BREAKS.sub(" ", text)


def _confined(files: list[Path], root: Path) -> None:
    """Refuse files that resolve outside ``root`` (links out of it): a collection reads only its own folder."""
    base = root.resolve()
    for file in files:
        if not file.resolve().is_relative_to(base):
            raise FormatError(f"{file.name} is a link to a file outside the folder ({file.resolve()}); brat import "
                              "reads only files inside the collection: copy the file in instead", path=str(file), code="E123")


def _pairs(path: Path) -> list[tuple[Path, Path | None]]:
    pairs = _find_pairs(path)
    _confined([file for pair in pairs for file in pair if file is not None], path if path.is_dir() else path.parent)
    return pairs


def _find_pairs(path: Path) -> list[tuple[Path, Path | None]]:
    if path.is_dir():
        texts = sorted(p for p in path.rglob("*.txt") if p.is_file())
        anns = sorted(p for p in path.rglob("*.ann") if p.is_file())
        orphans = [a for a in anns if not a.with_suffix(".txt").is_file()]
        if orphans:
            one, many = f"has no .txt beside it: {orphans[0].name}", f"have no .txt beside them, e.g. {orphans[0].name}"
            raise FormatError(f"{counted(len(orphans), '.ann file')} {by_count(len(orphans), one, many)}",
                              path=str(path), code="E124")
        if not texts:
            raise FormatError("no .txt files in this directory: not a brat collection", path=str(path), code="E124")
        return [(t, t.with_suffix(".ann") if t.with_suffix(".ann").is_file() else None) for t in texts]
    if path.suffix == ".ann":
        txt = path.with_suffix(".txt")
        if not txt.is_file():
            raise FormatError(f"the text file {txt.name} of this annotation file is missing", path=str(path), code="E124")
        return [(txt, path)]
    if path.suffix != ".txt":
        raise FormatError("brat reads a directory, a .txt file or a .ann file", path=str(path), code="E125")
    ann = path.with_suffix(".ann")
    return [(path, ann if ann.is_file() else None)]


def _read_brat_text(ctx: ReadContext, txt: Path) -> str:
    """The text as brat counts it: a UTF-8 byte-order mark at the start is a character (U+FEFF)."""
    text = ctx.read_text(txt)
    with open(txt, "rb") as handle:
        starts_with_bom = handle.read(3) == codecs.BOM_UTF8
    return "\ufeff" + text if starts_with_bom and not text.startswith("\ufeff") else text


class _Skipped:
    """Counts of what brat files hold that nerdesk does not read."""

    def __init__(self) -> None:
        self.discontinuous = self.other = self.missing_ann = 0


def _t_line_span(ctx: ReadContext, text: str, line: str, number: int, ann: Path) -> Span | None:
    """The span of one continuous ``T`` line, or ``None`` after recording a problem."""
    fields = line.split("\t")
    if len(fields) < 2:
        ctx.problem(f"a T line needs ID<TAB>Label START END<TAB>text, got {line!r:.60}", line=number, path=ann)
        return None
    match = _T_LINE.match(fields[1])
    if match is None:
        ctx.problem(f"expected 'Label START END', got {fields[1]!r:.60}", line=number, path=ann)
        return None
    big = next((digits for digits in match.group(2, 3) if len(digits.lstrip("0")) > _MAX_DIGITS), None)
    if big is not None:
        ctx.problem(f"offset {big[:12]}... ({len(big):,} digits) is outside the text of length {len(text)}",
                    line=number, path=ann, code="E003")
        return None
    label = match.group(1)
    start, end = (int(digits.lstrip("0") or "0") for digits in match.group(2, 3))  # int() counts leading zeros
    mention = "\t".join(fields[2:]) if len(fields) > 2 else None
    if mention is not None and 0 <= start < end <= len(text) and _one_line(text[start:end]) == mention:
        mention = text[start:end]  # brat writes line breaks inside a mention as spaces
    return ctx.make_span(text, start, end, label, mention=mention, line=number, path=ann)


def _is_discontinuous(line: str) -> bool:
    """``T1<TAB>Label START END;START END<TAB>...``: a span in pieces, which nerdesk does not have."""
    fields = line.split("\t")
    return len(fields) >= 2 and ";" in fields[1]


def _ann_spans(ctx: ReadContext, text: str, ann: Path, skipped: _Skipped) -> list[Span] | None:
    """The spans of one ``.ann`` file, or ``None`` after recording its problems."""
    spans, ok = [], True
    for number, raw in enumerate(ctx.read_text(ann).split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        if not line.startswith("T"):
            skipped.other += 1
            continue
        if _is_discontinuous(line):
            skipped.discontinuous += 1
            continue
        span = _t_line_span(ctx, text, line, number, ann)
        if span is not None:
            spans.append(span)
        ok = ok and span is not None
    return spans if ok else None


def read_brat(ctx: ReadContext) -> list[Document]:
    root = ctx.path if ctx.path.is_dir() else ctx.path.parent
    docs = []
    skipped = _Skipped()
    for txt, ann in _pairs(ctx.path):
        text = _read_brat_text(ctx, txt)
        name = str(txt.relative_to(root).with_suffix("")) if txt.is_relative_to(root) else txt.stem
        if ann is None:
            skipped.missing_ann += 1
            docs.append(Document(text=text, name=name))
            continue
        spans = _ann_spans(ctx, text, ann, skipped)
        if spans is not None:
            docs.append(Document(text=text, spans=spans, name=name))
    if skipped.discontinuous:
        ctx.warn(f"{counted(skipped.discontinuous, 'discontinuous span')} (START END;START END) "
                 f"{by_count(skipped.discontinuous, 'was', 'were')} skipped: nerdesk spans are continuous")
    if skipped.other:
        ctx.warn(f"{counted(skipped.other, 'relation, event, attribute or note line')} "
                 f"{by_count(skipped.other, 'was', 'were')} skipped: only T lines are read")
    if skipped.missing_ann:
        ctx.warn(f"{counted(skipped.missing_ann, '.txt file')} {by_count(skipped.missing_ann, 'has', 'have')} no "
                 f".ann beside {by_count(skipped.missing_ann, 'it', 'them')}: imported without spans")
    return docs


def write_brat(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    if path.suffix in (".txt", ".ann"):
        raise FormatError("brat writes a directory of .txt and .ann files: give a directory path", path=str(path), code="E125")
    if path.exists() and not path.is_dir():
        raise FormatError("exists and is not a directory", path=str(path), code="E125")
    chosen = ctx.spans_to_write(documents, "brat")
    before = {p.name for p in path.glob("*") if p.suffix in (".txt", ".ann")} if path.is_dir() else set()
    written: set[str] = set()
    labels: list[str] = list(ctx.labels.names) if ctx.labels is not None else []
    renamed = 0
    for name, doc, spans in zip(unique_stems(documents), documents, chosen, strict=True):
        written.update((f"{name}.txt", f"{name}.ann"))
        lines = []
        for number, span in enumerate(spans, start=1):
            label = re.sub(r"\s", "_", span.label)
            renamed += label != span.label
            if label not in labels:
                labels.append(label)
            lines.append(f"T{number}\t{label} {span.start} {span.end}\t{_one_line(span.mention(doc.text))}")
        atomic_write_text(path / f"{name}.txt", doc.text)
        atomic_write_text(path / f"{name}.ann", "".join(line + "\n" for line in lines))
    if renamed:
        ctx.warn(f"{counted(renamed, 'span')} {by_count(renamed, 'has a label', 'have labels')} with spaces: "
                 "written with '_' instead")
    warn_stale_files(ctx, path, sorted(before - written), ".txt or .ann file", ".txt and .ann files")
    conf = "[entities]\n" + "".join(re.sub(r"\s", "_", name) + "\n" for name in labels)
    conf += "\n[relations]\n\n[events]\n\n[attributes]\n"
    atomic_write_text(path / "annotation.conf", conf)


SPECS = (
    FormatSpec(
        name="brat", reader=read_brat, writer=write_brat, extensions=(".ann",), lossy=True,
        description="brat standoff: a directory of NAME.txt + NAME.ann (T lines)",
        keeps="text exactly (a leading U+FEFF too), gold spans (nested too), document names",
        loses="discontinuous spans, relations, events, attributes (on import); predictions, status, metadata; "
              "spaces in labels become '_'",
        offsets=CODE_POINTS + " (\\r\\n counts 2)", aliases=("standoff",)),
)
