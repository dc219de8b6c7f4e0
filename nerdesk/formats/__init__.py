"""Import and export of every file format nerdesk reads and writes.

``read_file`` / ``read_files`` turn files into ``Document``s (all-or-nothing: a file with any bad
record imports nothing and raises ``ImportProblems`` listing every bad record), ``write_file`` writes
documents atomically as UTF-8 and returns warnings about anything the format could not keep.
``FORMATS`` describes each format (reader, writer, extensions, what it keeps and loses, offsets).
Inside nerdesk offsets are code points, end exclusive; each format converts at its border.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError, SpanError
from nerdesk.core.labels import LabelSet
from nerdesk.core.spans import Span
from nerdesk.formats import brat, conll, corpora, detect, doccano, label_studio, native, prodigy, text
from nerdesk.formats._base import (
    COMMON_WRITE_OPTIONS,
    FormatSpec,
    ImportResult,
    ReadContext,
    WriteContext,
    atomic_write_text,
)
from nerdesk.formats.encoding import decode_bytes

__all__ = [
    "FORMATS", "FormatSpec", "ImportResult", "atomic_write_text", "decode_bytes", "detect_format",
    "format_for_suffix",
    "normalize_newlines", "read_file", "read_files", "resolve_format", "write_file",
]

_CP = "code points, end exclusive"

FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("nerdesk-json", native.read_json, native.write_json, (".json",),
                   'nerdesk\'s own export: {"format": "nerdesk", "version": 1, "labels", "documents"}', False,
                   frozenset({"indent"}),
                   keeps="everything: text, gold and predicted spans with score and model version, labels "
                         "(also unused ones), name, status, meta, split, id",
                   loses="label colours and shortcut keys", offsets=_CP),
        FormatSpec("jsonl", native.read_jsonl, native.write_jsonl, (".jsonl", ".ndjson"),
                   "one nerdesk document per line", False,
                   keeps="as nerdesk-json, one document per line", loses="labels that no span uses",
                   offsets=_CP),
        FormatSpec("text", text.read_text, text.write_text, (".txt",),
                   "plain text: one document per line, paragraph or file (option split)", True,
                   frozenset({"split"}),
                   keeps="the text of each document", loses="all spans and metadata; line breaks inside a "
                   "document with split='line'", offsets="none"),
        FormatSpec("cluener", corpora.read_cluener, corpora.write_cluener, (".json", ".jsonl"),
                   'CLUENER2020 JSON lines: {"text", "label": {TYPE: {MENTION: [[s, e]]}}}', True,
                   keeps="text, gold spans (nested too), other keys such as id",
                   loses="predictions (unless source='pred'), scores, name, status",
                   offsets="code points, end INCLUSIVE"),
        FormatSpec("cmeee", corpora.read_cmeee, corpora.write_cmeee, (".json",),
                   'CMeEE / CBLUE JSON array: {"text", "entities": [{"start_idx", "end_idx", "type", '
                   '"entity"}]}', True, frozenset({"indent"}),
                   keeps="text, gold spans (nested too), other keys",
                   loses="predictions (unless source='pred'), scores, name, status",
                   offsets="code points, end INCLUSIVE"),
        FormatSpec("genia", corpora.read_genia, corpora.write_genia, (".jsonl", ".json"),
                   'GENIA JSON lines: {"doc_id", "sent_id", "text", "entities": [{"start", "end", "type", '
                   '"text"}], "tokens", "entity_mentions"}', True,
                   keeps="text, gold spans (nested too), doc_id, sent_id (as name), tokens",
                   loses="predictions (unless source='pred'), scores, status; entity_mentions are rebuilt "
                   "from tokens", offsets=_CP + " (entity_mentions: tokens, end exclusive)"),
        FormatSpec("conll", conll.read_conll, conll.write_conll,
                   (".conll", ".bio", ".bmes", ".bioes", ".iob", ".iob2", ".bilou", ".tsv"),
                   "CoNLL-style columns: `char<TAB>TAG` or `token<TAB>...<TAB>TAG`; BIO/IOB2, BIOES, BMES", True,
                   frozenset({"scheme", "level", "flat", "separator"}),
                   keeps="text (without whitespace at char level; tokens joined by spaces at token level), "
                   "gold spans; nested spans as one tag column per level, the outermost in the last column",
                   loses="whitespace, spans not on character/token boundaries, nesting with flat=True, "
                   "predictions, scores, metadata", offsets="token positions"),
        FormatSpec("brat", brat.read_brat, brat.write_brat, (".ann",),
                   "brat standoff: a directory of NAME.txt + NAME.ann (T lines)", True,
                   keeps="text exactly (a leading U+FEFF too), gold spans (nested too), document names",
                   loses="discontinuous spans, relations, events, attributes (on import); predictions, "
                   "status, metadata; spaces in labels become '_'", offsets=_CP + " (\\r\\n counts 2)"),
        FormatSpec("doccano", doccano.read_doccano, doccano.write_doccano, (".jsonl", ".json"),
                   'doccano JSON lines: {"text" or "data", "label" or "entities": [[s, e, "L"]] or '
                   '[{"id", "start_offset", "end_offset", "label"}], "relations", "cats"}',
                   True, keeps="text, gold spans (nested too), relations (by span), other keys such as id, cats",
                   loses="predictions (unless source='pred'), scores, name, status",
                   offsets="UTF-16 code units, end exclusive"),
        FormatSpec("label-studio", label_studio.read_label_studio, label_studio.write_label_studio, (".json",),
                   "Label Studio JSON tasks: annotations are gold, predictions are predictions", True,
                   frozenset({"indent"}),
                   keeps="text, gold spans, predictions with score and model version, task id, other data "
                         "fields, from_name/to_name, meta",
                   loses="status, name; results that are not text spans (on import)",
                   offsets=_CP + " (UTF-16 offsets are accepted when only they match the mention; value.text "
                                 "that differs only as displayed is warned about)"),
        FormatSpec("spacy", prodigy.read_spacy, prodigy.write_spacy, (".jsonl", ".json", ".spacy"),
                   'Prodigy / spaCy JSON lines {"text", "spans": [{"start", "end", "label"}]}; '
                   '*.spacy: spaCy DocBin (spacy extra)', True,
                   keeps="text, gold spans (nested too), other keys (meta, _input_hash, ...); DocBin: name, "
                         "status, meta",
                   loses="predictions (unless source='pred'), scores, tokens; Prodigy reject/ignore answers "
                         "(skipped unless answers='all')",
                   offsets=_CP),
    )
}

ALIASES = {
    "json": "nerdesk-json", "nerdesk": "nerdesk-json", "native": "nerdesk-json", "ndjson": "jsonl",
    "txt": "text", "plain": "text", "clue": "cluener", "cmeee-v2": "cmeee", "cblue": "cmeee",
    "bio": "conll", "iob2": "conll", "bioes": "conll", "bmes": "conll", "tsv": "conll",
    "standoff": "brat", "labelstudio": "label-studio", "label_studio": "label-studio", "prodigy": "spacy",
}

NEWLINES = ("keep", "normalize")
# Format names and file suffixes that name a tag scheme of the conll format.
SCHEME_NAMES = {"bio": "bio", "iob2": "iob2", "bioes": "bioes", "bmes": "bmes", "iob": "bio"}
# A file suffix several formats share: the one nerdesk writes for it.
PREFERRED_BY_SUFFIX = {".json": "nerdesk-json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "text"}


def resolve_format(name: str) -> str:
    """The canonical name of a format (``bio`` -> ``conll``), or ``FormatError`` listing the known ones."""
    if not isinstance(name, str):
        raise FormatError(f"format must be a name, got {name!r}")
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise FormatError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
    return key


def detect_format(path: str | Path, *, encoding: str | None = None) -> str:
    """The format of ``path`` from its extension and a peek at its content; ``FormatError`` if unknown."""
    return detect.detect_format(path, tuple(FORMATS), encoding=encoding)


def format_for_suffix(path: str | Path) -> str | None:
    """The format an output file name asks for (``x.bio`` -> ``conll``, ``x.spacy`` -> ``spacy``), or ``None``."""
    suffix = Path(path).suffix.lower()
    if suffix in PREFERRED_BY_SUFFIX:
        return PREFERRED_BY_SUFFIX[suffix]
    matching = [name for name, spec in FORMATS.items() if suffix in spec.extensions]
    return matching[0] if len(matching) == 1 else None


def _scheme_option(format: str, path: Path, options: dict[str, Any]) -> dict[str, Any]:
    """``--format bmes`` or ``--out x.bmes`` choose the conll scheme unless ``scheme`` is given."""
    named = SCHEME_NAMES.get(format.strip().lower())
    if named is None and "scheme" not in options:
        named = SCHEME_NAMES.get(path.suffix.lower().lstrip("."))
    if named is None:
        return options
    if options.get("scheme") not in (None, named):
        raise FormatError(f"format {format!r} writes the {named.upper()} scheme, but scheme={options['scheme']!r} "
                          "was asked for; pass --format conll with --scheme instead")
    return {**options, "scheme": named}


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


def read_file(path: str | Path, format: str | None = None, *, encoding: str | None = None,
              newline: str = "keep", **options: Any) -> ImportResult:
    """Read one file (or brat directory). Raises ``FormatError`` or ``ImportProblems``; imports all or nothing.

    ``options`` go to the reader: ``split`` for text, ``level`` for conll.
    """
    path = Path(path)
    if newline == "normalise":
        newline = "normalize"
    if newline not in NEWLINES:
        raise FormatError(f"newline={newline!r} is not one of {', '.join(NEWLINES)}")
    if not path.exists():
        raise FormatError("no such file or directory", path=str(path))
    name = resolve_format(format) if format is not None else detect_format(path, encoding=encoding)
    spec = FORMATS[name]
    ctx = ReadContext(path, encoding=encoding, options=options)
    try:
        documents = spec.reader(ctx)
    except NerdeskError:
        raise
    except RecursionError as error:
        raise FormatError("the file is nested too deeply to read", path=str(path)) from error
    except Exception as error:  # noqa: BLE001 - malformed input must end in a NerdeskError
        raise FormatError(f"could not read the file as {name}: {type(error).__name__}: {error}",
                          path=str(path)) from error
    if ctx.problems:
        raise ImportProblems(ctx.problems)

    warnings = list(ctx.warnings)
    duplicates = 0
    for doc in documents:
        seen: set[tuple[int, int, str, str]] = set()
        kept = []
        for span in doc.spans:
            ident = (*span.key, span.source)
            if ident in seen:
                duplicates += 1
                continue
            seen.add(ident)
            kept.append(span)
        doc.spans = kept
    if duplicates:
        warnings.append(f"{duplicates} duplicate span(s) (same position, label and source) were kept once")
    if newline == "normalize":
        breaks = dropped = 0
        for doc in documents:
            _, b, d = normalize_newlines(doc)
            breaks += b
            dropped += d
        if breaks:
            warnings.append(f"normalised {breaks} line break(s) from \\r\\n to \\n; span offsets were shifted "
                            "to match")
        if dropped:
            warnings.append(f"{dropped} span(s) covered only a removed \\r and were dropped")
    if not documents:
        warnings.append("the file holds no documents")
    elif format is not None:
        warnings.extend(_forced_format_warning(path, name, documents, encoding))

    labels: list[str] = []
    for label in [*ctx.declared_labels, *(s.label for doc in documents for s in doc.spans)]:
        if label not in labels:
            labels.append(label)
    return ImportResult(documents=documents, labels=labels, warnings=warnings, format=name,
                        encoding=", ".join(ctx.encodings) or (encoding or "utf-8"))


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


def read_files(paths: Iterable[str | Path], format: str | None = None, *, encoding: str | None = None,
               newline: str = "keep", **options: Any) -> ImportResult:
    """Read several files; if any of them has a problem, nothing is imported and all problems are raised."""
    paths = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
    given = set(paths)  # a brat pair given as NAME.txt and NAME.ann is one document
    paths = [p for p in paths if not (p.suffix == ".ann" and p.with_suffix(".txt") in given)]
    if not paths:
        raise FormatError("no files to read")
    results: list[tuple[Path, ImportResult]] = []
    problems: list[FormatError] = []
    for path in paths:
        try:
            results.append((path, read_file(path, format, encoding=encoding, newline=newline, **options)))
        except ImportProblems as error:
            problems.extend(error.problems)
        except FormatError as error:
            problems.append(error if error.path else FormatError(error.reason, path=str(path)))
    if problems:
        raise ImportProblems(problems)
    if len(results) == 1:
        return results[0][1]
    documents, labels, warnings, formats, encodings = [], [], [], [], []
    for path, result in results:
        documents.extend(result.documents)
        labels.extend(label for label in result.labels if label not in labels)
        warnings.extend(f"{path.name}: {w}" for w in result.warnings)
        if result.format not in formats:
            formats.append(result.format)
        for enc in result.encoding.split(", "):
            if enc not in encodings:
                encodings.append(enc)
    return ImportResult(documents=documents, labels=labels, warnings=warnings, format=", ".join(formats),
                        encoding=", ".join(encodings))


# -- writing -----------------------------------------------------------------------------------------

def write_file(documents: Iterable[Document], path: str | Path, format: str, *, labels: LabelSet | None = None,
               **options: Any) -> list[str]:
    """Write ``documents`` as ``format`` (atomically, UTF-8) and return warnings about what was not kept."""
    name = resolve_format(format)
    spec = FORMATS[name]
    if name == "conll":
        options = _scheme_option(format, Path(path), options)
    allowed = spec.write_options | COMMON_WRITE_OPTIONS
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise FormatError(f"{name} has no option {', '.join(unknown)}; its options: {', '.join(sorted(allowed))}")
    documents = list(documents)
    for index, doc in enumerate(documents, start=1):
        if not isinstance(doc, Document) or not isinstance(doc.text, str):
            raise FormatError(f"document {index} is not a Document with a text")
        try:
            doc.validate()
        except SpanError as error:
            raise FormatError(f"document {index} ({doc.title(30)!r}): {error}") from error
    ctx = WriteContext(options=options, labels=labels)
    spec.writer(documents, Path(path), ctx)
    return ctx.warnings
