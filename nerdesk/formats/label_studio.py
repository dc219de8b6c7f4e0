"""Label Studio JSON tasks (as exported by Label Studio 1.x, read by label-studio-sdk 2.x's converter).

A task is ``{"id", "data": {FIELD: text, ...}, "annotations": [{"result": [...]}], "predictions":
[{"model_version", "score", "result": [...]}], "meta": {...}}``. A text-span result is ``{"from_name",
"to_name", "type": "labels", "value": {"start", "end", "text", "labels"}}``. The JSON-MIN export (one
flat record per annotation) is read as the tasks it flattens. Which data field is the text and how the
offsets are read: ``nerdesk.formats.label_studio_text``.

Review status: a submitted (not cancelled) annotation is finished work, so its task is imported as a
reviewed document with the annotation's spans as gold, and only reviewed documents are exported with an
annotation. The gold spans of a document not reviewed are work in progress, which Label Studio shows as
pre-annotations: they are written as a prediction whose ``model_version`` is ``nerdesk-unreviewed`` and
read back as gold spans, unless the task has a submitted annotation by then (which replaces them). A
status other than reviewed and new is kept in the task's ``meta`` (``nerdesk_status``); Label Studio
keeps a task's ``meta`` through its import and export.

The other data fields are kept in ``meta["data"]`` and written back; so are the ``from_name``/``to_name``
read (in ``meta["label_studio"]``), so results match the user's labeling config. Task keys Label Studio
defines (``id``, ``created_at``...) stay at the top level; every other metadata entry is written under
the task's ``meta``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.document import STATUSES, Document, Status
from nerdesk.core.errors import FormatError
from nerdesk.core.json_values import is_int, is_number
from nerdesk.core.spans import GOLD, PRED, Source, Span, dedupe, sort_spans
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    CODE_POINTS,
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    dumps,
    loads_document,
)
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.label_studio_min import tasks_of_records
from nerdesk.formats.label_studio_regions import (
    ANCHORS_KEY,
    REGIONS_KEY,
    is_region_id,
    keep_region_results,
    region_results,
)
from nerdesk.formats.label_studio_text import (
    file_link_problem,
    file_text_field,
    forget_texts,
    pick_text_field,
    resolve_offsets,
)
from nerdesk.formats.label_studio_warnings import LsState, read_warnings

LS_TASK_KEYS = {"data", "annotations", "predictions", "completions", "meta"}
# Top-level task keys of Label Studio's own export, written back where they were.
LS_TOP_LEVEL = {"id", "inner_id", "created_at", "updated_at", "project", "file_upload", "drafts",
                "total_annotations", "cancelled_annotations", "total_predictions", "comment_count",
                "unresolved_comment_count", "last_comment_updated_at", "updated_by", "comment_authors",
                "annotators", "is_labeled", "overlap"}
NAMES_KEY = "label_studio"
DEFAULT_FROM, DEFAULT_TO = "label", "text"
# The prediction holding the gold spans of a document not reviewed, and the task meta key of its status.
UNREVIEWED_VERSION = "nerdesk-unreviewed"
STATUS_KEY = "nerdesk_status"


def _ls_results(results: Any, text: str, ctx: ReadContext, state: LsState, *, source: Source,
                score: Any, model_version: Any, where: Where, names: dict[str, Any],
                other_fields: set[str]) -> list[Any] | None:
    if not isinstance(results, list):
        ctx.problem("'result' must be a list", **where)
        return None
    spans, ok = [], True
    for item in results:
        if not isinstance(item, dict):
            ctx.problem(f"a result must be an object, got {item!r:.60}", **where)
            ok = False
            continue
        value = item.get("value")
        if item.get("type") not in (None, "labels") or not isinstance(value, dict) or "labels" not in value:
            state.skipped_results += 1  # choices, relations, text areas...: not spans
            continue
        if item.get("to_name") in other_fields:
            state.other_field += 1  # its offsets are in another field's text
            continue
        labels = value.get("labels")
        if labels == []:
            state.unlabelled += 1
            continue
        if not isinstance(labels, list):
            ctx.problem(f"'value.labels' must be a list of labels, got {labels!r:.60}", **where)
            ok = False
            continue
        start, end, how = resolve_offsets(text, value.get("start"), value.get("end"), value.get("text"))
        state.utf16_fixed += how == "utf16"
        state.display_only += how == "display"
        state.inside += how == "inside"
        mention = None if how in ("display", "inside") else value.get("text")
        for label in labels:
            span = ctx.make_span(text, start, end, label, mention=mention, source=source,
                                 score=item.get("score", score) if source == PRED else None,
                                 model_version=model_version, **where)
            if span is None:
                ok = False
                continue
            spans.append(span)
            if source == GOLD and label == labels[0] and is_region_id(item.get("id")):  # what the region has
                names.setdefault(ANCHORS_KEY, {})[item["id"]] = [span.start, span.end, span.label]
            if source == PRED and "score" not in item and span.score is not None:  # the prediction's score
                names.setdefault("unscored_results", []).append([span.start, span.end, span.label,
                                                                 span.model_version])
            if isinstance(item.get("from_name"), str):
                names.setdefault("from_name", {})[span.label] = item["from_name"]
            if isinstance(item.get("to_name"), str):
                names["to_name"] = item["to_name"]
    return spans if ok else None


def _task_spans(task: dict[str, Any], text_key: str, ctx: ReadContext, state: LsState, where: Where,
                names: dict[str, Any]) -> tuple[list[Any] | None, bool]:
    """The task's spans (``None`` after a problem) and whether someone submitted an annotation of it.

    Annotations come first, so that a submitted one replaces nerdesk's unreviewed gold prediction.
    """
    text = task["data"][text_key]
    other_fields = {key for key, value in task["data"].items() if isinstance(value, str) and key != text_key}
    annotations = task.get("annotations", task.get("completions", []))
    predictions = task.get("predictions", [])
    if not isinstance(annotations, list) or not isinstance(predictions, list):
        ctx.problem("'annotations' and 'predictions' must be lists", **where)
        return None, False
    spans, ok, kept = [], True, 0
    truth = _ground_truth(annotations)
    for group, source in [*((a, GOLD) for a in annotations), *((p, PRED) for p in predictions)]:
        if not isinstance(group, dict):
            ctx.problem(f"an annotation or prediction must be an object, got {group!r:.60}", **where)
            ok = False
            continue
        if source == GOLD and (group.get("was_cancelled") or group.get("skipped")):
            state.cancelled += 1
            continue
        if source == GOLD and truth and group.get("ground_truth") is not True:
            state.beside_truth += 1
            continue
        kept += source == GOLD
        if source == PRED and group.get("model_version") == UNREVIEWED_VERSION:
            if kept:
                continue
            source = GOLD  # the gold spans of a document not reviewed yet
        got = _ls_results(group.get("result", []), text, ctx, state, source=source,
                          score=group.get("score") if source == PRED else None,
                          model_version=group.get("model_version") if source == PRED else None,
                          where=where, names=names, other_fields=other_fields)
        if got is None:
            ok = False
        else:
            spans.extend(got)
            if source == GOLD:  # its regions' meta, per-region results and relations
                state.skipped_results -= keep_region_results(group.get("result"), names)
            if source == PRED:
                _keep_prediction_score(group, got, names)
    state.merged += kept > 1
    return (spans if ok else None), kept > 0


def _ground_truth(annotations: list[Any]) -> bool:
    """Whether the task's submitted annotations include one marked as ground truth (Label Studio's star on
    an annotation: the reference the others are compared with); then it alone is the gold."""
    return any(isinstance(a, dict) and a.get("ground_truth") is True and not (a.get("was_cancelled") or a.get("skipped"))
               for a in annotations)


def _keep_prediction_score(prediction: dict[str, Any], spans: list[Any], names: dict[str, Any]) -> None:
    """Remember a prediction's own score where the writer would not give it back (it writes the least score
    of the prediction's spans): 0.42 over results of 0.95 and 0.3."""
    score, version = prediction.get("score"), prediction.get("model_version")
    scores = [span.score for span in spans if span.score is not None]
    if is_number(score) and isinstance(version, str) and (not scores or min(scores) != score):
        names.setdefault("prediction_scores", {})[version] = score


