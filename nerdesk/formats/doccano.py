"""doccano sequence-labelling JSON lines, the shapes doccano 1.0 to 1.8 export.

- ``{"text", "label": [[start, end, "LABEL"], ...]}`` (sequence labelling, 1.6+)
- ``{"data", "label": [...]}`` (1.4 and 1.5 name the text ``data``; written back as ``text``)
- ``{"text", "entities": [[start, end, "LABEL"], ...], "cats": [...]}`` (intent detection and slot filling)
- ``{"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id", "from_id",
  "to_id", "type"}]}`` (relation projects)
- ``{"text", "annotations": [{"label": 12, "start_offset", "end_offset", "user"}]}`` (1.0 to 1.2: labels
  by id, each user's annotations; read, with the ids as label names, as doccano-transformer names them)

Offsets are UTF-16 code units, end exclusive (doccano counts in the browser's JavaScript strings), unless the
doccano project counts grapheme clusters as one character (its "Count grapheme clusters as one character"
setting, doccano 1.5+): the ``offsets`` option (``utf16`` | ``graphemes``) says which, for reading and
writing. Relations are kept in
``meta["relations"]`` with their ends as code-point spans ``{"id", "type", "from": [s, e, "L"], "to": [...]}``,
so they survive edits of other spans; on export they are written back with ``from_id``/``to_id`` that
point at entity ids written in the same record. Other keys (``id``, ``cats``, ``Comments``) are kept.
An export writes every record in the shape doccano's importer for the project reads: ``entities`` +
``relations`` if any document has relations (even none yet), ``entities`` if any has ``cats``, else ``label``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any, TypeGuard

import regex

from nerdesk.core.document import Document
from nerdesk.core.errors import SpanError
from nerdesk.core.json_values import is_int
from nerdesk.core.offsets import GraphemeMap, Utf16Map, graphemes_boundaries
from nerdesk.core.spans import Span
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    check_text,
    dumps,
    extra_meta,
    iter_json_lines,
    meta_for_record,
)
from nerdesk.formats.atomic_write import atomic_write_text

DOCCANO_KEYS = {"text", "data", "label", "labels", "entities", "relations"}
OFFSET_UNITS = ("utf16", "graphemes")
_UNIT_NAMES = {"utf16": "UTF-16 units", "graphemes": "grapheme clusters"}
GRAPHEMES_HINT = ("if the doccano project counts grapheme clusters as one character (its setting 'Count grapheme "
                  "clusters as one character'), import with --offsets graphemes")


# grapheme-splitter 1.0.4 (what doccano's v-annotator counts clusters with) follows Unicode 10's rules, where
# a ZWJ joins only these characters (Glue_After_Zwj, E_Base_GAZ) and an Indic virama does not join the next
# consonant (today's rule GB9c does): "🧑‍🤝‍🧑" is three clusters there, "क्ष" two.
_GLUE_AFTER_ZWJ = frozenset(chr(code) for code in (
    0x2640, 0x2642, 0x2695, 0x2696, 0x2708, 0x2764, 0x1F308, 0x1F33E, 0x1F373, 0x1F393, 0x1F3A4, 0x1F3A8,
    0x1F3EB, 0x1F3ED, 0x1F48B, 0x1F4BB, 0x1F4BC, 0x1F527, 0x1F52C, 0x1F5E8, 0x1F680, 0x1F692,
    0x1F466, 0x1F467, 0x1F468, 0x1F469))
_JOINERS = re.compile("[\u200d\u094d\u09cd\u0a4d\u0acd\u0b4d\u0c4d\u0d4d]")  # ZWJ, Indic viramas


def doccano_grapheme_boundaries(text: str) -> list[int]:
    """Where doccano's grapheme clusters start: today's clusters, cut where Unicode 10's rules cut."""
    cuts = set(graphemes_boundaries(text))
    for match in _JOINERS.finditer(text):
        after = match.end()
        if after < len(text) and (text[after] not in _GLUE_AFTER_ZWJ if match.group() == "\u200d"
                                  else unicodedata.category(text[after]) == "Lo"):
            cuts.add(after)
    return sorted(cuts)


