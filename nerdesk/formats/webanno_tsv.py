"""WebAnno TSV 3.x, the TSV export of INCEpTION and WebAnno: one document per file (WebAnno 2's TSV 2 is
read too: ``webanno_tsv2``).

Read as INCEpTION reads it (``Tsv3XDeserializer`` in ``inception-io-webanno-tsv``): a ``#FORMAT=WebAnno
TSV 3.3`` line, layer declarations (``#T_SP=`` span, ``#T_CH=`` chain, ``#T_RL=`` relation layers, one
column per feature), two blank lines, then per sentence its ``#Text=`` lines and one line per token
(``1-3``) or sub-token (``1-3.1``): ``ID<TAB>BEGIN-END<TAB>TOKEN<TAB>column...``. The text is rebuilt
from the ``#Text=`` lines (joined with line breaks), each sentence placed where its first token starts:
a gap after the line break that ends the sentence before is filled with spaces, a sentence that starts
right after the one before takes that line break's place. Offsets count UTF-16 code units (Java
strings); they are converted to code points once the text is whole.

Named entities (``de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity``, feature ``value``) and custom
span layers (``webanno.custom.*``: the feature ``value``, else their one feature, else the layer's name)
become spans. A column holds ``_`` (no annotation) or stacked values split at '|'; ``*`` is a value not
set; ``[N]`` after a value is a disambiguation id shared by the units of one annotation, whose span runs
from its first unit to its last. Relations, chains and other layers are skipped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, SpanError
from nerdesk.core.offsets import Utf16Map, utf16_len
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import FormatSpec, ReadContext
from nerdesk.formats.inception_export import without_curated_copies
from nerdesk.formats.webanno_tsv2 import looks_like_webanno_tsv2, read_tsv2_file, tsv2_start
from nerdesk.formats.webanno_tsv_tally import Tally, closing_warnings
from nerdesk.formats.webanno_tsv_write import CUSTOM_LAYERS, NAMED_ENTITY, SUFFIX, write_webanno_tsv

_FORMAT = re.compile(r"#FORMAT=(.*) ([0-9]{1,9})\.([0-9]{1,9})")
_LAYER = re.compile(r"#T_(SP|CH|RL)=(.*)")
_UNIT_ID = re.compile(r"[0-9]+-[0-9]+(\.[0-9]+)?")
_OFFSETS = re.compile(r"([0-9]{1,18})-([0-9]{1,18})")  # ASCII digits only: int() would take "١٢"
_LINE_ENDS = re.compile(r"\r\n|\r|\n")  # where Java's readLine ends a line (not at U+2028, VT...)
_STACKED = re.compile(r"(?<!\\)\|")
_ID = re.compile(r"(.*)\[([0-9]{1,9})\]", re.DOTALL)
_VALUE_ESCAPE = re.compile(r"\\(\\|\[|\]|\||_|->|;|t|n|\*)")
_TEXT_ESCAPE = re.compile(r"\\([\x00-\x07\x0e-\x1f]|[tnfrb\\])")
_JAVA_ESCAPE = re.compile(r"\\(u+[0-9a-fA-F]{4}|[0-3][0-7]{0,2}|[4-7][0-7]?|.)", re.DOTALL)
_TEXT_UNESCAPED = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\"}
_MAX_GAP = 10_000_000  # spaces put before a sentence: more is a broken offset, not text
NOT_SET = ("*", "")


def looks_like_webanno_tsv(head: str) -> bool:
    return head.lstrip("\ufeff").startswith("#FORMAT=WebAnno TSV") or looks_like_webanno_tsv2(head)


def is_webanno_tsv_file(path: Path) -> bool:
    with open(path, "rb") as handle:  # TSV 2's first line declares every layer: the peek is long enough for many
        return looks_like_webanno_tsv(handle.read(16_384).decode("utf-8", "replace"))


def unescape_value(value: str) -> str:
    return _VALUE_ESCAPE.sub(lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), value)


def unescape_text(text: str, minor: int) -> str:
    """``Escaping.unescapeText``: 3.2 and later escape control characters; 3.0 and 3.1 wrote Java escapes."""
    if minor <= 1:  # a \uXXXX pair is one character outside the BMP, as in a Java string
        return _JAVA_ESCAPE.sub(_java_escape, text).encode("utf-16-le", "surrogatepass").decode("utf-16-le",
                                                                                                "surrogatepass")
    return _TEXT_ESCAPE.sub(lambda m: _TEXT_UNESCAPED.get(m.group(1), m.group(1)), text)


def _without_id(value: str) -> str:
    found = _ID.fullmatch(value)
    return found.group(1) if found is not None and not value.endswith("\\]") else value


def _java_escape(match: re.Match[str]) -> str:
    body = match.group(1)
    if body.startswith("u"):
        return chr(int(body.lstrip("u"), 16))
    if body[0] in "01234567":
        return chr(int(body, 8))
    return {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}.get(body, body)


# -- the header ---------------------------------------------------------------------------------------

@dataclass
class Layer:
    """A declared layer: where its columns are, and the column nerdesk takes labels from."""

    name: str
    first: int  # its first column among the annotation columns (after ID, offsets and token)
    width: int
    label: int | None = None  # the label's column; None: the layer is not read
    placeholder: bool = False  # a layer without features: the layer's name is the label
    others: dict[int, str] = field(default_factory=dict)  # its other features' columns and names (not read)

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def _layer(kind: str, fields: list[str], first: int) -> Layer:
    name, features = fields[0], fields[1:]
    layer = Layer(name, first, max(1, len(features)))
    if kind != "SP" or not (name == NAMED_ENTITY or name.startswith(CUSTOM_LAYERS)):
        return layer
    primitive = []
    for index, feature in enumerate(features):  # a slot role (ROLE_...) is followed by its target's type
        if not feature.startswith("ROLE_") and not (index and features[index - 1].startswith("ROLE_")):
            primitive.append(index)
    if "value" in features and features.index("value") in primitive:
        layer.label = first + features.index("value")
    elif name != NAMED_ENTITY and not features:
        layer.label, layer.placeholder = first, True
    elif name != NAMED_ENTITY and len(primitive) == 1:
        layer.label = first + primitive[0]
    if layer.label is not None:
        layer.others = {first + index: features[index] for index in primitive if first + index != layer.label}
    return layer


def read_header(lines: list[str], path: Path) -> tuple[list[Layer], int, int]:
    """The layers, the format's minor version and the index of the first line after the layers."""
    match = _FORMAT.fullmatch(lines[0].lstrip("\ufeff") if lines else "")
    if match is None:
        raise FormatError("not a WebAnno TSV file: its first line must be '#FORMAT=WebAnno TSV 3.3' (or another "
                          "3.x version), as INCEpTION and WebAnno 3 write it, or declare the layers of a WebAnno 2 "
                          "file (# ...NamedEntity | value)", path=str(path), line=1, code="E112")
    if int(match.group(2)) != 3:
        raise FormatError(f"WebAnno TSV {match.group(2)}.{match.group(3)} is not read: nerdesk reads version 3 "
                          "(3.0 to 3.3; INCEpTION exports 3.3), and WebAnno 2's TSV 2 when a line declaring the "
                          "layers (# ...NamedEntity | value) follows", path=str(path), line=1, code="E112")
    layers: list[Layer] = []
    columns, index = 0, 1
    while index < len(lines) and (declared := _LAYER.fullmatch(lines[index])):
        fields = [part for part in declared.group(2).split("|") if part]  # Java's split drops empty parts
        if not fields:
            raise FormatError("a layer declaration without a layer name", path=str(path), line=index + 1, code="E112")
        layers.append(_layer(declared.group(1), fields, columns))
        columns += layers[-1].width
        index += 1
    return layers, int(match.group(3)), index