def _task_meta(task: dict[str, Any], text_key: str, names: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in task.items() if k not in LS_TASK_KEYS}
    if isinstance(task.get("meta"), dict):
        meta = {**task["meta"], **meta}
        meta.pop(STATUS_KEY, None)
    other_data = {k: v for k, v in task["data"].items() if k != text_key}
    if other_data or text_key != "text":
        meta["data"] = other_data
        if text_key != "text":
            meta["text_key"] = text_key
    from_names = set(names.get("from_name", {}).values())
    kept_names: dict[str, Any] = {}
    if from_names and from_names != {DEFAULT_FROM}:
        kept_names["from_name"] = from_names.pop() if len(from_names) == 1 else names["from_name"]
    if names.get("to_name") not in (None, text_key):
        kept_names["to_name"] = names["to_name"]
    if names.get("prediction_scores"):  # written back as they were, not as the least score of their spans
        kept_names["prediction_scores"] = names["prediction_scores"]
    if names.get("unscored_results"):  # written back without a score of their own, as they were
        kept_names["unscored_results"] = names["unscored_results"]
    if names.get(REGIONS_KEY):
        kept_names[REGIONS_KEY] = names[REGIONS_KEY]
    if kept_names:
        meta[NAMES_KEY] = kept_names
    return meta


