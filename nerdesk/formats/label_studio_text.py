"""Where a Label Studio task's text is and what its results' offsets mean.

The text is one string field of the task's ``data``: the one the ``text_field`` option names, else the
one the results' ``to_name`` names, else ``text``, else the only string field, else the field the
results' ``value.text`` fits. A result's ``start``/``end`` are code points, end exclusive, and they are
trusted: ``value.text`` is only what Label Studio *displayed* (double spaces collapsed, a line break
sometimes a literal ``\\n``); older exports and some tools count UTF-16 units, accepted when only they
match ``value.text``.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any

from nerdesk.core.errors import SpanError
from nerdesk.core.json_values import is_int
from nerdesk.core.offsets import Utf16Map


def display_form(text: str) -> str:
    """Text as Label Studio displays it: literal ``\\n`` as a break, whitespace runs as one space."""
    text = text.replace("\\r\\n", " ").replace("\\n", " ").replace("\\r", " ").replace("\\t", " ")
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=1)
def _utf16_map(text: str) -> Utf16Map:
    """One map per text, not per result: building it takes time in proportion to the text (3,000 results on
    a text of 120,000 characters took 28 s); ``forget_texts`` lets the last one go after a file is read."""
    return Utf16Map(text)


def forget_texts() -> None:
    """Let go of the text ``_utf16_map`` keeps (a reader calls it when a file is read)."""
    _utf16_map.cache_clear()


def _offset_candidates(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """``(start, end, is_utf16)`` readings of the offsets that fall inside ``text``."""
    found = []
    if 0 <= start < end <= len(text):
        found.append((start, end, False))
    utf16 = _utf16_map(text)
    if not utf16.ascii_like and 0 <= start < end <= utf16.utf16_length:
        with contextlib.suppress(SpanError):
            found.append((utf16.from_utf16(start), utf16.from_utf16(end), True))
    return found


def resolve_offsets(text: str, start: Any, end: Any, mention: Any) -> tuple[Any, Any, str]:
    """The code-point offsets of a result and how they matched: exact, utf16, display, inside or none.

    ``inside``: ``value.text`` lies inside the text at the offsets, as Label Studio writes it for a
    labeling config with ``granularity="word"`` (the raw selection "ple tex" of the span "simple text").
    """
    if not (is_int(start) and is_int(end) and isinstance(mention, str)):
        return start, end, "none"
    candidates = _offset_candidates(text, start, end)
    for cp_start, cp_end, is_utf16 in candidates:
        if text[cp_start:cp_end] == mention:
            return cp_start, cp_end, "utf16" if is_utf16 else "exact"
    wanted = display_form(mention)
    for cp_start, cp_end, _ in candidates:
        if display_form(text[cp_start:cp_end]) == wanted:
            return cp_start, cp_end, "display"
    for cp_start, cp_end, _ in candidates:
        if mention.strip() and mention in text[cp_start:cp_end]:
            return cp_start, cp_end, "inside"
    return start, end, "none"


def _label_results(results: Any) -> list[dict[str, Any]]:
    if not isinstance(results, list):
        return []
    return [item for item in results if isinstance(item, dict) and item.get("type") in (None, "labels")
            and isinstance(item.get("value"), dict) and "labels" in item["value"]]


def _result_lists(task: dict[str, Any]) -> list[Any]:
    groups = [*_as_list(task.get("annotations", task.get("completions"))), *_as_list(task.get("predictions"))]
    return [group.get("result") for group in groups if isinstance(group, dict)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def pick_text_field(task: dict[str, Any], fallback: str | None = None,
                    chosen: str | None = None) -> tuple[str | None, str | None, str]:
    """``(text, field, why_not)``: the data field holding the text the results point at.

    ``chosen`` (the ``text_field`` option, ``--text-field``) decides alone. Else, in order: the field
    the results' ``to_name`` names, ``text``, the only string field, the only field on which every
    result's ``value.text`` is the text at its offsets (``to_name`` names the ``<Text>`` tag, which need
    not be called like its field), then ``fallback`` (the field the file's other tasks use: a project
    has one labeling config).
    """
    data = task.get("data")
    if not isinstance(data, dict):
        return None, None, "the task has no 'data' object"
    strings = [key for key, value in data.items() if isinstance(value, str)]
    if chosen is not None:
        if chosen in strings:
            return data[chosen], chosen, ""
        return None, None, (f"the task has no text field {chosen!r} (the text_field option, --text-field); its "
                            f"text fields: {', '.join(strings) or 'none'}")
    results = [item for group in _result_lists(task) for item in _label_results(group)]
    odd = next((item["to_name"] for item in results if not isinstance(item.get("to_name"), str | None)), None)
    if odd is not None:
        return None, None, f"a result's 'to_name' must be the name of the text's tag, got {odd!r:.60}"
    targets = {item.get("to_name") for item in results}
    targets.discard(None)
    if len(targets) > 1:
        return None, None, f"its results point at several fields ({', '.join(sorted(map(str, targets)))}); " \
                           "nerdesk keeps one text per document: choose one with --text-field NAME (the " \
                           "text_field option), and the results on the others are skipped"
    target = next(iter(targets), None)
    if target in strings:
        return data[target], target, ""
    if "text" in strings:
        return data["text"], "text", ""
    if len(strings) == 1:
        return data[strings[0]], strings[0], ""
    if not strings:
        return None, None, "the task has no text: expected 'data': {'text': ...}"
    fitting = [key for key in strings if results and _results_fit(data[key], results)]
    if len(fitting) == 1:
        return data[fitting[0]], fitting[0], ""
    if fallback in strings and (not results or fallback in fitting):
        return data[fallback], fallback, ""
    return None, None, _undecided_field(strings, target, fitting, bool(results))


def _results_fit(text: str, results: list[dict[str, Any]]) -> bool:
    """Whether every result's ``value.text`` is the text at its offsets in ``text``."""
    value: dict[str, Any]
    for value in (item["value"] for item in results):
        if resolve_offsets(text, value.get("start"), value.get("end"), value.get("text"))[2] == "none":
            return False
    return True


