"""Counts in messages: "1 document", "2 documents", "12,345 documents"; "1 span was", "2 spans were"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` (its thousands grouped) and ``noun``, the noun in the plural unless the count is one
    (``plural`` if it is irregular)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def by_count(count: int, one: str, many: str) -> str:
    """``one`` if ``count`` is one, else ``many``: the words that agree with a counted noun, such as
    ``by_count(n, "was", "were")``, ``by_count(n, "has a label", "have labels")`` or ``by_count(n, "it", "them")``."""
    return one if count == 1 else many