class _Units:
    """One text's offsets in the unit of the file (UTF-16 units or grapheme clusters) and in code points."""

    def __init__(self, text: str, unit: str) -> None:
        self.text, self.unit = text, unit
        self._utf16 = Utf16Map(text) if unit == "utf16" else None
        self._graphemes = GraphemeMap(text, doccano_grapheme_boundaries) if unit == "graphemes" else None

    def to_code_points(self, offset: int) -> int:
        return self._utf16.from_utf16(offset) if self._utf16 else self._graphemes_map().from_graphemes(offset)

    def from_code_points(self, index: int) -> int:
        return self._utf16.to_utf16(index) if self._utf16 else self._graphemes_map().to_graphemes(index)

    def edges(self, span: Span) -> tuple[int, int, bool]:
        """The span's offsets in the file's unit and whether they had to widen to whole grapheme clusters
        (a span that starts or ends inside one cannot be said in clusters)."""
        start, end = span.start, span.end
        if self._graphemes is not None and not (self._graphemes.is_boundary(start)
                                                and self._graphemes.is_boundary(end)):
            start, end = self._graphemes.widen(start, end)
        return self.from_code_points(start), self.from_code_points(end), (start, end) != (span.start, span.end)

    def _graphemes_map(self) -> GraphemeMap:
        assert self._graphemes is not None
        return self._graphemes


# What can make a grapheme cluster of several UTF-16 units: marks, format characters (ZWJ), \r (of \r\n),
# Hangul jamo, characters beyond the BMP (surrogate pairs: emoji, regional indicators).
_CLUSTERING = regex.compile(r"[\p{M}\p{Cf}\r\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\U00010000-\U0010ffff]")


def _may_be_graphemes(text: str, offsets: list[int]) -> bool:
    """Whether offsets read as UTF-16 units could be a grapheme-counting project's: the text has clusters
    of several units and no offset passes its number of clusters."""
    if _CLUSTERING.search(text) is None:  # every unit is a cluster: the two counts agree
        return False
    graphemes = GraphemeMap(text, doccano_grapheme_boundaries)
    return graphemes.length < len(text.encode("utf-16-le")) // 2 and all(o <= graphemes.length for o in offsets)


def _entity_triples(record: dict[str, Any], ctx: ReadContext, where: Where) -> list[tuple[Any, Any, Any, Any]] | None:
    """``(start, end, label, entity_id)`` from ``entities``, ``label`` and doccano 1.0-1.2's ``annotations``
    (``{"label": 12, "start_offset", "end_offset", "user"}``: the label's id, as doccano-transformer names it);
    ``None`` after a problem."""
    raw: list[tuple[Any, Any, Any, Any]] = []
    entities = record.get("entities", [])
    labels = record.get("label", record.get("labels", []))
    annotations = record.get("annotations") if is_annotation_list(record.get("annotations")) else None
    for key, items in (("entities", entities), ("label", labels), ("annotations", annotations)):
        if items is None:
            continue
        if not isinstance(items, list):
            ctx.problem(f"{key!r} must be a list of [start, end, LABEL]", **where)
            return None
        for item in items:
            if isinstance(item, dict) and key == "annotations" and "start_offset" in item:
                label = str(item["label"]) if is_int(item.get("label")) else item.get("label")
                raw.append((item.get("start_offset"), item.get("end_offset"), label, None))
            elif isinstance(item, dict) and key in ("entities", "label"):  # SpanLabel.parse takes both shapes
                raw.append((item.get("start_offset"), item.get("end_offset"), item.get("label"), item.get("id")))
            elif isinstance(item, list) and len(item) == 3:
                raw.append((*item, None))
            else:
                shape = "{label, start_offset, end_offset, user}" if key == "annotations" else "[start, end, LABEL]"
                ctx.problem(f"an item of {key!r} must be {shape}, got {item!r:.60} (text-classification "
                            "labels are not spans)", **where)
                return None
    return raw


def is_annotation_list(value: Any) -> bool:
    """doccano 1.0-1.2's ``annotations``: a list of objects with offsets (or with a label only: classification)."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, dict) and "label" in item and "user" in item for item in value))


def annotators(record: Any) -> int:
    """How many users' annotations a doccano 1.0-1.2 record holds."""
    if not isinstance(record, dict) or not is_annotation_list(record.get("annotations")):
        return 0
    return len({json.dumps(item.get("user")) for item in record["annotations"]})


def _is_entity_id(value: Any) -> TypeGuard[int | str]:
    return is_int(value) or isinstance(value, str)


def _entity_id_fits(entity_id: Any, ends: dict[int | str, list[Any]], ctx: ReadContext, where: Where) -> bool:
    """Whether an entity's ``id`` (if any) is an integer or a string that no other entity of the record has."""
    if entity_id is None:
        return True
    if not _is_entity_id(entity_id):
        ctx.problem(f"an entity's 'id' must be an integer or a string, got {entity_id!r:.60}", **where)
        return False
    if entity_id in ends:
        ctx.problem(f"two entities have the id {entity_id!r:.60}: relations could not tell them apart", **where)
        return False
    return True


