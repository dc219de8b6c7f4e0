"""WebAnno TSV 2, the TSV export of WebAnno 2.x, read as WebAnno's ``WebannoTsv2Reader`` reads it.

The first line declares the layers, ``# LAYER | FEATURE ... # LAYER | FEATURE | AttachTo=LAYER ...`` (a relation
layer's ``AttachTo`` is one more column: the token ids of the governors); then per sentence ``#id=`` and
``#text=`` lines and one line per token, ``SENTENCE-TOKEN<TAB>TOKEN<TAB>column...``, a blank line after it. There
are no offsets: the text is the tokens joined by spaces, a line break between sentences. A column holds ``O`` or
``_`` (no annotation) or annotations stacked with ``|``, each ``B-VALUE`` (first token), ``I-VALUE`` (a further
token of the annotation at the same place in the stack), or a value without a prefix (one token); ``B-_``, ``I-_``
and ``O-_`` only hold a place in the stack. A value that is the layer's name is an annotation without a value.
Named entities (feature ``value``) and custom span layers (``webanno.custom.*``: ``value``, else their one
feature) become spans, as in TSV 3; relation layers and the other layers are skipped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.wording import counted
from nerdesk.formats._base import ReadContext
from nerdesk.formats.webanno_tsv_tally import Tally
from nerdesk.formats.webanno_tsv_write import CUSTOM_LAYERS, NAMED_ENTITY

_FORMAT_2 = re.compile(r"#FORMAT=WebAnno TSV 2(\.[0-9]+)?")  # not written by WebAnno 2; read where a tool adds it
_LAYERS = re.compile(r"\s*#\s*[A-Za-z_$][\w$]*(\.[\w$]+)+\s*(\|[^#]*)?(#\s*[A-Za-z_$][\w$.]*\s*(\|[^#]*)?)*")
_TOKEN_ID = re.compile(r"[0-9]+-[0-9]+")
PLACE_HOLDERS = ("B-_", "I-_", "O-_")
NONE = ("_", "O")


def tsv2_start(lines: list[str]) -> int | None:
    """The index of the layer line when the file is WebAnno TSV 2 (a ``#FORMAT=WebAnno TSV 2`` line before it is
    passed over), else ``None``."""
    first = 1 if lines and _FORMAT_2.fullmatch(lines[0].lstrip("\ufeff").rstrip()) else 0
    if len(lines) <= first or not _LAYERS.fullmatch(lines[first].lstrip("\ufeff").rstrip()):
        return None
    return first if any(line.startswith(("#text=", "#id=")) for line in lines[first + 1:first + 50]) else None


def looks_like_webanno_tsv2(head: str) -> bool:
    return tsv2_start(head.split("\n", 50)[:50]) is not None


@dataclass
class _Span:
    start: int
    end: int
    label: str
    line: int


@dataclass
class _Layer:
    name: str
    first: int  # its first column among the annotation columns
    width: int
    label: int | None  # the column of the feature read as the label; None: the layer is not read

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def _layers(line: str) -> list[_Layer]:
    layers, column = [], 0
    for declared in line.lstrip("\ufeff").split("#"):
        parts = [part.strip() for part in declared.split("|") if part.strip()]
        if not parts:
            continue
        name, features = parts[0], parts[1:]
        relation = any(feature.startswith("AttachTo=") for feature in features)
        label = None
        if not relation and (name == NAMED_ENTITY or name.startswith(CUSTOM_LAYERS)):
            if "value" in features:
                label = column + features.index("value")
            elif name != NAMED_ENTITY and len(features) == 1:
                label = column
        layers.append(_Layer(name, column, len(features), label))
        column += len(features)
    return layers


class _Reader:
    """One file's sentences: the text built from the tokens, the spans from the label columns."""

    def __init__(self, ctx: ReadContext, path: Path, layers: list[_Layer], tally: Tally) -> None:
        self.ctx, self.path, self.layers, self.tally = ctx, path, layers, tally
        self.columns = sum(layer.width for layer in layers)
        self.text = ""
        self.sentence_open = False
        self.open: dict[tuple[int, int], _Span] = {}  # (layer, place in the stack) -> its annotation there
        self.spans: list[_Span] = []
        self.ok = True

    def line(self, line: str, number: int) -> None:
        if not line.strip():
            if self.sentence_open:
                self.text, self.sentence_open = self.text + "\n", False
                self.open.clear()
            return
        if line.startswith("#"):
            return  # #id=, #text=: the text is the tokens'
        fields = line.strip().split("\t")
        if len(fields) != self.columns + 2 or not _TOKEN_ID.fullmatch(fields[0]) or not fields[1]:
            self.ctx.problem(f"expected a token line ID<TAB>TOKEN and {counted(self.columns, 'column')} (one per "
                             f"feature of the layers declared), got {line!r:.80}", line=number, path=self.path)
            self.ok = False
            return
        if self.sentence_open:
            self.text += " "
        start = len(self.text)
        self.text += fields[1]
        self.sentence_open = True
        for index, layer in enumerate(self.layers):
            cells = fields[2 + layer.first:2 + layer.first + layer.width]
            if layer.label is None:
                self.tally.skipped_layers[layer.short] += any(cell not in NONE for cell in cells)
            else:
                self.cell(index, layer, fields[2 + layer.label], _Span(start, len(self.text), "", number))

    def cell(self, index: int, layer: _Layer, cell: str, token: _Span) -> None:
        if cell in NONE:
            for key in [key for key in self.open if key[0] == index]:
                del self.open[key]
            return
        for place, value in enumerate(cell.split("|")):
            if value in PLACE_HOLDERS or value in NONE:
                continue
            prefix, label = (value[:2], value[2:]) if value[:2] in ("B-", "I-") else ("", value)
            if label.startswith(layer.name) or not label:
                self.tally.unset[layer.short] += prefix != "I-"
                label = layer.short
            known = self.open.pop((index, place), None)
            if prefix == "I-" and known is not None and known.label == label:
                known.end = token.end
                self.open[(index, place)] = known
                continue
            span = _Span(token.start, token.end, label, token.line)
            self.spans.append(span)
            if prefix:  # a value without B- or I- is an annotation of this token alone
                self.open[(index, place)] = span

    def document(self, name: str) -> Document | None:
        text = self.text.removesuffix("\n")
        spans = [self.ctx.make_span(text, span.start, span.end, span.label, line=span.line, path=self.path)
                 for span in self.spans]
        if not self.ok or None in spans:
            return None
        return Document(text=text, spans=[span for span in spans if span is not None], name=name)


def read_tsv2_file(ctx: ReadContext, path: Path, name: str, lines: list[str], start: int,
                   tally: Tally) -> Document | None:
    """The document of a WebAnno TSV 2 file whose layer line is ``lines[start]``."""
    layers = _layers(lines[start])
    if not layers:
        raise FormatError("a WebAnno TSV 2 layer line without layers", path=str(path), line=start + 1, code="E112")
    reader = _Reader(ctx, path, layers, tally)
    for number in range(start + 1, len(lines)):
        reader.line(lines[number], number + 1)
    return reader.document(name)
