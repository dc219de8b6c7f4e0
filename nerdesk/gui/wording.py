"""Wording of the window's message boxes (counted nouns are ``nerdesk.core.wording.counted``)."""

from __future__ import annotations


def without_repeated_cause(message: str, title: str) -> str:
    """``message`` without a leading "training failed: " when ``title`` already says it failed, so a box
    reads "Retraining failed: out of memory", not "Retraining failed: training failed: out of memory"."""
    head, separator, rest = message.partition(": ")
    return rest if separator and head.lower().endswith("failed") and title.lower().endswith("failed") else message


def capitalized(message: str) -> str:
    """``message`` with a capital first letter, as a status line or a dialog shows a lower-case error text."""
    return message[:1].upper() + message[1:]
