"""Counts in messages: "1 document", "2 documents", "12,345 documents"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` (its thousands grouped) and ``noun``, the noun in the plural unless the count is one
    (``plural`` if it is irregular)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