def read_label_studio(ctx: ReadContext) -> list[Document]:
    """Tasks of a full JSON export, or records of a JSON-MIN export (turned into the tasks they flatten).

    A task with a submitted (not cancelled) annotation is finished work: it is imported as reviewed,
    even when the annotation has no result (checked, nothing to label).
    """
    data = loads_document(ctx.read_text(), ctx)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(f"expected a JSON array of Label Studio tasks, got {type(data).__name__}",
                          path=str(ctx.path), code="E112")
    tasks = tasks_of_records(data)
    chosen = ctx.option("text_field")
    if chosen is not None and not isinstance(chosen, str):
        raise FormatError(f"option text_field={chosen!r} must be the name of a data field", code="E108")
    fallback = file_text_field([task for _, task in tasks])
    state, docs = LsState(), []
    for record_no, task in tasks:
        where: Where = {"record": record_no}
        if not isinstance(task, dict):
            ctx.problem(f"a task must be a JSON object, got {type(task).__name__}", **where)
            continue
        text, text_key, why_not = pick_text_field(task, fallback, chosen)
        if text is None or text_key is None:
            ctx.problem(why_not, **where)
            continue
        link = file_link_problem(task, text_key)
        if link is not None:
            ctx.problem(link, **where)
            continue
        names: dict[str, Any] = {}
        spans, annotated = _task_spans(task, text_key, ctx, state, where, names)
        if spans is not None:
            docs.append(Document(text=text, spans=dedupe(spans), meta=_task_meta(task, text_key, names),
                                 status="reviewed" if annotated else _kept_status(task)))
    forget_texts()
    read_warnings(ctx, state)
    return docs


def _kept_status(task: dict[str, Any]) -> Status:
    """The status other than reviewed that nerdesk kept in the task's meta, else new."""
    meta = task.get("meta")
    status = meta.get(STATUS_KEY) if isinstance(meta, dict) else None
    return next((s for s in STATUSES if s == status and s != "reviewed"), "new")


# -- writing -----------------------------------------------------------------------------------------

def _ls_result(span: Any, text: str, number: int, prefix: str, names: dict[str, Any]) -> dict[str, Any]:
    from_name = names["from_name"]
    if isinstance(from_name, dict):
        from_name = from_name.get(span.label, DEFAULT_FROM)
    result: dict[str, Any] = {
        "id": f"{prefix}{number}",
        "from_name": from_name if isinstance(from_name, str) else DEFAULT_FROM,
        "to_name": names["to_name"],
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": span.mention(text), "labels": [span.label]},
    }
    if span.score is not None and [span.start, span.end, span.label, span.model_version] not in names.get(
            "unscored_results", []):  # a result read without a score of its own took its prediction's
        result["score"] = span.score
    return result


def _predictions(doc: Document, names: dict[str, Any]) -> list[dict[str, Any]]:
    by_version: dict[str | None, list[Span]] = {}
    for span in doc.predictions:
        by_version.setdefault(span.model_version, []).append(span)
    predictions = []
    for version, spans in by_version.items():
        prediction: dict[str, Any] = {
            "model_version": version,
            "result": [_ls_result(s, doc.text, i, "p", names) for i, s in enumerate(sort_spans(spans))]}
        scores = [s.score for s in spans if s.score is not None]
        kept = names.get("prediction_scores", {}).get(version)
        if is_number(kept):
            prediction["score"] = kept
        elif scores:
            prediction["score"] = min(scores)
        predictions.append(prediction)
    return predictions