# -- the body -----------------------------------------------------------------------------------------

@dataclass
class _Pending:
    """An annotation read so far: UTF-16 offsets, label and the line it started on."""

    begin: int
    end: int
    label: str
    line: int


class _Body:
    """The state of reading one file's sentences and token lines."""

    def __init__(self, ctx: ReadContext, path: Path, layers: list[Layer], minor: int, tally: Tally) -> None:
        self.ctx, self.path, self.layers, self.minor, self.tally = ctx, path, layers, minor, tally
        self.columns = sum(layer.width for layer in layers)
        self.pieces: list[str] = []  # the text so far
        self.length = 0  # its length in UTF-16 units
        self.text_lines: list[str] = []
        self.state = "space"  # after a blank line ("space"), a sentence header line or a token line ("unit")
        self.units: list[tuple[int, str, int, int, str]] = []  # (line, id, begin, end, token)
        self.spans: list[_Pending] = []
        self.by_id: dict[tuple[int, int], _Pending] = {}
        self.ok = True

    def problem(self, reason: str, line: int, code: str = "E110") -> None:
        self.ctx.problem(reason, line=line, path=self.path, code=code)
        self.ok = False

    def read(self, line: str, number: int) -> None:
        if not line.strip():
            if self.state == "header":
                self.problem("a sentence header (#Text=) without token lines after it", number)
            self.state = "space"
        elif line.startswith("#"):
            self.header(line)
        else:
            self.unit(line, number)

    def header(self, line: str) -> None:
        if self.state != "header":
            self.text_lines, self.state = [], "header"
        if line.startswith("#Text="):
            self.text_lines.append(unescape_text(line[len("#Text="):], self.minor))
        elif line.startswith("#Sentence.id="):
            self.tally.sentence_ids += 1

    def unit(self, line: str, number: int) -> None:
        fields = line.split("\t")
        ident, offsets = _UNIT_ID.fullmatch(fields[0]), len(fields) > 1 and _OFFSETS.fullmatch(fields[1])
        if len(fields) < self.columns + 3 or not ident or not offsets:
            self.problem(f"expected a token line ID<TAB>BEGIN-END<TAB>TOKEN and {counted(self.columns, 'column')} "
                         f"(one per feature of the layers declared), got {line!r:.80}", number)
            return
        begin, end = int(offsets.group(1)), int(offsets.group(2))
        subtoken = ident.group(1) is not None
        if begin > end:
            self.problem(f"token {fields[0]} ends ({end}) before it begins ({begin})", number, "E004")
            return
        if self.state == "header" and not subtoken:
            self.start_sentence(begin, number)
        elif self.state != "unit":
            self.problem(f"{'a sub-token line must follow its token' if subtoken else 'a token line outside a sentence'}"
                         f" (after a #Text= line): {fields[0]}", number)
            return
        self.state = "unit"
        self.units.append((number, fields[0], begin, end, fields[2]))
        for layer in self.layers:
            self.cells(layer, fields, number, begin, end)

    def start_sentence(self, begin: int, number: int) -> None:
        """Put the sentence's text where its first token begins, as INCEpTION does."""
        if self.length == begin + 1 and self.pieces and self.pieces[-1].endswith("\n"):
            self.pieces[-1] = self.pieces[-1][:-1]  # right after the sentence before: no line break between
            self.length -= 1
        elif self.length > begin:
            self.problem(f"the sentence starts at offset {begin}, inside the text before it (which ends at "
                         f"{max(self.length - 1, 0)})", number, "E003")
        elif begin - self.length > _MAX_GAP:
            self.problem(f"the sentence starts at offset {begin}, {begin - self.length:,} characters after the text "
                         "before it", number, "E003")
            return
        self.pieces.append(" " * max(begin - self.length, 0))
        sentence = "".join(part + "\n" for part in self.text_lines)
        self.pieces.append(sentence)
        self.length = max(self.length, begin) + utf16_len(sentence)

    def cells(self, layer: Layer, fields: list[str], number: int, begin: int, end: int) -> None:
        cells = fields[3 + layer.first:3 + layer.first + layer.width]
        if layer.label is None:
            self.tally.skipped_layers[layer.short] += any(cell != "_" for cell in cells)
            return
        for column, feature in layer.others.items():
            values = [] if fields[3 + column] == "_" else _STACKED.split(fields[3 + column])
            self.tally.other_features[feature] += sum(_without_id(value) not in NOT_SET for value in values)
        cell = fields[3 + layer.label]
        if cell == "_":
            return
        values = _STACKED.split(cell)
        while len(values) > 1 and not values[-1]:
            values.pop()  # Java's split drops empty values at the end
        for value in values:
            self.annotation(layer, value, number, begin, end)

    def annotation(self, layer: Layer, value: str, number: int, begin: int, end: int) -> None:
        ident = None
        if value.endswith("]") and not value.endswith("\\]"):
            found = _ID.fullmatch(value)
            if found is None:
                self.problem(f"{value!r:.60} ends in ']' but not in a disambiguation id such as [1] (a ']' in a "
                             "label is written \\])", number)
                return
            value, ident = found.group(1), int(found.group(2))
        if layer.placeholder:
            label = layer.short
        elif value in NOT_SET:
            self.tally.unset[layer.short] += 1
            label = layer.short
        else:
            label = unescape_value(value)
        known = self.by_id.get((layer.first, ident)) if ident is not None else None
        if known is None:
            self.spans.append(_Pending(begin, end, label, number))
            if ident is not None:
                self.by_id[(layer.first, ident)] = self.spans[-1]
        elif known.label != label:
            self.problem(f"[{ident}] marks one {layer.short} annotation, labelled {known.label!r:.40} on line "
                         f"{known.line} but {label!r:.40} here", number)
        else:
            known.begin, known.end = min(known.begin, begin), max(known.end, end)

    def document(self, name: str, last_line: int) -> Document | None:
        """The document read, or None (no sentence, or problems recorded)."""
        if self.state == "header":
            self.problem("a sentence header (#Text=) without token lines after it", last_line)
        if not self.ok or not self.pieces:
            return None
        text = "".join(self.pieces).removesuffix("\n")  # the line break after the last sentence is not text
        units = Utf16Map(text)
        checked = [self.code_points(units, number, begin, end) for number, _, begin, end, _ in self.units]
        for (number, ident, _, _, token), found in zip(self.units, checked, strict=True):
            if found is not None and text[found[0]:found[1]] != token:
                self.problem(f"token {ident} at {found[0]}-{found[1]} is {text[found[0]:found[1]]!r:.40} in the text "
                             f"of the #Text= lines, but the line says {token!r:.40}", number, "E005")
        spans = []
        for pending in self.spans:  # its offsets are those of its units: told above when they do not fit
            found = self.code_points(units, pending.line, pending.begin, pending.end, tell=False)
            if found is not None and found[0] == found[1]:
                self.tally.zero_width += 1
            elif found is not None:
                span = self.ctx.make_span(text, *found, pending.label, line=pending.line, path=self.path)
                spans.append(span)
                self.ok = self.ok and span is not None
        return Document(text=text, spans=[s for s in spans if s is not None], name=name) if self.ok else None

    def code_points(self, units: Utf16Map, line: int, begin: int, end: int, *,
                    tell: bool = True) -> tuple[int, int] | None:
        try:
            return units.from_utf16(begin), units.from_utf16(end)
        except SpanError as error:
            if tell:
                self.problem(f"{error} (offsets count UTF-16 units)", line, error.code or "E003")
            self.ok = False
            return None


