"""What a Label Studio annotation attaches to its text regions besides their labels, kept and written back.

- a region's ``meta`` (the text an annotator gives a region in Label Studio's region panel);
- per-region results of other tags (a ``TextArea`` or ``Choices`` with ``perRegion="true"``: a result with the
  ``id`` of the region it belongs to, e.g. a normalised name or an attribute);
- relations between regions (``{"type": "relation", "from_id", "to_id", "direction", "labels"}``).

nerdesk spans have no place for them, so each is kept in the document's metadata beside the span its region
became (``[start, end, label]``) and written back, with the id of that span's result, while the span (all
spans, for a relation) is still among the document's gold spans.
"""

from __future__ import annotations

from typing import Any

from nerdesk.core.json_values import is_int
from nerdesk.core.spans import Span

REGIONS_KEY = "regions"
ANCHORS_KEY = "_anchors"  # region id -> [start, end, label], while one annotation is read


def is_region_id(value: Any) -> bool:
    return isinstance(value, str) or is_int(value)


def keep_region_results(results: Any, names: dict[str, Any]) -> int:
    """Keep in ``names[REGIONS_KEY]`` what ``results`` (one annotation's) attach to the regions read from it;
    returns how many results that are not spans were kept (the caller counted them as skipped)."""
    anchors = names.pop(ANCHORS_KEY, {})
    kept = 0
    for item in results if isinstance(results, list) else ():
        if not isinstance(item, dict):
            continue
        entry = _entry(item, anchors)
        if entry is not None:
            names.setdefault(REGIONS_KEY, []).append(entry)
            kept += "result" in entry
    return kept


def _anchor(anchors: dict[Any, list[Any]], region_id: Any) -> list[Any] | None:
    return anchors.get(region_id) if is_region_id(region_id) else None


def _entry(item: dict[str, Any], anchors: dict[Any, list[Any]]) -> dict[str, Any] | None:
    if item.get("type") == "relation":
        ends = [_anchor(anchors, item.get(key)) for key in ("from_id", "to_id")]
        if ends[0] is None or ends[1] is None:
            return None
        return {"relation": ends, "result": {k: v for k, v in item.items() if k not in ("from_id", "to_id")}}
    anchor = _anchor(anchors, item.get("id"))
    if anchor is None:
        return None
    if item.get("type") in (None, "labels"):
        return {"region": anchor, "meta": item["meta"]} if isinstance(item.get("meta"), dict) and item["meta"] else None
    return {"region": anchor, "result": {k: v for k, v in item.items() if k != "id"}}


def _key(value: Any) -> tuple[Any, ...] | None:
    """A kept ``[start, end, label]`` as a span key, or ``None`` when it is not one."""
    return tuple(value) if isinstance(value, list) and all(isinstance(part, int | str) for part in value) else None


def region_results(entries: Any, spans: list[Span], results: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The kept results to add to ``results`` (the gold spans' own, in the order of ``spans``), with the region
    meta put on those; and how many entries were not written because their span is gone."""
    ids: dict[Any, dict[str, Any]] = {span.key: result for span, result in zip(spans, results, strict=True)}
    extra: list[dict[str, Any]] = []
    gone = 0
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict):
            continue
        ends = entry.get("relation") if "relation" in entry else [entry.get("region")]
        found = [ids.get(_key(end)) for end in (ends if isinstance(ends, list) else [None])]
        owners = [owner for owner in found if owner is not None]
        if len(owners) < len(found) or not isinstance(entry.get("result", {}), dict):
            gone += 1
            continue
        if "relation" in entry:
            extra.append({**entry["result"], "from_id": owners[0]["id"], "to_id": owners[-1]["id"]})
        elif "result" in entry:
            extra.append({"id": owners[0]["id"], **entry["result"]})
        else:
            owners[0]["meta"] = entry.get("meta")
    return extra, gone
