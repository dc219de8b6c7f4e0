"""Writing WebAnno TSV 3.3 (INCEpTION's and WebAnno's TSV export) so that INCEpTION imports it back.

Written the way INCEpTION's own writer writes (``Tsv3XSerializer`` and ``Escaping`` in
``inception-io-webanno-tsv``), for its reader (``Tsv3XDeserializer``); a file of its test suite comes out
byte for byte. INCEpTION imports each file as one document, so a single
document goes to ``NAME.tsv`` and several to a folder of ``.tsv`` files, one per document.

The spans go into INCEpTION's built-in named-entity layer, its ``value`` feature holding the label.
Tokens are the text's words, each CJK character, emoji or punctuation mark on its own, cut where a
span starts or ends inside one, so every span is a run of whole tokens; a span over several tokens
carries a disambiguation id (``PER[3]``) on each, and so does a span stacked on a token with another.
INCEpTION rebuilds the text from the ``#Text=`` lines, putting each sentence where its first token
starts and filling the gap after the line break that ends the sentence before with spaces. A sentence
is therefore cut only where a line break is followed by spaces and a word: the text between two
sentences is then exactly what INCEpTION puts back, and every other character (blank lines, ``\\r``,
tabs) is written inside a sentence, escaped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.offsets import Utf16Map, graphemes_boundaries
from nerdesk.core.spans import Span, dedupe
from nerdesk.core.wording import by_count, counted
from nerdesk.core.writing_systems import is_cjk
from nerdesk.formats._base import WriteContext
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.folder_export import unique_stems, warn_stale_files

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
CUSTOM_LAYERS = "webanno.custom."
SUFFIX = ".tsv"

# Escaping.escapeValue: these characters (and '->') are written with a backslash; tab and line feed as \t, \n.
_VALUE_SPECIALS = re.compile(r"\\|\[|\]|\||_|->|;|\t|\n|\*")
# Escaping.escapeText: control characters but VT (U+000B) are written with a backslash, some as \t \f \r \b.
_TEXT_SPECIALS = re.compile("[\x00-\x0a\x0c-\x1f\\\\]")
_TEXT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
_WORDS = re.compile(r"\S+")
_SPACES_ONLY = re.compile(" *")
_ASCII_TOKENS = re.compile(r"[A-Za-z0-9_]+|[^A-Za-z0-9_]")


def escape_value(value: str) -> str:
    return _VALUE_SPECIALS.sub(lambda m: {"\t": "\\t", "\n": "\\n"}.get(m.group(), "\\" + m.group()), value)


def escape_text(line: str) -> str:
    return _TEXT_SPECIALS.sub(lambda m: _TEXT_ESCAPES.get(m.group(), "\\" + m.group()), line)


# -- tokens and sentences -----------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _kind(char: str) -> str:
    if is_cjk(char):
        return "cjk"
    return "word" if char.isalnum() or char == "_" else "other"


def _edges_in_word(word: str, offset: int) -> list[int]:
    """Where a run of non-space characters is cut into tokens, in order: between letters and digits no cut,
    around each CJK character, emoji or punctuation mark (a whole grapheme: a ZWJ sequence stays one token)."""
    if word.isascii():  # no grapheme of two characters: the fast way for most text
        return [offset + match.start() for match in _ASCII_TOKENS.finditer(word)]
    bounds = graphemes_boundaries(word)
    edges, previous = [], None
    for start in bounds[:-1]:
        kind = _kind(word[start])
        if kind != "word" or previous != "word":
            edges.append(offset + start)
        previous = kind
    return edges


def tokens(text: str, cuts: set[int]) -> list[tuple[int, int]]:
    """``(start, end)`` of each token in code points: no whitespace in any, cut at each offset of ``cuts``."""
    found: list[tuple[int, int]] = []
    ordered = sorted(cuts)
    for word in _WORDS.finditer(text):
        start, end = word.span()
        edges = _edges_in_word(word.group(), start)
        inside = ordered[bisect_right(ordered, start):bisect_left(ordered, end)]
        if inside:
            edges = sorted({*edges, *inside})
        found.extend(zip(edges, [*edges[1:], end], strict=True))
    return found


@dataclass(frozen=True)
class Sentence:
    first: int  # its first token
    stop: int  # the token after its last
    start: int  # where its text starts (its first token's start)
    end: int  # where its text ends: at the line break before the next sentence, or the end of the text


def sentences(text: str, words: list[tuple[int, int]]) -> list[Sentence]:
    """Sentences cut where a line break followed by nothing but spaces comes before a token."""
    cuts = []
    for index in range(1, len(words)):
        gap = text[words[index - 1][1]:words[index][0]]
        newline = gap.rfind("\n")
        if newline >= 0 and _SPACES_ONLY.fullmatch(gap, newline + 1):
            cuts.append((index, words[index - 1][1] + newline))
    firsts = [0, *(index for index, _ in cuts)]
    stops = [*(index for index, _ in cuts), len(words)]
    ends = [*(end for _, end in cuts), len(text)]
    return [Sentence(first, stop, words[first][0], end) for first, stop, end in zip(firsts, stops, ends, strict=True)]


# -- one document -------------------------------------------------------------------------------------

@dataclass
class _Written:
    trimmed: int = 0  # spans that started or ended on whitespace
    dropped: int = 0  # spans not written: of whitespace only, or equal to another once trimmed
    leading: int = 0  # documents whose text before the first word is not only spaces
    wordless: int = 0  # documents without a word


def _trim(text: str, spans: list[Span], written: _Written) -> list[Span]:
    """The spans without the whitespace at their edges, which a TSV file cannot address (INCEpTION's
    own writer cuts them the same way); spans of whitespace only are left out."""
    kept = []
    for span in spans:
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            written.dropped += 1
        else:
            written.trimmed += (start, end) != (span.start, span.end)
            kept.append(span.moved(start, end))
    once = dedupe(kept)
    written.dropped += len(kept) - len(once)
    return once


def _ids(ranges: list[tuple[int, int]], values: list[str], tokens: int) -> dict[int, int]:
    """Disambiguation ids by span, given as INCEpTION's writer gives them (``Tsv3XCasDocumentBuilder``): to every
    span on a token with another (stacked), to every span over several tokens, in the order they are met."""
    ids: dict[int, int] = {}
    first_on: list[int] = [-1] * tokens  # the first span on each token (the others have ids once they come)
    for index, (first, last) in enumerate(ranges):
        for token in range(first, last + 1):
            if first_on[token] < 0:
                first_on[token] = index
            else:
                ids.setdefault(first_on[token], len(ids) + 1)
                ids.setdefault(index, len(ids) + 1)
        # A value ending in a backslash before '|' would not be split by INCEpTION: an id ends it with ']'.
        if last > first or values[index].endswith("\\"):
            ids.setdefault(index, len(ids) + 1)
    return ids


def _cells(words: list[tuple[int, int]], spans: list[Span]) -> list[str]:
    """The named-entity column of each token: its spans' labels, stacked with '|', ``_`` for none."""
    starts, ends = [start for start, _ in words], [end for _, end in words]
    ranges = [(bisect_left(starts, span.start), bisect_left(ends, span.end)) for span in spans]
    values = [escape_value(span.label) for span in spans]
    ids = _ids(ranges, values, len(words))
    cells: list[list[str]] = [[] for _ in words]
    for index, (first, last) in enumerate(ranges):
        value = f"{values[index]}[{ids[index]}]" if index in ids else values[index]
        for token in range(first, last + 1):
            cells[token].append(value)
    return ["|".join(stack) if stack else "_" for stack in cells]


