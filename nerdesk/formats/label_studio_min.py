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
    annotations (same id, same data, one after the other) merged into one task."""
    tasks: list[tuple[int, Any]] = []
    for record_no, record in enumerate(records, start=1):
        if not is_json_min_record(record):
            tasks.append((record_no, record))
            continue
        task = task_of_json_min(record)
        previous = tasks[-1][1] if tasks else None
        if isinstance(previous, dict) and _same_task(previous, task):
            previous["annotations"].extend(task["annotations"])
        else:
            tasks.append((record_no, task))
    return tasks


def _same_task(previous: dict[str, Any], task: dict[str, Any]) -> bool:
    return (task.get("id") is not None and previous.get("id") == task["id"]
            and previous.get("data") == task["data"] and isinstance(previous.get("annotations"), list))
