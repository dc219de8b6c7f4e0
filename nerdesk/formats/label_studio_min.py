"""Label Studio's JSON-MIN export read as the Label Studio tasks it flattens.

label-studio-sdk's Converter (format JSON_MIN) writes one flat record per annotation: the task's data
fields, "id", one list per labeling tag named after it (its "from_name") of ``{"start", "end", "text",
"labels"}``, and a few keys of the annotation (annotator, annotation_id, lead_time...).
"""

from __future__ import annotations

from typing import Any

JSON_MIN_KEYS = frozenset({"annotator", "annotation_id", "lead_time"})
_JSON_MIN_ANNOTATION_KEYS = {"annotator": "completed_by", "annotation_id": "id", "created_at": "created_at",
                             "updated_at": "updated_at", "lead_time": "lead_time", "agreement": "agreement"}


def is_json_min_record(record: Any) -> bool:
    return isinstance(record, dict) and not isinstance(record.get("data"), dict) and record.keys() >= JSON_MIN_KEYS


def _is_span_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(item, dict) and "labels" in item and "start" in item for item in value)


def task_of_json_min(record: dict[str, Any]) -> dict[str, Any]:
    """The task a JSON-MIN record flattens; its other outputs (choices, text areas) stay data fields."""
    outputs = {key: value for key, value in record.items() if _is_span_list(value)}
    data = {key: value for key, value in record.items()
            if key not in outputs and key not in _JSON_MIN_ANNOTATION_KEYS and key != "id"}
    task: dict[str, Any] = {"id": record["id"]} if "id" in record else {}
    task["data"] = data
    task["annotations"] = []
    if outputs or record.get("annotation_id") is not None:
        annotation = {ours: record.get(theirs) for theirs, ours in _JSON_MIN_ANNOTATION_KEYS.items()}
        annotation["result"] = [{"from_name": name, "type": "labels", "value": item}
                                for name, items in outputs.items() for item in items]
        task["annotations"].append(annotation)
    return task


def tasks_of_records(records: list[Any]) -> list[tuple[int, Any]]:
    """``(record number, task)``: JSON-MIN records as tasks, the records of one task's several
    annotations (same id, same text, one after the other) merged into one task."""
    tasks: list[tuple[int, Any]] = []
    for record_no, record in enumerate(records, start=1):
        if not is_json_min_record(record):
            tasks.append((record_no, record))
            continue
        task = task_of_json_min(record)
        previous = tasks[-1][1] if tasks else None
        if isinstance(previous, dict) and _same_task(previous, task):
            _merge(previous, task)
        else:
            tasks.append((record_no, task))
    return tasks


def _same_task(previous: dict[str, Any], task: dict[str, Any]) -> bool:
    return (task.get("id") is not None and previous.get("id") == task["id"]
            and isinstance(previous.get("annotations"), list) and isinstance(previous.get("data"), dict)
            and _longest_text(previous["data"]) == _longest_text(task["data"]))


def _longest_text(data: dict[str, Any]) -> str | None:
    return max((value for value in data.values() if isinstance(value, str)), key=len, default=None)


def _merge(previous: dict[str, Any], task: dict[str, Any]) -> None:
    """Add ``task``'s annotation to ``previous``. A field the two records do not share with one value is an
    annotator's answer (a Choices or TextArea tag, flattened by JSON-MIN), not task data: it moves into the
    result of the annotation it came from, where it is skipped as a result that is not a text span."""
    data, answers = previous["data"], task["data"]
    differing = {key for key in data.keys() | answers.keys() if data.get(key, _ABSENT) != answers.get(key, _ABSENT)}
    for key in differing & data.keys():
        value = data.pop(key)
        for annotation in previous["annotations"]:
            annotation["result"].append(_answer(key, value))
    for key in differing & answers.keys():
        for annotation in task["annotations"]:
            annotation["result"].append(_answer(key, answers[key]))
    previous["annotations"].extend(task["annotations"])


_ABSENT = object()


def _answer(name: str, value: Any) -> dict[str, Any]:
    return {"from_name": name, "type": "json-min-answer", "value": value}