def _task_ids(documents: list[Document]) -> list[int]:
    """Each task's ``id``: the one read from Label Studio, else the project's, else a count; unique."""
    wanted = [doc.meta.get("id") if is_int(doc.meta.get("id")) else doc.id for doc in documents]
    ids = [i for i in wanted if is_int(i)]
    if len(ids) == len(wanted) and len(set(ids)) == len(ids):
        return ids
    return list(range(1, len(documents) + 1))


def _task(doc: Document, task_id: int, gone: list[int]) -> dict[str, Any]:
    """The task of ``doc``; ``gone`` counts kept region results whose spans are no longer there."""
    meta = dict(doc.meta)
    data = meta.pop("data", {})
    text_key = meta.pop("text_key", "text")
    kept_names = meta.pop(NAMES_KEY, {})
    data = data if isinstance(data, dict) else {}
    text_key = text_key if isinstance(text_key, str) else "text"
    kept_names = kept_names if isinstance(kept_names, dict) else {}
    names = {"from_name": kept_names.get("from_name", DEFAULT_FROM),
             "to_name": kept_names["to_name"] if isinstance(kept_names.get("to_name"), str) else text_key,
             "prediction_scores": kept_names.get("prediction_scores") if isinstance(
                 kept_names.get("prediction_scores"), dict) else {},
             "unscored_results": kept_names.get("unscored_results") if isinstance(
                 kept_names.get("unscored_results"), list) else []}
    task: dict[str, Any] = {k: v for k, v in meta.items() if k in LS_TOP_LEVEL}
    task["id"] = task_id
    task["data"] = {**data, text_key: doc.text}
    gold = [_ls_result(s, doc.text, i, "g", names) for i, s in enumerate(doc.gold)]
    extra, gone_here = region_results(kept_names.get(REGIONS_KEY), doc.gold, gold)
    gold += extra
    gone[0] += gone_here
    reviewed = doc.status == "reviewed"
    task["annotations"] = [{"result": gold}] if reviewed else []
    unreviewed = [{"model_version": UNREVIEWED_VERSION, "result": gold}] if gold and not reviewed else []
    task["predictions"] = [*unreviewed, *_predictions(doc, names)]
    rest = {k: v for k, v in meta.items() if k not in LS_TOP_LEVEL and isinstance(k, str)}
    if doc.status not in ("reviewed", "new"):
        rest[STATUS_KEY] = doc.status
    if rest:
        task["meta"] = rest
    return task


def write_label_studio(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    gone = [0]
    tasks = [_task(doc, task_id, gone) for doc, task_id in zip(documents, _task_ids(documents), strict=True)]
    if gone[0]:
        ctx.warn(f"{counted(gone[0], 'region annotation')} (meta, per-region answers, relations) "
                 f"{by_count(gone[0], 'belongs', 'belong')} to spans no longer there and "
                 f"{by_count(gone[0], 'was', 'were')} not written")
    atomic_write_text(path, dumps(tasks, indent=ctx.option("indent", 1)) + "\n")


SPECS = (
    FormatSpec(
        name="label-studio", reader=read_label_studio, writer=write_label_studio, extensions=(".json",),
        lossy=True, description="Label Studio JSON tasks: submitted annotations are reviewed gold, predictions "
                                "are predictions; unreviewed gold is a prediction of model version "
                                "nerdesk-unreviewed",
        keeps="text, gold spans, status (reviewed: a submitted annotation; else the gold spans as a prediction "
              "of model version nerdesk-unreviewed, the status in the task's meta), predictions with score and "
              "model version, task id, other data fields, from_name/to_name, meta; the gold regions' meta, "
              "per-region answers and relations (while their spans are there)",
        loses="name; results that are not text spans (but the meta, per-region answers and relations of the gold "
              "regions), cancelled or skipped annotations (on import)",
        offsets=CODE_POINTS + " (UTF-16 offsets are accepted when only they match the mention; value.text that "
                              "differs only as displayed, or is part of the text at the offsets, is warned about)",
        write_options=frozenset({"indent"}), aliases=("labelstudio", "label_studio")),
)