def _undecided_field(strings: list[str], target: Any, fitting: list[str], has_results: bool) -> str:
    named = f"the results' to_name {target!r} names none of them" if target else "no result names one of them"
    fits = ("" if not has_results else f"; the spans' text fits {' and '.join(fitting)} alike" if fitting
            else "; the spans' text fits none of them")
    return (f"the task has several text fields ({', '.join(strings)}) and {named}{fits}. To choose, name "
            "the field that holds the text with --text-field NAME (the text_field option), or rename it to "
            "'text' in the tasks' data")


def file_text_field(tasks: list[Any]) -> str | None:
    """The one text field the file's tasks with results agree on, for its tasks without results."""
    fields = {pick_text_field(task)[1] for task in tasks if isinstance(task, dict) and any(_result_lists(task))}
    fields.discard(None)
    return fields.pop() if len(fields) == 1 else None


# Label Studio keeps a link instead of the text for tasks of files it was given to read (<Text valueType="url">:
# uploads, local files, cloud storage); its export holds the link only.
_STORAGE_LINK = re.compile(r"(?:/data/(?:upload|local-files)/|s3://|gs://|azure-blob://)\S*")
_WEB_LINK = re.compile(r"https?://\S*")


def file_link_problem(task: dict[str, Any], field: str) -> str | None:
    """Why the task's text cannot be read when its field holds a link to a file instead of the text: always
    for Label Studio's storage links, for a web link when the results' offsets go past it."""
    text = task["data"][field]
    past_end = any(is_int(item["value"].get("end")) and item["value"]["end"] > len(text)
                   for group in _result_lists(task) for item in _label_results(group))
    if _STORAGE_LINK.fullmatch(text) or (past_end and _WEB_LINK.fullmatch(text)):
        return (f"its text field {field!r} holds a link to a file ({text!r:.80}), not the text: Label Studio "
                "exports only the link of a task made from a file (<Text valueType=\"url\">); import the files' "
                "texts with the spans in a format that holds them, or give the tasks their text in 'data'")
    return None
