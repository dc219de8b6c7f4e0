"""What every import and export goes through, whatever the format: the reader or writer of the registry,
plus the checks and clean-ups around it (all-or-nothing problems, duplicate spans, line breaks, labels)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError, SpanError
from nerdesk.core.labels import LabelSet
from nerdesk.core.spans import Span, dedupe
from nerdesk.core.text_checks import first_problem
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import COMMON_WRITE_OPTIONS, ImportResult, ReadContext, WriteContext
from nerdesk.formats.registry import FORMATS, detect_format, resolve_format

NEWLINES = ("keep", "normalize")


# -- reading -----------------------------------------------------------------------------------------

def normalize_newlines(doc: Document) -> tuple[Document, int, int]:
    """``\\r\\n`` -> ``\\n`` in the text with span offsets shifted; returns (doc, breaks, spans dropped)."""
    removed = [m.start() for m in re.finditer("\r\n", doc.text)]
    if not removed:
        return doc, 0, 0

    def shift(offset: int) -> int:
        return offset - bisect.bisect_left(removed, offset)

    spans, dropped = [], 0
    for span in doc.spans:
        start, end = shift(span.start), shift(span.end)
        if start >= end:
            dropped += 1
            continue
        spans.append(Span(start, end, span.label, span.source, span.score, span.model_version))
    doc.text = doc.text.replace("\r\n", "\n")
    doc.spans = spans
    return doc, len(removed), dropped


def _checked_newline(newline: str) -> str:
    newline = "normalize" if newline == "normalise" else newline
    if newline not in NEWLINES:
        raise FormatError(f"newline={newline!r} is not one of {', '.join(NEWLINES)}", code="E108")
    return newline


def _run_reader(name: str, ctx: ReadContext) -> list[Document]:
    """The format's reader, with anything but a ``NerdeskError`` turned into a ``FormatError``."""
    try:
        documents = FORMATS[name].reader(ctx)
    except NerdeskError:
        raise
    except RecursionError as error:
        raise FormatError("the file is nested too deeply to read", path=str(ctx.path), code="E111") from error
    except Exception as error:  # noqa: BLE001 - malformed input must end in a NerdeskError
        raise FormatError(f"could not read the file as {name}: {type(error).__name__}: {error}",
                          path=str(ctx.path), code="E118") from error
    if ctx.problems:
        raise ImportProblems(ctx.problems)
    return documents


def _drop_duplicate_spans(documents: list[Document]) -> list[str]:
    duplicates = 0
    for doc in documents:
        kept = dedupe(doc.spans)
        duplicates += len(doc.spans) - len(kept)
        doc.spans = kept
    return [f"{counted(duplicates, 'duplicate span')} (same position, label and source) "
            f"{by_count(duplicates, 'was', 'were')} kept once"] if duplicates else []


def _normalize_all(documents: list[Document]) -> list[str]:
    breaks = dropped = 0
    for doc in documents:
        _, doc_breaks, doc_dropped = normalize_newlines(doc)
        breaks += doc_breaks
        dropped += doc_dropped
    warnings = []
    if breaks:
        warnings.append(f"normalised {counted(breaks, 'line break')} from \\r\\n to \\n; span offsets were shifted "
                        "to match")
    if dropped:
        warnings.append(f"{counted(dropped, 'span')} covered only a removed \\r and {by_count(dropped, 'was', 'were')} "
                        "dropped")
    return warnings


def read_file(path: str | Path, format: str | None = None, *, encoding: str | None = None,
              newline: str = "keep", **options: Any) -> ImportResult:
    """Read one file (or brat directory). Raises ``FormatError`` or ``ImportProblems``; imports all or nothing.

    ``options`` go to the reader: ``split`` for text, ``level`` for conll.
    """
    path = Path(path)
    newline = _checked_newline(newline)
    if not path.exists():
        raise FormatError("no such file or directory", path=str(path), code="E104")
    name = resolve_format(format) if format is not None else detect_format(path, encoding=encoding)
    ctx = ReadContext(path, encoding=encoding, options=options)
    documents = _run_reader(name, ctx)
    _refuse_unstorable(documents, path)
    warnings = [*ctx.warnings, *ctx.closing_warnings(), *_drop_duplicate_spans(documents)]
    if newline == "normalize":
        warnings.extend(_normalize_all(documents))
    if not documents:
        warnings.append("the file holds no documents")
    elif format is not None:
        warnings.extend(_forced_format_warning(path, name, documents, encoding))
    labels = list(dict.fromkeys([*ctx.declared_labels, *(s.label for doc in documents for s in doc.spans)]))
    return ImportResult(documents=documents, labels=labels, warnings=warnings, format=name,
                        encoding=", ".join(ctx.encodings) or (encoding or "utf-8"))


