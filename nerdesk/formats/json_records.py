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


def leading_array_items(body: str, limit: int) -> list[object]:
    """Up to ``limit`` items at the start of a JSON array's ``body`` (the text after its ``[``) that parse:
    what a peek at the beginning of a long file holds whole."""
    reader = _ValueReader(body)
    position = 0
    while len(reader.values) < limit:
        position = reader.read(position)
        if position < 0:
            break
        position = _skip_space(body, position)
        if not body.startswith(",", position):
            break
        position = _skip_space(body, position + 1)
    return [value for _, value in reader.values]


def value_stream(text: str) -> list[tuple[int, object]] | None:
    """The values of ``text`` read one after the other, or ``None`` when something does not parse."""
    reader = _ValueReader(text)
    position = _skip_space(text, 0)
    while position < len(text):
        position = reader.read(position)
        if position < 0:
            return None
        position = _skip_space(text, position)
    return reader.values


def _array_items(text: str, opening: int) -> list[tuple[int, object]] | None:
    """The items of the one JSON array that makes up ``text``, each with the line it starts on;
    ``None`` when ``text`` is not exactly one array (JSON lines that are arrays, or bad JSON)."""
    reader = _ValueReader(text)
    position = _skip_space(text, opening + 1)
    if text.startswith("]", position):
        return reader.values if not text[position + 1:].strip() else None
    while True:
        position = reader.read(position)
        if position < 0:
            return None
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
            continue
        if text.startswith("]", position) and not text[position + 1:].strip():
            return reader.values
        return None


class _ValueReader:
    """Reads the JSON values of a text one at a time, each with the line it starts on."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.values: list[tuple[int, object]] = []
        self.line, self.counted_to = 1, 0

    def read(self, position: int) -> int:
        """Read the value at ``position``; where it ends, or -1 when it does not parse."""
        self.line += self.text.count("\n", self.counted_to, position)
        self.counted_to = position
        try:
            value, end = _DECODER.raw_decode(self.text, position)
        except _PARSE_ERRORS:
            return -1
        self.values.append((self.line, value))
        return end


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
