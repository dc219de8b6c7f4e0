"""The records of a JSON-lines format however the file lays them out.

Format detection judges a file by its first records whether they are JSON lines, one JSON array or
objects printed over several lines each (doccano's documentation shows its relation records so, and
``json.dump(record, indent=4)`` per record writes them so). The readers of the line formats (doccano,
CLUENER, GENIA, Prodigy, jsonl) read all three (``_base.iter_json_lines``).
"""

from __future__ import annotations

import json

_DECODER = json.JSONDecoder()
_PARSE_ERRORS = (ValueError, RecursionError)


def array_items(text: str) -> list[tuple[int, object]] | None:
    """``(line, item)`` of each item when ``text`` is exactly one JSON array, else ``None``."""
    stripped = text.lstrip()
    return _array_items(text, text.index("[")) if stripped.startswith("[") else None


def value_stream(text: str) -> list[tuple[int, object]] | None:
    """The values of ``text`` read one after the other, or ``None`` when something does not parse."""
    values: list[tuple[int, object]] = []
    position, line = _skip_space(text, 0), 1
    counted_to = 0
    while position < len(text):
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            value, position = _DECODER.raw_decode(text, position)
        except _PARSE_ERRORS:
            return None
        values.append((line, value))
        position = _skip_space(text, position)
    return values


def _array_items(text: str, opening: int) -> list[tuple[int, object]] | None:
    """The items of the one JSON array that makes up ``text``, each with the line it starts on;
    ``None`` when ``text`` is not exactly one array (JSON lines that are arrays, or bad JSON)."""
    items: list[tuple[int, object]] = []
    position = _skip_space(text, opening + 1)
    line, counted_to = 1, 0
    if text.startswith("]", position):
        return items if not text[position + 1:].strip() else None
    while True:
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            item, position = _DECODER.raw_decode(text, position)
        except _PARSE_ERRORS:
            return None
        items.append((line, item))
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
            continue
        if text.startswith("]", position) and not text[position + 1:].strip():
            return items
        return None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
