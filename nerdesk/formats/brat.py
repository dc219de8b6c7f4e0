"""brat standoff: ``NAME.txt`` with the text and ``NAME.ann`` with ``T`` lines
(``T1<TAB>Label START END<TAB>mention``), offsets in code points, end exclusive, counted in the text as
it is in the file (``\\r\\n`` counts two). A directory holds one document per ``.txt``.

A span across a line break is written as brat's own editor writes it (``server/src/annotator.py``): in
pieces split at the break (``T1<TAB>Label 0 5;7 12<TAB>piece piece``), since brat refuses a mention that
is not the text at its offsets, pieces joined by a space (``annotation.py``, ``DISCONT_SEP``). Reading,
pieces separated only by white space are one span again. Other discontinuous spans, which nerdesk spans cannot
be, and the relations, equivalences, attributes, normalisations and notes of the spans read are kept in the
document's metadata and written back (``nerdesk.formats.brat_links``); events (their trigger ``T`` lines too)
are not imported: the import warns how many were skipped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.spans import Span
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import CODE_POINTS, FormatSpec, ReadContext, WriteContext
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.brat_links import META_KEY as LINKS_KEY
from nerdesk.formats.brat_links import (
    conf_sections,
    discontinuous_entry,
    discontinuous_types,
    kept_line,
    written_lines,
)
from nerdesk.formats.folder_export import unique_stems, warn_stale_files

_BREAKS = re.compile(r"[\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_UNBROKEN = re.compile(r"[^\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_T_FIELD = re.compile(r"^(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)$")  # ASCII digits only: int() would take "١٢"
_MAX_DIGITS = 18  # an offset with more digits is past any text (and int() refuses 4,300 digits)
_PIECE_SEPARATOR = " "  # brat's DISCONT_SEP: the mention of a span in pieces joins their texts with it


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
        self.discontinuous = self.triggers = self.other = self.missing_ann = self.kept_discontinuous = 0


def _pieces(ctx: ReadContext, text: str, offsets: str, number: int, ann: Path) -> list[tuple[int, int]] | None:
    """The (start, end) pieces of ``START END;START END...``, or ``None`` after recording a problem."""
    big = next((digits for digits in re.split("[ ;]", offsets) if len(digits.lstrip("0")) > _MAX_DIGITS), None)
    if big is not None:
        ctx.problem(f"offset {big[:12]}... ({len(big):,} digits) is outside the text of length {len(text)}",
                    line=number, path=ann, code="E003")
        return None
    pairs = [piece.split(" ") for piece in offsets.split(";")]
    return [(int(start.lstrip("0") or "0"), int(end.lstrip("0") or "0"))  # int() counts leading zeros
            for start, end in pairs]


def _joined_by_white_space(text: str, pieces: list[tuple[int, int]]) -> bool:
    """Pieces in order with only white space between them: one span that brat split at line breaks."""
    return all(end <= next_start <= len(text) and not text[end:next_start].strip()
               for (_, end), (next_start, _) in zip(pieces, pieces[1:], strict=False))


_DISCONTINUOUS = "discontinuous"  # what _t_line_span returns for a span in pieces with text between them


def _t_line_span(ctx: ReadContext, text: str, line: str, number: int,
                 ann: Path) -> Span | dict[str, Any] | str | None:
    """The span of one ``T`` line, a discontinuous span to keep (``brat_links``), ``_DISCONTINUOUS`` for one
    brat would refuse, or ``None`` after recording a problem."""
    fields = line.split("\t")
    if len(fields) < 2:
        ctx.problem(f"a T line needs ID<TAB>Label START END<TAB>text, got {line!r:.60}", line=number, path=ann)
        return None
    match = _T_FIELD.match(fields[1])
    if match is None:
        ctx.problem(f"expected 'Label START END', got {fields[1]!r:.60}", line=number, path=ann)
        return None
    pieces = _pieces(ctx, text, match.group(2), number, ann)
    if pieces is None:
        return None
    label, start, end = match.group(1), pieces[0][0], pieces[-1][1]
    mention = "\t".join(fields[2:]) if len(fields) > 2 else None
    if not _joined_by_white_space(text, pieces):
        return discontinuous_entry(label, pieces, mention, text) or _DISCONTINUOUS
    if mention is not None and 0 <= start < end <= len(text) and mention in (
            _one_line(text[start:end]), _PIECE_SEPARATOR.join(text[a:b] for a, b in pieces)):
        mention = text[start:end]  # brat writes pieces of a span across lines; older files wrote breaks as spaces
    return ctx.make_span(text, start, end, label, mention=mention, line=number, path=ann)


def _event_triggers(lines: list[str]) -> set[str]:
    """The ids of the ``T`` lines that ``E`` lines name as their trigger (``E1<TAB>Type:T6 Role:T1``)."""
    triggers = set()
    for line in lines:
        fields = line.split("\t")
        if line.startswith("E") and len(fields) >= 2 and ":" in fields[1].split(" ")[0]:
            triggers.add(fields[1].split(" ")[0].split(":", 1)[1])
    return triggers


def _ann_spans(ctx: ReadContext, text: str, ann: Path,
               skipped: _Skipped) -> tuple[list[Span], list[dict[str, Any]]] | None:
    """The spans of one ``.ann`` file and the lines kept with them (relations, attributes, normalisations,
    notes: ``brat_links``), or ``None`` after recording its problems."""
    lines = [raw[:-1] if raw.endswith("\r") else raw for raw in ctx.read_text(ann).split("\n")]
    triggers = _event_triggers(lines)
    spans, ok, others, others_kept = [], True, [], []
    spans_by_id: dict[str, list[Any]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if not line.startswith("T"):
            others.append(line)
            continue
        if line.split("\t")[0] in triggers:
            skipped.triggers += 1
            continue
        span = _t_line_span(ctx, text, line, number, ann)
        if span == _DISCONTINUOUS:
            skipped.discontinuous += 1
        elif isinstance(span, dict):  # kept and written back, not shown
            skipped.kept_discontinuous += 1
            others_kept.append(span)
            spans_by_id[line.split("\t")[0]] = span["key"]
        elif isinstance(span, Span):
            spans.append(span)
            spans_by_id[line.split("\t")[0]] = [span.start, span.end, span.label]
        else:
            ok = False
    kept = [entry for entry in (kept_line(line, spans_by_id) for line in others) if entry is not None]
    skipped.other += len(others) - len(kept)
    return (spans, others_kept + kept) if ok else None


def _conf_entity_types(ctx: ReadContext, root: Path) -> list[str]:
    """The entity types the collection's ``annotation.conf`` files declare (brat's ``[entities]`` section, one
    type a line, indented under its parent; ``!`` marks a type that only groups others), so that the labels no
    span uses yet come in too."""
    names: list[str] = []
    confs = [root / "annotation.conf"] if not ctx.path.is_dir() else sorted(root.rglob("annotation.conf"))
    for conf in confs:
        if not conf.is_file():
            continue
        _confined([conf], root)
        section = None
        for line in ctx.read_text(conf).splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1].strip()
            elif section == "entities" and not stripped.startswith(("!", "<")):
                names.append(stripped.split()[0])
    return names


def read_brat(ctx: ReadContext) -> list[Document]:
    root = ctx.path if ctx.path.is_dir() else ctx.path.parent
    ctx.declared_labels.extend(_conf_entity_types(ctx, root))
    docs = []
    skipped = _Skipped()
    for txt, ann in _pairs(ctx.path):
        text = _read_brat_text(ctx, txt)
        name = str(txt.relative_to(root).with_suffix("")) if txt.is_relative_to(root) else txt.stem
        if ann is None:
            skipped.missing_ann += 1
            docs.append(Document(text=text, name=name))
            continue
        read = _ann_spans(ctx, text, ann, skipped)
        if read is not None:
            docs.append(Document(text=text, spans=read[0], name=name, meta={LINKS_KEY: read[1]} if read[1] else {}))
    if skipped.kept_discontinuous:
        kept = skipped.kept_discontinuous
        ctx.warn(f"{counted(kept, 'discontinuous span')} (START END;START END) {by_count(kept, 'is', 'are')} not "
                 "shown (nerdesk spans are continuous): kept in the documents' metadata and written back by a brat export")
    if skipped.discontinuous:
        ctx.warn(f"{counted(skipped.discontinuous, 'discontinuous span')} (START END;START END) "
                 f"{by_count(skipped.discontinuous, 'was', 'were')} skipped: its pieces are outside the text or its "
                 "mention is not their text")
    if skipped.triggers:
        ctx.warn(f"{counted(skipped.triggers, 'event trigger')} (a T line an E line names) "
                 f"{by_count(skipped.triggers, 'was', 'were')} skipped: it marks an event, not an entity")
    if skipped.other:
        ctx.warn(f"{counted(skipped.other, 'line')} (events, or what annotates annotations nerdesk does not read) "
                 f"{by_count(skipped.other, 'was', 'were')} skipped: nerdesk keeps T lines and the relations, "
                 "attributes, normalisations and notes of the T lines it reads")
    if skipped.missing_ann:
        ctx.warn(f"{counted(skipped.missing_ann, '.txt file')} {by_count(skipped.missing_ann, 'has', 'have')} no "
                 f".ann beside {by_count(skipped.missing_ann, 'it', 'them')}: imported without spans")
    return docs


_NOT_IN_BRAT_TYPE = re.compile(r"\s|[\x00-\x2c./:-@\[-^`{-\x7f]")  # ASCII but letters, digits, _ and -


def _t_line(number: int, label: str, span: Span, text: str) -> str | None:
    """``T<number>`` for ``span``, in pieces between line breaks and tabs as brat's editor writes a span across
    lines; ``None`` for a span of nothing but breaks, which brat cannot hold."""
    pieces = [(match.start(), match.end()) for match in _UNBROKEN.finditer(text, span.start, span.end)]
    if not pieces:
        return None
    offsets = ";".join(f"{start} {end}" for start, end in pieces)
    return f"T{number}\t{label} {offsets}\t{_PIECE_SEPARATOR.join(text[start:end] for start, end in pieces)}"


def brat_type(label: str) -> str:
    """``label`` as brat can name a type: brat's annotation.conf keeps only letters a-z and A-Z, digits, ``_``
    and ``-`` of a type's name, reading "ORG.Commercial" as "ORG_Commercial", which then no longer names the
    type of the spans. Other ASCII characters and spaces become ``_``; letters beyond ASCII are left as they
    are (brat reads "人名" as "__", as it reads "地名": renaming them would merge labels)."""
    return _NOT_IN_BRAT_TYPE.sub("_", label)


@dataclass
class _WriteTally:
    """What ``write_brat`` had to change or leave out, for its warnings."""

    renamed: int = 0  # spans whose label brat's type names cannot hold
    trimmed: int = 0  # spans written without a line break or tab at an edge
    unwritable: int = 0  # spans of line breaks or tabs only
    gone: int = 0  # relation, attribute, normalisation or note lines naming spans no longer there


def write_brat(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    if path.suffix in (".txt", ".ann"):
        raise FormatError("brat writes a directory of .txt and .ann files: give a directory path", path=str(path), code="E125")
    if path.exists() and not path.is_dir():
        raise FormatError("exists and is not a directory", path=str(path), code="E125")
    chosen = ctx.spans_to_write(documents, "brat")
    before = {p.name for p in path.glob("*") if p.suffix in (".txt", ".ann")} if path.is_dir() else set()
    written: set[str] = set()
    labels: list[str] = list(ctx.labels.names) if ctx.labels is not None else []
    tally = _WriteTally()
    for name, doc, spans in zip(unique_stems(documents), documents, chosen, strict=True):
        written.update((f"{name}.txt", f"{name}.ann"))
        lines = _ann_lines(doc, spans, labels, tally)
        atomic_write_text(path / f"{name}.txt", doc.text)
        atomic_write_text(path / f"{name}.ann", "".join(line + "\n" for line in lines))
    _warn_written(ctx, tally, labels)
    warn_stale_files(ctx, path, sorted(before - written), ".txt or .ann file", ".txt and .ann files")
    _write_conf(path, labels, documents)


def _ann_lines(doc: Document, spans: list[Span], labels: list[str], tally: _WriteTally) -> list[str]:
    """The .ann lines of one document: a T line per span, then the lines that link them (``LINKS_KEY``);
    ``labels`` gains the types it meets."""
    lines: list[str] = []
    t_ids: dict[tuple[Any, ...], str] = {}
    for span in spans:
        label = brat_type(span.label)
        tally.renamed += label != span.label
        if label not in labels:
            labels.append(label)
        line = _t_line(len(lines) + 1, label, span, doc.text)
        if line is None:
            tally.unwritable += 1
            continue
        mention = span.mention(doc.text)
        tally.trimmed += _BREAKS.match(mention[0]) is not None or _BREAKS.match(mention[-1]) is not None
        t_ids.setdefault(span.key, line.split("\t")[0])
        lines.append(line)
    labels += [label for label in dict.fromkeys(discontinuous_types(doc.meta.get(LINKS_KEY))) if label not in labels]
    linked, missing = written_lines(doc.meta.get(LINKS_KEY), t_ids, len(lines) + 1)
    tally.gone += missing
    return lines + linked


def _warn_written(ctx: WriteContext, tally: _WriteTally, labels: list[str]) -> None:
    renamed, trimmed, unwritable, gone = tally.renamed, tally.trimmed, tally.unwritable, tally.gone
    if renamed:
        ctx.warn(f"{counted(renamed, 'span')} {by_count(renamed, 'has a label', 'have labels')} with spaces or "
                 "other characters brat's type names cannot hold (only letters, digits, '_' and '-'): written with "
                 "'_' instead")
    beyond_ascii = [label for label in labels if not label.isascii()]
    if beyond_ascii:
        ctx.warn(f"{counted(len(beyond_ascii), 'label')} ({', '.join(beyond_ascii[:3])}) "
                 f"{by_count(len(beyond_ascii), 'has', 'have')} letters beyond ASCII, which brat's annotation.conf "
                 "does not take in a type's name: brat will not know the type of their spans")
    if trimmed:
        ctx.warn(f"{counted(trimmed, 'span')} {by_count(trimmed, 'begins or ends', 'begin or end')} with a line "
                 "break or tab: written without it, as brat's editor does")
    if unwritable:
        ctx.warn(f"{counted(unwritable, 'span')} of line breaks or tabs only {by_count(unwritable, 'was', 'were')} "
                 "not written: brat cannot hold them")
    if gone:
        ctx.warn(f"{counted(gone, 'relation, attribute, normalisation or note line')} {by_count(gone, 'names', 'name')} "
                 f"spans no longer there and {by_count(gone, 'was', 'were')} not written")


def _write_conf(path: Path, labels: list[str], documents: list[Document]) -> None:
    relations, attributes = conf_sections([doc.meta.get(LINKS_KEY) for doc in documents])
    conf = "[entities]\n" + "".join(brat_type(name) + "\n" for name in labels)
    conf += "\n[relations]\n" + "".join(line + "\n" for line in relations)
    conf += "\n[events]\n\n[attributes]\n" + "".join(line + "\n" for line in attributes)
    atomic_write_text(path / "annotation.conf", conf)


SPECS = (
    FormatSpec(
        name="brat", reader=read_brat, writer=write_brat, extensions=(".ann",), lossy=True,
        description="brat standoff: a directory of NAME.txt + NAME.ann (T lines)",
        keeps="text exactly (a leading U+FEFF too), gold spans (nested too), document names; discontinuous spans "
              "(not shown), relations, equivalences, attributes, normalisations and notes (written back)",
        loses="events (on import); discontinuous spans as spans nerdesk shows; predictions, status, metadata; "
              "spaces and ASCII signs but '-' and '_' in labels become '_' (brat's type names); line breaks and tabs at a span's edges",
        offsets=CODE_POINTS + " (\\r\\n counts 2)", aliases=("standoff",)),
)
