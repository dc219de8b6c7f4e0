"""Argument types that refuse values no run can use (``--threads 0``, ``--lr -1``), as argparse usage errors.

A bad number is told at once, before any data is read or any training starts, in argparse's own words
("argument --threads: must be a whole number of at least 1, not 0").
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse ``type``: an integer of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number of at least {minimum}, not {value}")
        return value

    parse.__name__ = "whole number"  # what argparse names in "invalid ... value"
    return parse


def positive_number(text: str) -> float:
    """An argparse ``type``: a finite number above 0 (a learning rate)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {text}")
    return value


def duration(text: str) -> float:
    """An argparse ``type``: a time budget in seconds, written 600, 90s, 15m or 1h; finite and above 0."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration; write e.g. 600, 90s, 15m or 1h") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"the time budget must be a positive number of seconds, not {text}")
    return seconds


TAG_NAMES_HELP = ("Hugging Face records with numeric tags: the tag of each number, in order, e.g. O,B-PER,I-PER,"
                  "B-ORG,I-ORG: the names of the dataset's tag feature, such as features['ner_tags'].feature.names "
                  "(WikiANN, CoNLL-2003) or features['sentences'][0]['named_entities'].feature.names "
                  "(conll2012_ontonotesv5); a file read without them names the one it needs")


def add_data_format(parser: argparse.ArgumentParser, format_help: str) -> None:
    """``--format`` of a command's data files and ``--tag-names``, the names of numeric tags in Hugging Face
    records (train and eval read such files as import does)."""
    parser.add_argument("--format", help=format_help)
    parser.add_argument("--tag-names", metavar="NAMES",
                        help=TAG_NAMES_HELP)