def _relations(record: dict[str, Any], ends: dict[int | str, list[Any]], ctx: ReadContext,
               where: Where) -> list[Any] | None:
    """Relations with their ends as code-point ``[start, end, label]``; ``None`` after a problem."""
    relations = record.get("relations")
    if relations is None:
        return None
    if not isinstance(relations, list):
        ctx.problem("'relations' must be a list", **where)
        return None
    kept = []
    for relation in relations:
        ids = [relation.get("from_id"), relation.get("to_id")] if isinstance(relation, dict) else []
        pair = [ends.get(entity_id) for entity_id in ids if _is_entity_id(entity_id)]
        if not isinstance(relation, dict) or len(pair) != 2 or None in pair:
            ctx.problem(f"relation {relation!r:.80} does not point at two entities of this record", **where)
            return None
        kept.append({"id": relation.get("id"), "type": relation.get("type"), "from": pair[0], "to": pair[1]})
    return kept


def _record_document(record: Any, ctx: ReadContext, where: Where, unit: str,
                     inside: list[int]) -> Document | None:
    """The record's document, or ``None`` after a problem; ``inside`` counts spans read as UTF-16 units
    whose edge falls inside a grapheme cluster (a sign that the file counts clusters)."""
    if not isinstance(record, dict):
        ctx.problem(f"a record must be a JSON object, got {type(record).__name__}", **where)
        return None
    text = check_text(record.get("text", record.get("data")), ctx, line=where.get("line"),
                      record=where.get("record"))
    if text is None:
        return None
    raw = _entity_triples(record, ctx, where)
    if raw is None:
        return None
    units, spans, ok = _Units(text, unit), [], True
    hint = f"; {GRAPHEMES_HINT}" if unit == "utf16" and _may_be_graphemes(
        text, [o for item in raw for o in item[:2] if is_int(o)]) else ""
    clusters = GraphemeMap(text, doccano_grapheme_boundaries) if unit == "utf16" and hint else None
    ends: dict[int | str, list[Any]] = {}  # entity id -> [start, end, label] in code points
    for start, end, label, entity_id in raw:
        span = _code_point_span(units, (start, end, label), ctx, where, hint)
        if span is None or not _entity_id_fits(entity_id, ends, ctx, where):
            ok = False
            continue
        spans.append(span)
        inside[0] += clusters is not None and not (clusters.is_boundary(span.start) and clusters.is_boundary(span.end))
        if entity_id is not None:
            ends[entity_id] = [span.start, span.end, span.label]
    meta = extra_meta(record, DOCCANO_KEYS if "text" not in record else DOCCANO_KEYS - {"data"})
    if is_annotation_list(meta.get("annotations")):
        del meta["annotations"]  # read as the spans
    if ok and record.get("relations") is not None:  # a refused entity would make its relations a 2nd problem
        relations = _relations(record, ends, ctx, where)
        ok = ok and relations is not None
        meta["relations"] = relations
    return Document(text=text, spans=spans, meta=meta) if ok else None


def _code_point_span(units: _Units, entity: tuple[Any, Any, Any], ctx: ReadContext, where: Where,
                     hint: str) -> Span | None:
    """One ``[start, end, label]`` of the file as a span in code points, or ``None`` after a problem."""
    start, end, label = entity
    if not is_int(start) or not is_int(end):
        ctx.problem(f"span offsets must be integers, got {start!r}..{end!r}", **where)
        return None
    unit = _UNIT_NAMES[units.unit]
    if start >= end:  # said in the file's own offsets, before they become code points
        ctx.problem(f"span {start}..{end} ({label!r:.60}) is empty or reversed (doccano offsets are {unit})",
                    code="E004", **where)
        return None
    try:
        cp_start, cp_end = units.to_code_points(start), units.to_code_points(end)
    except SpanError as error:
        ctx.problem(f"span {start}..{end} ({label!r:.60}): {error} (doccano offsets are {unit}{hint})",
                    code=error.code or "E110", **where)
        return None
    return ctx.make_span(units.text, cp_start, cp_end, label, **where)


def read_doccano(ctx: ReadContext) -> list[Document]:
    docs, merged, inside = [], 0, [0]
    unit = ctx.option("offsets", "utf16", OFFSET_UNITS)
    for record_no, (line, record) in enumerate(iter_json_lines(ctx.read_text(), ctx), start=1):
        doc = _record_document(record, ctx, {"line": line, "record": record_no}, unit, inside)
        if doc is not None:
            docs.append(doc)
            merged += annotators(record) > 1
    if inside[0]:
        ctx.warn(f"{counted(inside[0], 'span')} {by_count(inside[0], 'starts or ends', 'start or end')} inside a "
                 "character as doccano shows it (an emoji sequence, a letter and its accent, \\r\\n) when its "
                 f"offsets are read as UTF-16 units: {GRAPHEMES_HINT}")
    if merged:
        ctx.warn(f"{counted(merged, 'record')} had annotations of several users (a doccano 1.0-1.2 export): "
                 f"{by_count(merged, 'its', 'their')} spans were merged into one gold set")
    return docs