# -- files --------------------------------------------------------------------------------------------

def read_one_file(ctx: ReadContext, path: Path, name: str, tally: Tally) -> Document | None:
    lines = _LINE_ENDS.split(ctx.read_text(path))
    if lines and lines[-1] == "":
        lines.pop()
    if (tsv2 := tsv2_start(lines)) is not None:
        return read_tsv2_file(ctx, path, name, lines, tsv2, tally)
    layers, minor, index = read_header(lines, path)
    body = _Body(ctx, path, layers, minor, tally)
    for number in range(index, len(lines)):
        body.read(lines[number], number + 1)
    return body.document(name, len(lines))


def read_webanno_tsv(ctx: ReadContext) -> list[Document]:
    tally = Tally()
    if not ctx.path.is_dir():
        found = read_one_file(ctx, ctx.path, ctx.path.stem, tally)
        closing_warnings(ctx, tally)
        return [found] if found is not None else []
    files = sorted(file for file in ctx.path.rglob("*" + SUFFIX) if file.is_file())
    if not files:
        raise FormatError("no .tsv files in this folder", path=str(ctx.path), code="E120")
    files, copies = without_curated_copies(ctx.path, files)
    if copies:
        ctx.warn(f"{counted(copies, 'annotator copy', 'annotator copies')} of curated documents "
                 f"(annotation/DOC/USER.tsv) {by_count(copies, 'was', 'were')} left out: the curated version "
                 "(curation/DOC/...) is the document; import the annotation folder alone to read them")
    documents = []
    for file in files:
        try:
            found = read_one_file(ctx, file, file.relative_to(ctx.path).with_suffix("").as_posix(), tally)
        except FormatError as error:  # a file that is not WebAnno TSV: one problem among the others
            ctx.problems.append(error)
            continue
        documents.extend([found] if found is not None else [])
    closing_warnings(ctx, tally)
    return documents


SPECS = (
    FormatSpec(
        name="webanno-tsv", reader=read_webanno_tsv, writer=write_webanno_tsv, extensions=(SUFFIX,), lossy=True,
        description="WebAnno TSV 3.3 (INCEpTION, WebAnno; TSV 2 of WebAnno 2 is read too): one document per .tsv "
                    "file, a folder for several",
        keeps="text (line breaks, tabs and \\r too), gold spans (nested, stacked, over several tokens or sentences), "
              "document names (as file names); on import named entities and custom span layers",
        loses="relations, chains, other layers and features, sentence ids, zero-width annotations (on import); "
              "predictions (unless source='pred'), scores, status, metadata; whitespace at span edges; line breaks "
              "or tabs before the first word (read back as spaces)",
        offsets="UTF-16 code units, end exclusive (text rebuilt from the #Text= lines as INCEpTION does)",
        aliases=("inception", "webanno", "tsv3")),
)