def _refuse_unstorable(documents: list[Document], path: Path) -> None:
    """Raise ``ImportProblems`` naming each document whose text, name or metadata cannot be stored (a lone
    surrogate, which UTF-8 cannot write), with the file and the document's number in it."""
    problems = [FormatError(problem, path=str(path), record=number, code="E233")
                for number, doc in enumerate(documents, start=1)
                if (problem := first_problem((("text", doc.text), ("name", doc.name), ("meta", doc.meta))))]
    if problems:
        raise ImportProblems(problems)


def _forced_format_warning(path: Path, name: str, documents: list[Document], encoding: str | None) -> list[str]:
    """A warning when a format passed explicitly read no span from a file that looks like another format."""
    if name == "text" or any(doc.spans for doc in documents):
        return []
    try:
        detected = detect_format(path, encoding=encoding)
    except NerdeskError:
        return []
    if detected in (name, "text"):
        return []
    return [f"read as {name}, the file gave no spans, but it looks like {detected}: if it has annotations, "
            f"import it with --format {detected} (or without --format)"]


def read_files(paths: Iterable[str | Path] | str | Path, format: str | None = None, *,
               encoding: str | None = None, newline: str = "keep", **options: Any) -> ImportResult:
    """Read several files; if any of them has a problem, nothing is imported and all problems are raised.

    A lone problem with a whole file (missing, unreadable, of no known format) is raised as itself, with its
    own code (``E104``...), rather than as one "bad record" inside ``ImportProblems``.
    """
    listed = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
    given = set(listed)  # a brat pair given as NAME.txt and NAME.ann is one document
    listed = [p for p in listed if not (p.suffix == ".ann" and p.with_suffix(".txt") in given)]
    if not listed:
        raise FormatError("no files to read", code="E120")
    results: list[tuple[Path, ImportResult]] = []
    problems: list[FormatError] = []
    file_problem: FormatError | None = None
    for path in listed:
        try:
            results.append((path, read_file(path, format, encoding=encoding, newline=newline, **options)))
        except ImportProblems as error:
            problems.extend(error.problems)
        except FormatError as error:
            problems.append(error if error.path else FormatError(error.reason, path=str(path), code=error.code))
            file_problem = problems[-1]
    if len(problems) == 1 and problems[0] is file_problem:
        raise file_problem
    if problems:
        raise ImportProblems(problems)
    return results[0][1] if len(results) == 1 else _merged(results)


def _merged(results: list[tuple[Path, ImportResult]]) -> ImportResult:
    documents: list[Document] = []
    labels: list[str] = []
    warnings: list[str] = []
    formats: list[str] = []
    encodings: list[str] = []
    for path, result in results:
        documents.extend(result.documents)
        labels.extend(label for label in result.labels if label not in labels)
        warnings.extend(f"{path.name}: {w}" for w in result.warnings)
        formats.extend(f for f in [result.format] if f not in formats)
        encodings.extend(e for e in result.encoding.split(", ") if e not in encodings)
    return ImportResult(documents=documents, labels=labels, warnings=warnings, format=", ".join(formats),
                        encoding=", ".join(encodings))


# -- writing -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WriteResult:
    """What an export wrote: warnings about what was not kept, and how many spans the file holds."""

    warnings: list[str]
    spans: int


def write_file(documents: Iterable[Document], path: str | Path, format: str, *, labels: LabelSet | None = None,
               **options: Any) -> list[str]:
    """Write ``documents`` as ``format`` (atomically, UTF-8) and return warnings about what was not kept."""
    return write_documents(documents, path, format, labels=labels, **options).warnings


def write_documents(documents: Iterable[Document], path: str | Path, format: str, *,
                    labels: LabelSet | None = None, **options: Any) -> WriteResult:
    """``write_file``, also counting the spans the file holds: a one-kind format (``source``) writes only
    the spans of that kind, and some formats drop spans they cannot represent."""
    name = resolve_format(format)
    spec = FORMATS[name]
    if spec.adapt_write_options is not None:
        options = spec.adapt_write_options(format, Path(path), options)
    allowed = spec.write_options | COMMON_WRITE_OPTIONS
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise FormatError(f"{name} has no option {', '.join(unknown)}; its options: {', '.join(sorted(allowed))}", code="E108")
    documents = list(documents)
    for index, doc in enumerate(documents, start=1):
        if not isinstance(doc, Document) or not isinstance(doc.text, str):
            raise FormatError(f"document {index} is not a Document with a text", code="E114")
        try:
            doc.validate()
        except SpanError as error:
            raise FormatError(f"document {index} ({doc.title(30)!r}): {error}", code="E114") from error
    ctx = WriteContext(options=options, labels=labels)
    spec.writer(documents, Path(path), ctx)
    written = ctx.spans_written
    return WriteResult(ctx.warnings, sum(len(doc.spans) for doc in documents) if written is None else written)
