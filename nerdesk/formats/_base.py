"""Shared machinery of the format readers and writers.

A reader gets a :class:`ReadContext` (the path, decoded text on demand, a list for warnings and one for
problems) and returns documents; a writer gets a :class:`WriteContext` and writes atomically.
Readers never raise on a bad record: they call :meth:`ReadContext.problem` and go on, so that one
import reports every bad record at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

from nerdesk.core.document import STATUSES, Document, Status
from nerdesk.core.errors import FormatError, SpanError
from nerdesk.core.json_values import is_int
from nerdesk.core.labels import LabelSet, label_name_problem
from nerdesk.core.spans import GOLD, PRED, Source, Span, dedupe, validate_span
from nerdesk.core.text_checks import shown
from nerdesk.core.wording import by_count, counted
from nerdesk.formats.encoding import check_input_file, decode_bytes
from nerdesk.formats.json_records import array_items, value_stream

# Options every writer accepts: which spans to write where the format keeps only one kind.
COMMON_WRITE_OPTIONS = frozenset({"source"})
BYTE_ORDER_MARK = "\ufeff"  # U+FEFF: a file saved with one starts with it, so in files joined, a line does
SOURCES = ("gold", "pred", "all")


@dataclass
class ImportResult:
    documents: list[Document]
    labels: list[str]
    warnings: list[str]
    format: str
    encoding: str


CODE_POINTS = "code points, end exclusive"
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # where str.splitlines() breaks


class Where(TypedDict, total=False):
    """Where a record is: its line and record number (from 1), and its file when not the one being read."""

    line: int | None
    record: int | None
    path: Path | str | None


@dataclass(frozen=True, kw_only=True)
class FormatSpec:
    """What a format module declares about itself (in its ``SPECS``); ``nerdesk.formats`` only collects them."""

    name: str
    reader: Callable[[ReadContext], list[Document]]
    writer: Callable[[list[Document], Path, WriteContext], None]
    extensions: tuple[str, ...]
    description: str
    lossy: bool
    keeps: str
    loses: str
    offsets: str
    write_options: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    # Suffixes several formats share for which this format is the one written (``out.json`` -> nerdesk-json).
    default_for_suffixes: tuple[str, ...] = ()
    # ``(format name as asked, output path, options) -> options``: lets a name or suffix choose an option.
    adapt_write_options: Callable[[str, Path, dict[str, Any]], dict[str, Any]] | None = None


class ReadContext:
    """What a reader needs: the path, decoding, and places to put warnings and problems."""

    def __init__(self, path: Path, *, encoding: str | None = None, options: dict[str, Any] | None = None):
        self.path = path
        self.encoding = encoding
        self.options = dict(options or {})
        self.warnings: list[str] = []
        self.problems: list[FormatError] = []
        self.encodings: list[str] = []
        self.declared_labels: list[str] = []  # labels a file lists besides those its spans use
        self.unscored: list[str] = []  # where a score outside 0..1 was left out (its span kept)

    # -- input ---------------------------------------------------------------------------------
    def read_text(self, path: Path | None = None) -> str:
        path = self.path if path is None else path
        check_input_file(path)  # a device such as /dev/zero would be read forever
        try:
            data = Path(path).read_bytes()
        except IsADirectoryError as error:
            raise FormatError("is a directory, not a file", path=str(path), code="E105") from error
        except OSError as error:
            raise FormatError(f"cannot read the file: {error.strerror or error}", path=str(path), code="E105") from error
        text, used = decode_bytes(data, self.encoding, path=str(path))
        if used not in self.encodings:
            self.encodings.append(used)
        return text

    def option(self, name: str, default: Any = None, choices: tuple[Any, ...] | None = None) -> Any:
        value = self.options.get(name, default)
        if choices is not None and value not in choices:
            raise FormatError(f"option {name}={value!r} is not one of {', '.join(map(repr, choices))}", code="E108")
        return value

    # -- reporting -----------------------------------------------------------------------------
    def problem(self, reason: str, *, line: int | None = None, record: int | None = None,
                path: Path | str | None = None, code: str = "E110") -> None:
        """Record a bad record (``E110`` unless a more precise code is given) and go on reading.

        A line break that the reason quotes from the file (a label or a field name) is written as an escape,
        so that each problem prints on one line."""
        reason = _LINE_BREAKS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), reason)
        self.problems.append(FormatError(reason, path=str(path or self.path), line=line, record=record, code=code))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def closing_warnings(self) -> list[str]:
        """What the reading as a whole left out, said once at its end."""
        if not self.unscored:
            return []
        count = len(self.unscored)
        return [f"{counted(count, 'span')} had a score outside 0..1 (the first: {self.unscored[0]}), so "
                f"{by_count(count, 'it was', 'they were')} imported without {by_count(count, 'its score', 'scores')}"]

    # -- validation helpers --------------------------------------------------------------------
    def make_span(self, text: str, start: Any, end: Any, label: Any, *, mention: Any = None,
                  line: int | None = None, record: int | None = None, source: Source = GOLD,
                  score: Any = None, model_version: Any = None, path: Path | str | None = None) -> Span | None:
        """A checked span, or ``None`` after recording a problem."""
        where: Where = {"line": line, "record": record, "path": path}
        if not is_int(start) or not is_int(end):
            self.problem(f"span offsets must be integers, got start={start!r} end={end!r}", code="E001", **where)
            return None
        if not isinstance(label, str) or not label.strip():
            self.problem(f"span {start}..{end} has no label (got {label!r})", code="E002", **where)
            return None
        if problem := label_name_problem(label):
            self.problem(f"label name {shown(label)} {problem}", code="E011", **where)
            return None
        if mention is not None and not isinstance(mention, str):
            self.problem(f"span {start}..{end} ({label}): mention must be a string, got {mention!r}", **where)
            return None
        if score is not None and (not isinstance(score, int | float) or isinstance(score, bool)
                                  or score != score):
            self.problem(f"span {start}..{end} ({label}): score must be a number, got {score!r}", **where)
            return None
        if score is not None and not 0.0 <= score <= 1.0:
            self.unscored.append(f"{score!r}" + (f" on line {line}" if line else f" in record {record}" if record else ""))
            score = None
        if model_version is not None and not isinstance(model_version, str):
            model_version = str(model_version)
        span = Span(start, end, label, source,
                    float(score) if score is not None else None, model_version)
        try:
            validate_span(span, text, mention=mention)
        except SpanError as error:
            self.problem(str(error), code=error.code or "E110", **where)
            return None
        return span


@dataclass
class WriteContext:
    """What a writer is given and reports back: its options, warnings, and how many spans the file holds.

    ``spans_written`` stays None for a writer that writes every span it is given; ``spans_to_write``
    sets it, and a writer that drops more (unaligned, flattened) takes those off with ``not_written``.
    """

    options: dict[str, Any]
    labels: LabelSet | None = None
    warnings: list[str] = field(default_factory=list)
    spans_written: int | None = None

    def option(self, name: str, default: Any = None, choices: tuple[Any, ...] | None = None) -> Any:
        value = self.options.get(name, default)
        if choices is not None and value not in choices:
            raise FormatError(f"option {name}={value!r} is not one of {', '.join(map(repr, choices))}", code="E108")
        return value

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def not_written(self, spans: int) -> None:
        """Take ``spans`` chosen by ``spans_to_write`` but left out of the file off the written count."""
        if self.spans_written is not None:
            self.spans_written -= spans

    def spans_to_write(self, documents: list[Document], format_name: str) -> list[list[Span]]:
        """Per document, the spans a gold-only format writes (``source`` option), warning about the rest."""
        source = self.option("source", "gold", SOURCES)
        chosen, left_out = [], 0
        for doc in documents:
            if source == "all":
                keep = dedupe(span.as_gold() for span in doc.spans)  # one span per position and label
                left_out += len(doc.spans) - len(keep)
            else:
                wanted = GOLD if source == "gold" else PRED
                keep = [s for s in doc.spans if s.source == wanted]
                written = {s.key for s in keep}  # a span whose twin of the other kind is written is not lost
                left_out += sum(s.source != wanted and s.key not in written for s in doc.spans)
            chosen.append(sorted(keep, key=lambda s: (s.start, -s.end, s.label)))
        self.spans_written = sum(len(spans) for spans in chosen)
        if left_out:
            other = "predicted" if source == "gold" else "gold" if source == "pred" else "duplicate"
            self.warn(f"{counted(left_out, other + ' span')} {by_count(left_out, 'was', 'were')} not written: "
                      f"{format_name} keeps one kind of span (source={source!r}; choose source 'pred' or 'all', "
                      f"--source on the command line, to write the others)")
        if source != "gold" and any(s.score is not None for spans in chosen for s in spans):
            self.warn(f"prediction scores and model versions are not kept in {format_name}")
        return chosen


# -- JSON helpers ------------------------------------------------------------------------------------

def loads_document(text: str, ctx: ReadContext) -> Any:
    """Parse a whole-file JSON document, turning any parse error into a ``FormatError`` with a line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not valid JSON: {error.msg} (column {error.colno})", path=str(ctx.path),
                          line=error.lineno, code="E111") from error
    except RecursionError as error:
        raise FormatError("JSON is nested too deeply to read", path=str(ctx.path), code="E111") from error
    except ValueError as error:  # an integer longer than Python converts
        raise FormatError(f"cannot read this JSON: {error}", path=str(ctx.path), code="E111") from error


