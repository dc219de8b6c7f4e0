"""brat lines that annotate text-bound spans, kept through nerdesk and written back with them.

Relations (``R1<TAB>Origin Arg1:T3 Arg2:T4``), equivalences (``*<TAB>Equiv T1 T2``), attributes (``A1<TAB>Negation
T1``, ``A2<TAB>Certainty T1 High``, and the old ``M`` lines), normalisations (``N1<TAB>Reference T1
Wikipedia:534366<TAB>Barack Obama``) and notes (``#1<TAB>AnnotatorNotes T1<TAB>text``) name the ``T`` lines
they annotate. nerdesk spans have no place for them, so each line is kept in the document's metadata
(``meta["brat"]``) with the spans it names as ``[start, end, label]`` and written back, with the ``T`` ids the
export gives those spans, while every one of them is still there. Lines that name an event or another
annotation (an attribute of a relation, a note on an event) are not kept.
"""

from __future__ import annotations

import re
from typing import Any

META_KEY = "brat"
KEPT_PREFIXES = ("R", "*", "A", "M", "N", "#")
_ID = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)[0-9]+$")  # brat's annotation ids (annotation.py)


def kept_line(line: str, spans_by_id: dict[str, list[Any]]) -> dict[str, Any] | None:
    """``line`` with the ``T`` ids it names replaced by their spans, or ``None`` when it is not one nerdesk keeps
    (another kind, or it names something but the spans read)."""
    fields = line.split("\t", 2)
    prefix = "*" if fields[0] == "*" else re.sub(r"[0-9].*", "", fields[0])
    if prefix not in KEPT_PREFIXES or len(fields) < 2 or not (fields[0] == "*" or _ID.match(fields[0])):
        return None
    words: list[Any] = []
    spans: list[list[Any]] = []
    for number, word in enumerate(fields[1].split(" ")):
        role, colon, target = word.rpartition(":") if prefix == "R" else ("", "", word)
        if number == 0 or (prefix not in ("R", "*") and number > 1):  # a type, a value, a database:id
            words.append(word)
        elif target in spans_by_id:
            words.append([role + colon, len(spans)])
            spans.append(spans_by_id[target])
        else:
            return None  # it names an event, a relation, a span not read
    if not spans:
        return None
    return {"kind": prefix, "words": words, "spans": spans, "tail": fields[2] if len(fields) > 2 else None}


def discontinuous_entry(label: str, pieces: list[tuple[int, int]], mention: str | None,
                        text: str) -> dict[str, Any] | None:
    """A discontinuous span (``T1<TAB>Type 0 5;10 15<TAB>mention``) kept to be written back as it is, or ``None``
    when brat itself would refuse it (a piece outside the text, a mention that is not the pieces' text)."""
    if not all(0 <= start <= end <= len(text) for start, end in pieces):
        return None
    if mention is not None and mention != " ".join(text[start:end] for start, end in pieces):
        return None
    offsets = ";".join(f"{start} {end}" for start, end in pieces)
    return {"kind": "T", "key": ["T", offsets, label], "tail": " ".join(text[start:end] for start, end in pieces)}


def _discontinuous_lines(entries: list[Any], t_ids: dict[tuple[Any, ...], str], first: int) -> list[str]:
    """The kept discontinuous spans' ``T`` lines, numbered from ``first``; their ids go into ``t_ids``."""
    lines: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kind") != "T":
            continue
        key = entry.get("key")
        if not (isinstance(key, list) and _is_key(key) and len(key) == 3 and isinstance(entry.get("tail"), str)):
            continue
        t_id = f"T{first + len(lines)}"
        t_ids[tuple(key)] = t_id
        lines.append(f"{t_id}\t{key[2]} {key[1]}\t{entry['tail']}")
    return lines


def written_lines(entries: Any, t_ids: dict[tuple[Any, ...], str], next_t: int = 1) -> tuple[list[str], int]:
    """The kept lines whose spans were written (``t_ids``: span key -> its ``T`` id), numbered anew per kind
    (kept discontinuous spans first, as ``T`` lines from ``next_t``), and how many were left out because a span
    they name is gone."""
    entries = entries if isinstance(entries, list) else []
    lines = _discontinuous_lines(entries, t_ids, next_t)
    numbers, gone = dict.fromkeys(KEPT_PREFIXES, 0), 0
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kind") not in KEPT_PREFIXES:
            continue  # a discontinuous span's T line is written above
        spans, words = entry.get("spans"), entry.get("words")
        ids = [t_ids.get(tuple(span)) if _is_key(span) else None for span in (spans if isinstance(spans, list) else [])]
        if not ids or None in ids or not isinstance(words, list):
            gone += 1
            continue
        data = " ".join(_word(word, ids) for word in words)
        kind = entry["kind"]
        numbers[kind] += 1
        tail = entry.get("tail")
        lines.append(f"{kind if kind == '*' else kind + str(numbers[kind])}\t{data}"
                     + (f"\t{tail}" if isinstance(tail, str) else ""))
    return lines, gone


def _is_key(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(part, int | str) for part in value)


def _word(word: Any, ids: list[str | None]) -> str:
    if isinstance(word, list) and len(word) == 2 and isinstance(word[1], int) and 0 <= word[1] < len(ids):
        return f"{word[0]}{ids[word[1]]}"
    return str(word)


def discontinuous_types(entries: Any) -> list[str]:
    """The entity types of the kept discontinuous spans (for annotation.conf's ``[entities]``)."""
    return [str(entry["key"][2]) for entry in (entries if isinstance(entries, list) else ())
            if isinstance(entry, dict) and entry.get("kind") == "T" and _is_key(entry.get("key"))
            and len(entry["key"]) == 3]


def conf_sections(entries_of_documents: list[Any]) -> tuple[list[str], list[str]]:
    """``[relations]`` and ``[attributes]`` lines of annotation.conf for the kept lines' types, so that brat
    knows them (their arguments may be any entity)."""
    relations: dict[str, str] = {}
    attributes: dict[str, set[str]] = {}
    for entries in entries_of_documents:
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict) or not isinstance(entry.get("words"), list) or not entry["words"]:
                continue
            kind, name = entry.get("kind"), str(entry["words"][0])
            if kind == "R":
                roles = [w[0].rstrip(":") for w in entry["words"][1:] if isinstance(w, list) and w[0]]
                relations.setdefault(name, ", ".join(f"{role}:<ENTITY>" for role in roles))
            elif kind == "*":
                relations.setdefault(name, "Arg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive")
            elif kind in ("A", "M"):
                values = attributes.setdefault(name, set())
                values.update(str(w) for w in entry["words"][2:] if isinstance(w, str))
    relation_lines = [f"{name}\t{args}" for name, args in relations.items()]
    attribute_lines = [f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(values))}" if values else "")
                       for name, values in attributes.items()]
    return relation_lines, attribute_lines
