"""Counted nouns for the window's messages: "1 document", "2 documents", never "1 documents"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun`` in the singular or the plural (``noun + "s"`` unless ``plural`` is given)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def without_repeated_cause(message: str, title: str) -> str:
    """``message`` without a leading "training failed: " when ``title`` already says it failed, so a box
    reads "Retraining failed: out of memory", not "Retraining failed: training failed: out of memory"."""
    head, separator, rest = message.partition(": ")
    return rest if separator and head.lower().endswith("failed") and title.lower().endswith("failed") else message
