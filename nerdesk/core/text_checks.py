"""Values no project file, export or tokenizer can hold: lone surrogates and non-finite numbers.

A lone surrogate (``"\\ud800"``, which a JSON escape can produce) is a Python ``str`` character with
no UTF-8 encoding: SQLite, every export and the tokenizers fail on it. ``NaN`` and ``Infinity`` are
not JSON numbers: a project holding one cannot be exported as JSON. Both are refused where data
enters (the store, prediction) with a message naming the record and the field.

Messages never contain the offending characters themselves (printing them would fail too): they
are shown as ``\\udXXX`` escapes.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from nerdesk.core.errors import NerdeskError

SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """``text`` with every lone surrogate written as a ``\\udXXX`` escape."""
    return SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, surrogates escaped, cut to ``limit`` characters."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(escape_surrogates(cut))


def surrogate_problem(text: str) -> str | None:
    """What is wrong with ``text`` (its first lone surrogate and where), or None if it can be stored."""
    match = SURROGATE.search(text)
    if match is None:
        return None
    return (f"has a lone surrogate \\u{ord(match.group()):04x} at character {match.start()}, "
            f"which cannot be stored as UTF-8")


def number_problem(value: float) -> str | None:
    """None for a finite number; else why it cannot be stored."""
    if math.isfinite(value):
        return None
    return f"is {value!r}, which is not a number JSON can store"


def value_problems(value: Any, field: str) -> Iterator[str]:
    """Problems of a JSON-like value (metadata), each naming the field path: ``meta['a'][0] has ...``."""
    if isinstance(value, str):
        problem = surrogate_problem(value)
        if problem:
            yield f"{field} {problem}"
    elif isinstance(value, numbers.Real) and not isinstance(value, int):
        problem = number_problem(float(value))
        if problem:
            yield f"{field} {problem}"
    elif isinstance(value, Mapping):
        yield from _mapping_problems(value, field)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from value_problems(item, f"{field}[{index}]")


def _mapping_problems(value: Mapping[Any, Any], field: str) -> Iterator[str]:
    for key, item in value.items():
        if isinstance(key, str):
            problem = surrogate_problem(key)
            if problem:
                yield f"{field} key {shown(key)} {problem}"
                continue
        yield from value_problems(item, f"{field}[{shown(str(key))}]")


def first_problem(fields: Iterable[tuple[str, Any]]) -> str | None:
    """The first problem among ``(field name, value)`` pairs, or None."""
    for field, value in fields:
        if value is None or (type(value) is str and SURROGATE.search(value) is None) or value == {}:
            continue  # the common cases, without building generators (imports check every span)
        for problem in value_problems(value, field):
            return problem
    return None


def check_predict_texts(texts: Iterable[str]) -> None:
    """Refuse texts a tokenizer cannot take, naming the first bad one (its index in the input)."""
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise NerdeskError(f"text {index}: expected a string, got {type(text).__name__}", code="E030")
        problem = surrogate_problem(text)
        if problem:
            raise NerdeskError(f"text {index} {problem}; remove or replace that character and predict again", code="E031")