def document_tsv(doc: Document, spans: list[Span], written: _Written) -> str:
    """The TSV file of one document (without sentences when its text has no word)."""
    text = doc.text
    kept = _trim(text, spans, written)
    words = tokens(text, {edge for span in kept for edge in (span.start, span.end)})
    lines = [FORMAT_LINE, f"#T_SP={NAMED_ENTITY}|value", ""]
    if not words:
        written.wordless += 1
        return "\n".join(lines) + "\n"
    written.leading += not _SPACES_ONLY.fullmatch(text, 0, words[0][0])
    cells, units = _cells(words, kept), Utf16Map(text)
    for number, sentence in enumerate(sentences(text, words), start=1):
        lines.append("")
        lines.extend("#Text=" + escape_text(part) for part in text[sentence.start:sentence.end].split("\n"))
        for index in range(sentence.first, sentence.stop):
            start, end = words[index]
            lines.append(f"{number}-{index - sentence.first + 1}\t{units.to_utf16(start)}-{units.to_utf16(end)}\t"
                         f"{text[start:end]}\t{cells[index]}\t")
    return "\n".join(lines) + "\n"


# -- files --------------------------------------------------------------------------------------------

def _check_target(path: Path, documents: int) -> bool:
    """Whether ``path`` is one file (a ``.tsv`` path) rather than a folder; refuse what does not fit."""
    one_file = path.suffix.lower() == SUFFIX and not path.is_dir()
    if one_file and documents > 1:
        raise FormatError(f"WebAnno TSV holds one document per file (INCEpTION imports each file as one document): "
                          f"give a folder path to write {documents:,} documents as .tsv files", path=str(path),
                          code="E127")
    if not one_file and path.exists() and not path.is_dir():
        raise FormatError("exists and is not a folder: WebAnno TSV writes a folder of .tsv files (or one .tsv file "
                          "for a single document)", path=str(path), code="E127")
    return one_file


