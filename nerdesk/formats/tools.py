"""Formats of annotation tools: doccano, Label Studio, spaCy/Prodigy.

- ``doccano``: JSON lines ``{"text", "label": [[start, end, "LABEL"], ...]}`` (or ``entities`` with
  ``start_offset``/``end_offset``), offsets in UTF-16 code units (an emoji outside the BMP counts 2).
- ``label-studio``: a JSON array of tasks ``{"data": {"text"}, "annotations": [{"result": [...]}],
  "predictions": [{"model_version", "score", "result": [...]}]}``; a result's ``value`` has
  ``start``/``end`` (code points, end exclusive), ``text`` and ``labels``. Annotations are gold,
  predictions are predictions with their score.
- ``spacy``: Prodigy/spaCy JSON lines ``{"text", "spans": [{"start", "end", "label"}]}``, code points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, SpanError
from nerdesk.core.offsets import Utf16Map
from nerdesk.core.spans import GOLD, PRED, Span, dedupe, sort_spans
from nerdesk.formats._base import (
    ReadContext,
    WriteContext,
    atomic_write_text,
    check_text,
    dumps,
    extra_meta,
    is_int,
    iter_json_lines,
    json_line_records,
    loads_document,
    meta_for_record,
    read_entity_list_records,
)

# -- doccano -----------------------------------------------------------------------------------------

DOCCANO_KEYS = {"text", "label", "labels", "entities"}


def read_doccano(ctx: ReadContext) -> list[Document]:
    docs = []
    for record_no, (line, record) in enumerate(iter_json_lines(ctx.read_text(), ctx), start=1):
        where = {"line": line, "record": record_no}
        if not isinstance(record, dict):
            ctx.problem(f"a record must be a JSON object, got {type(record).__name__}", **where)
            continue
        text = check_text(record.get("text", record.get("data")), ctx, **where)
        if text is None:
            continue
        raw: list[tuple[Any, Any, Any]] = []
        ok = True
        if "entities" in record:
            entities = record["entities"]
            if not isinstance(entities, list):
                ctx.problem("'entities' must be a list", **where)
                continue
            for entity in entities:
                if not isinstance(entity, dict):
                    ctx.problem(f"an entity must be an object, got {entity!r:.60}", **where)
                    ok = False
                    continue
                raw.append((entity.get("start_offset"), entity.get("end_offset"), entity.get("label")))
        labels = record.get("label", record.get("labels", []))
        if labels is None:
            labels = []
        if not isinstance(labels, list):
            ctx.problem("'label' must be a list of [start, end, LABEL]", **where)
            continue
        for item in labels:
            if not (isinstance(item, list) and len(item) == 3):
                ctx.problem(f"a label must be [start, end, LABEL], got {item!r:.60} (text-classification "
                            "labels are not spans)", **where)
                ok = False
                continue
            raw.append(tuple(item))
        utf16 = Utf16Map(text)
        spans = []
        for start, end, label in raw:
            if not is_int(start) or not is_int(end):
                ctx.problem(f"span offsets must be integers, got {start!r}..{end!r}", **where)
                ok = False
                continue
            try:
                cp_start, cp_end = utf16.from_utf16(start), utf16.from_utf16(end)
            except SpanError as error:
                ctx.problem(f"span {start}..{end} ({label}): {error} (doccano offsets are UTF-16 units)", **where)
                ok = False
                continue
            span = ctx.make_span(text, cp_start, cp_end, label, **where)
            if span is None:
                ok = False
            else:
                spans.append(span)
        if ok:
            docs.append(Document(text=text, spans=spans, meta=extra_meta(record, DOCCANO_KEYS)))
    return docs


def write_doccano(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines = []
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "doccano"), strict=True):
        utf16 = Utf16Map(doc.text)
        record: dict[str, Any] = meta_for_record(doc, DOCCANO_KEYS)
        record["text"] = doc.text
        record["label"] = [[utf16.to_utf16(s.start), utf16.to_utf16(s.end), s.label] for s in spans]
        lines.append(dumps(record))
    atomic_write_text(path, "".join(line + "\n" for line in lines))


# -- Label Studio ------------------------------------------------------------------------------------

LS_TASK_KEYS = {"data", "annotations", "predictions", "completions"}


def _text_of_task(data: Any) -> tuple[str | None, str | None]:
    if not isinstance(data, dict):
        return None, None
    if isinstance(data.get("text"), str):
        return data["text"], "text"
    strings = [k for k, v in data.items() if isinstance(v, str)]
    if len(strings) == 1:
        return data[strings[0]], strings[0]
    return None, None


class _LsState:
    def __init__(self) -> None:
        self.utf16_fixed = 0
        self.skipped_results = 0
        self.cancelled = 0
        self.merged = 0


def _ls_results(results: Any, text: str, ctx: ReadContext, state: _LsState, *, source: str,
                score: Any, model_version: Any, where: dict) -> list | None:
    if not isinstance(results, list):
        ctx.problem("'result' must be a list", **where)
        return None
    spans, ok, utf16 = [], True, None
    for item in results:
        if not isinstance(item, dict):
            ctx.problem(f"a result must be an object, got {item!r:.60}", **where)
            ok = False
            continue
        value = item.get("value")
        kind = item.get("type")
        if kind not in (None, "labels") or not isinstance(value, dict) or "labels" not in value:
            state.skipped_results += 1  # choices, relations, text areas...: not spans
            continue
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            ctx.problem(f"'value.labels' must be a non-empty list, got {labels!r:.60}", **where)
            ok = False
            continue
        start, end, mention = value.get("start"), value.get("end"), value.get("text")
        item_score = item.get("score", score)
        if (is_int(start) and is_int(end) and isinstance(mention, str) and 0 <= start < end <= len(text)
                and text[start:end] != mention):
            # Label Studio's editor counts UTF-16 units: accept those when they match the mention.
            utf16 = utf16 or Utf16Map(text)
            try:
                cp = utf16.from_utf16(start), utf16.from_utf16(end)
            except SpanError:
                cp = None
            if cp is not None and text[cp[0]:cp[1]] == mention:
                start, end = cp
                state.utf16_fixed += 1
        for label in labels:
            span = ctx.make_span(text, start, end, label, mention=mention, source=source, score=item_score,
                                 model_version=model_version, **where)
            if span is None:
                ok = False
            else:
                spans.append(span)
    return spans if ok else None


def read_label_studio(ctx: ReadContext) -> list[Document]:
    data = loads_document(ctx.read_text(), ctx)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(f"expected a JSON array of Label Studio tasks, got {type(data).__name__}",
                          path=str(ctx.path))
    state = _LsState()
    docs = []
    for record_no, task in enumerate(data, start=1):
        where = {"record": record_no}
        if not isinstance(task, dict):
            ctx.problem(f"a task must be a JSON object, got {type(task).__name__}", **where)
            continue
        text, text_key = _text_of_task(task.get("data"))
        if text is None:
            ctx.problem("the task has no text: expected 'data': {'text': ...}", **where)
            continue
        spans, ok = [], True
        annotations = task.get("annotations", task.get("completions", []))
        predictions = task.get("predictions", [])
        if not isinstance(annotations, list) or not isinstance(predictions, list):
            ctx.problem("'annotations' and 'predictions' must be lists", **where)
            continue
        kept_annotations = 0
        for annotation in annotations:
            if not isinstance(annotation, dict):
                ctx.problem(f"an annotation must be an object, got {annotation!r:.60}", **where)
                ok = False
                continue
            if annotation.get("was_cancelled"):
                state.cancelled += 1
                continue
            kept_annotations += 1
            got = _ls_results(annotation.get("result", []), text, ctx, state, source=GOLD, score=None,
                              model_version=None, where=where)
            if got is None:
                ok = False
            else:
                spans.extend(got)
        if kept_annotations > 1:
            state.merged += 1
        for prediction in predictions:
            if not isinstance(prediction, dict):
                ctx.problem(f"a prediction must be an object, got {prediction!r:.60}", **where)
                ok = False
                continue
            got = _ls_results(prediction.get("result", []), text, ctx, state, source=PRED,
                              score=prediction.get("score"), model_version=prediction.get("model_version"),
                              where=where)
            if got is None:
                ok = False
            else:
                spans.extend(got)
        if not ok:
            continue
        meta = extra_meta(task, LS_TASK_KEYS)
        other_data = {k: v for k, v in task["data"].items() if k != text_key}
        if other_data or text_key != "text":
            meta["data"] = other_data
            if text_key != "text":
                meta["text_key"] = text_key
        docs.append(Document(text=text, spans=dedupe(spans), meta=meta))
    if state.utf16_fixed:
        ctx.warn(f"{state.utf16_fixed} span(s) had UTF-16 offsets (they matched their text only as UTF-16); "
                 "converted to code points")
    if state.skipped_results:
        ctx.warn(f"{state.skipped_results} result(s) that are not text spans (choices, relations, ...) "
                 "were skipped")
    if state.cancelled:
        ctx.warn(f"{state.cancelled} cancelled annotation(s) were skipped")
    if state.merged:
        ctx.warn(f"{state.merged} task(s) had several annotations: their spans were merged into one gold set")
    return docs


def _ls_result(span: Any, text: str, number: int, prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": f"{prefix}{number}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": span.mention(text), "labels": [span.label]},
    }
    if span.score is not None:
        result["score"] = span.score
    return result


def write_label_studio(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    tasks = []
    for doc in documents:
        meta = dict(doc.meta)
        data = meta.pop("data", {})
        text_key = meta.pop("text_key", "text")
        if not isinstance(data, dict):
            data = {}
        if not isinstance(text_key, str):
            text_key = "text"
        task: dict[str, Any] = {k: v for k, v in meta.items() if k not in LS_TASK_KEYS}
        task["data"] = {**data, text_key: doc.text}
        gold = doc.gold
        task["annotations"] = ([{"result": [_ls_result(s, doc.text, i, "g") for i, s in enumerate(gold)]}]
                               if gold or doc.status == "reviewed" else [])
        by_version: dict[str | None, list] = {}
        for span in doc.predictions:
            by_version.setdefault(span.model_version, []).append(span)
        predictions = []
        for version, spans in by_version.items():
            prediction: dict[str, Any] = {"model_version": version,
                                          "result": [_ls_result(s, doc.text, i, "p") for i, s in
                                                     enumerate(sort_spans(spans))]}
            scores = [s.score for s in spans if s.score is not None]
            if scores:
                prediction["score"] = min(scores)
            predictions.append(prediction)
        task["predictions"] = predictions
        tasks.append(task)
    atomic_write_text(path, dumps(tasks, indent=ctx.option("indent", 1)) + "\n")


# -- spaCy / Prodigy ---------------------------------------------------------------------------------

SPACY_KEYS = {"text", "spans", "tokens"}


def read_spacy(ctx: ReadContext) -> list[Document]:
    def span_of(item: dict, text: str, where: dict) -> Span | None:
        return ctx.make_span(text, item.get("start"), item.get("end"), item.get("label"), mention=item.get("text"),
                             **where)

    return read_entity_list_records(json_line_records(ctx), ctx, list_key="spans", known_keys=SPACY_KEYS,
                                    span_of=span_of)


def write_spacy(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines = []
    for doc, spans in zip(documents, ctx.spans_to_write(documents, "spacy"), strict=True):
        record: dict[str, Any] = meta_for_record(doc, SPACY_KEYS)
        record["text"] = doc.text
        record["spans"] = [{"start": s.start, "end": s.end, "label": s.label} for s in spans]
        lines.append(dumps(record))
    atomic_write_text(path, "".join(line + "\n" for line in lines))