def _with_relations(record: dict[str, Any], spans: list[Span], relations: list[Any],
                    edges: list[tuple[int, int, bool]]) -> int:
    """Write entities with ids and relations that point at them; returns how many relations were dropped."""
    ids = {(s.start, s.end, s.label): number for number, s in enumerate(spans, start=1)}
    record["entities"] = [{"id": ids[(s.start, s.end, s.label)], "label": s.label,
                           "start_offset": start, "end_offset": end}
                          for s, (start, end, _) in zip(spans, edges, strict=True)]
    written, dropped = [], 0
    for number, relation in enumerate(relations, start=1):
        ends = [tuple(relation.get(k) or ()) if isinstance(relation, dict) else () for k in ("from", "to")]
        if not all(end in ids for end in ends):
            dropped += 1
            continue
        kept_id = relation.get("id")  # None where the file it came from gave none
        written.append({"id": kept_id if is_int(kept_id) else number, "from_id": ids[ends[0]],
                        "to_id": ids[ends[1]], "type": relation.get("type")})
    record["relations"] = written
    return dropped


def _dropped_without_overlap(spans: list[Span]) -> int:
    """How many spans doccano's import leaves out in a project that does not allow overlapping spans: it keeps
    a span, in order of start, only when it starts at or after the end of the last one kept
    (``data_import.pipeline.labels.Spans.clean``)."""
    kept, last_end = 0, -1
    for span in sorted(spans, key=lambda s: s.start):
        if span.start >= last_end:
            kept, last_end = kept + 1, span.end
    return len(spans) - kept


def _spans_key(documents: list[Document]) -> str:
    """Where the export's records put their spans: the key doccano's importer for the project reads.

    doccano imports a relation project with RelationExtractionDataset, which reads only ``entities`` and
    ``relations``, and an intent-and-slot project (``cats``) with CategoryAndSpanDataset, which reads only
    ``cats`` and ``entities``: a record of theirs with ``label`` would lose its spans. One document of the
    export from such a project decides for all, so a document added since keeps the shape too.
    """
    if any(isinstance(doc.meta.get("relations"), list) for doc in documents):
        return "relations"
    if any("cats" in doc.meta for doc in documents):
        return "entities"
    return "label"


def write_doccano(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines, dropped, widened = [], 0, 0
    spans_key = _spans_key(documents)
    unit = ctx.option("offsets", "utf16", OFFSET_UNITS)
    chosen = ctx.spans_to_write(documents, "doccano")
    for doc, spans in zip(documents, chosen, strict=True):
        units = _Units(doc.text, unit)
        edges = [units.edges(span) for span in spans]
        widened += sum(moved for _, _, moved in edges)
        record: dict[str, Any] = meta_for_record(doc, DOCCANO_KEYS)
        record["text"] = doc.text
        if spans_key == "relations":
            relations = doc.meta.get("relations")
            dropped += _with_relations(record, spans, relations if isinstance(relations, list) else [], edges)
        else:
            record[spans_key] = [[start, end, s.label] for s, (start, end, _) in zip(spans, edges, strict=True)]
        lines.append(dumps(record))
    overlapping = sum(_dropped_without_overlap(spans) for spans in chosen)
    if overlapping:
        ctx.warn(f"{counted(overlapping, 'span')} {by_count(overlapping, 'overlaps', 'overlap')} an earlier one: "
                 "doccano imports such spans only into a project with 'Allow overlapping spans' (without it, its "
                 "import leaves them out)")
    if widened:
        ctx.warn(f"{counted(widened, 'span')} {by_count(widened, 'starts or ends', 'start or end')} inside a grapheme "
                 f"cluster (a character as doccano shows it): written widened to whole clusters")
    if dropped:
        ctx.warn(f"{counted(dropped, 'relation')} {by_count(dropped, 'points', 'point')} at spans that are no "
                 f"longer there and {by_count(dropped, 'was', 'were')} not written")
    atomic_write_text(path, "".join(line + "\n" for line in lines))


SPECS = (
    FormatSpec(
        name="doccano", reader=read_doccano, writer=write_doccano, extensions=(".jsonl", ".json"), lossy=True,
        description='doccano JSON lines: {"text" or "data", "label" or "entities": [[s, e, "L"]] or '
                    '[{"id", "start_offset", "end_offset", "label"}], "relations", "cats"}',
        keeps="text, gold spans (nested too), relations (by span), other keys such as id, cats",
        loses="predictions (unless source='pred'), scores, name, status",
        offsets="UTF-16 code units, end exclusive (offsets='graphemes': grapheme clusters, for a project that "
                "counts them)", write_options=frozenset({"offsets"})),
)