def iter_json_lines(text: str, ctx: ReadContext) -> Iterator[tuple[int, Any]]:
    """``(line_number, value)`` for each record; bad lines become problems.

    Records are JSON lines, or the items of one JSON array, or objects printed over several lines
    each: detection accepts all three (``json_records``).
    """
    opening = text.lstrip()[:1]
    items = array_items(text) if opening == "[" else None
    if items is not None:
        yield from items
        return
    parsed = _parsed_lines(text)
    bad_line = any(isinstance(entry, str) for entry in parsed.values())
    if opening == "[" and bad_line:
        loads_document(text, ctx)  # raises, naming the line and column where the array breaks
    if opening == "{" and bad_line:
        stream = value_stream(text)
        if stream is not None:
            yield from stream
            return
    for number, entry in parsed.items():
        if isinstance(entry, str):
            ctx.problem(entry, line=number, code="E111")
        else:
            yield number, entry[0]


def _parsed_lines(text: str) -> dict[int, tuple[Any] | str]:
    """Each non-blank line's number and its value (in a 1-tuple), or why it is not JSON. A byte-order mark
    before a line's JSON is left out: files saved with one and joined (``cat a.jsonl b.jsonl``) have it
    at the start of each file's first line, where it cannot be part of a value."""
    parsed: dict[int, tuple[Any] | str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            parsed[number] = (json.loads(line.removeprefix(BYTE_ORDER_MARK)),)
        except json.JSONDecodeError as error:
            parsed[number] = f"not valid JSON: {error.msg} (column {error.colno})"
        except RecursionError:
            parsed[number] = "JSON is nested too deeply to read"
        except ValueError as error:  # an integer longer than Python converts
            parsed[number] = f"cannot read this JSON: {error}"
    return parsed


def dumps(value: Any, *, indent: int | None = None) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise FormatError(f"cannot write as JSON: {error} (document metadata must be plain JSON values)", code="E121") from error


def check_text(value: Any, ctx: ReadContext, *, line: int | None = None, record: int | None = None,
               key: str = "text") -> str | None:
    if not isinstance(value, str):
        ctx.problem(f"{key!r} must be a string, got {type(value).__name__}", line=line, record=record)
        return None
    return value


def check_status(value: Any, ctx: ReadContext, where: Where) -> Status:
    if value is None:
        return "new"
    if value not in STATUSES:
        ctx.problem(f"status {value!r} is not one of {', '.join(STATUSES)}", **where)
        return "new"
    return cast(Status, value)


def extra_meta(record: dict[str, Any], known: set[str]) -> dict[str, Any]:
    """Keys of a record that a format does not interpret, kept in ``Document.meta``."""
    return {k: v for k, v in record.items() if k not in known}


def meta_for_record(doc: Document, reserved: set[str]) -> dict[str, Any]:
    """The document's meta entries that may be written as extra keys of a record."""
    return {k: v for k, v in doc.meta.items() if isinstance(k, str) and k not in reserved}


def json_line_records(ctx: ReadContext) -> Iterator[tuple[Where, Any]]:
    """``(where, record)`` for each JSON line, ``where`` naming its line and record number."""
    for record_no, (line, record) in enumerate(iter_json_lines(ctx.read_text(), ctx), start=1):
        yield {"line": line, "record": record_no}, record


def record_text(record: Any, ctx: ReadContext, where: Where) -> str | None:
    """The ``text`` of a JSON-object record, or ``None`` after recording why the record is unusable."""
    if not isinstance(record, dict):
        ctx.problem(f"a record must be a JSON object, got {type(record).__name__}", **where)
        return None
    return check_text(record.get("text"), ctx, line=where.get("line"), record=where.get("record"))


def read_entity_list_records(
    records: Iterable[tuple[Where, Any]],
    ctx: ReadContext,
    *,
    list_key: str,
    known_keys: set[str],
    span_of: Callable[[dict[str, Any], str, Where], Span | None],
    name_of: Callable[[dict[str, Any]], str | None] = lambda record: None,
) -> list[Document]:
    """Documents from records shaped ``{"text": ..., LIST_KEY: [{...one entity...}, ...]}``.

    The shape CMeEE, GENIA and spaCy share. ``span_of(entity, text, where)`` returns a checked span,
    or ``None`` after recording a problem; a record with any problem yields no document.
    """
    docs = []
    for where, record in records:
        text = record_text(record, ctx, where)
        if text is None:
            continue
        entities = record.get(list_key)
        if entities is None:
            entities = []
        if not isinstance(entities, list):
            ctx.problem(f"{list_key!r} must be a list", **where)
            continue
        spans, ok = [], True
        for entity in entities:
            if isinstance(entity, dict):
                span = span_of(entity, text, where)
            else:
                ctx.problem(f"an item of {list_key!r} must be an object, got {entity!r:.60}", **where)
                span = None
            if span is None:
                ok = False
            else:
                spans.append(span)
        if ok:
            docs.append(Document(text=text, spans=spans, name=name_of(record),
                                 meta=extra_meta(record, known_keys)))
    return docs