def write_webanno_tsv(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    one_file = _check_target(path, len(documents))
    chosen = ctx.spans_to_write(documents, "webanno-tsv")
    written = _Written()
    contents = [document_tsv(doc, spans, written) for doc, spans in zip(documents, chosen, strict=True)]
    ctx.not_written(written.dropped)
    if one_file:
        atomic_write_text(path, contents[0] if contents else FORMAT_LINE + "\n\n")
    else:
        _write_folder(path, documents, contents, ctx)
    _warn(ctx, written, one_file)


def _write_folder(path: Path, documents: list[Document], contents: list[str], ctx: WriteContext) -> None:
    """One ``NAME.tsv`` per document with words (a file without sentences is one INCEpTION does not import)."""
    before = {file.relative_to(path).as_posix() for file in path.rglob("*" + SUFFIX)} if path.is_dir() else set()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FormatError(f"cannot create the folder: {error.strerror or error}", path=str(path), code="E109") from error
    files = {name + SUFFIX: content for name, doc, content in zip(unique_stems(documents), documents, contents, strict=True)
             if doc.text.strip()}
    for name, content in files.items():
        atomic_write_text(path / name, content)
    warn_stale_files(ctx, path, sorted(before - set(files)), ".tsv file", ".tsv files")


def _warn(ctx: WriteContext, written: _Written, one_file: bool) -> None:
    if written.trimmed:
        n = written.trimmed
        ctx.warn(f"{counted(n, 'span')} started or ended on whitespace, which WebAnno TSV cannot hold (its tokens "
                 f"leave whitespace out): written without it, as INCEpTION does")
    if written.dropped:
        n = written.dropped
        ctx.warn(f"{counted(n, 'span')} {by_count(n, 'was', 'were')} not written: of whitespace only, or the same as "
                 "another span without the whitespace at its edges")
    if written.leading:
        n = written.leading
        ctx.warn(f"{counted(n, 'document')} {by_count(n, 'starts', 'start')} with line breaks or tabs before "
                 "the first word, which WebAnno TSV cannot hold before the first sentence: read back as spaces")
    if written.wordless:
        n = written.wordless
        what = ("written without sentences, which INCEpTION does not import" if one_file
                else "not written: a file without sentences is one INCEpTION does not import")
        ctx.warn(f"{counted(n, 'document')} {by_count(n, 'has', 'have')} no word: {what}")
