"""What an import does to a batch of read documents before they are stored: skipping documents that
are already there, and sharing documents out to train/dev/test splits. Pure functions of documents."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass

from nerdesk.core.document import Document
from nerdesk.core.errors import NerdeskError
from nerdesk.core.wording import by_count, counted

SPLIT_SEED = 13


def document_key(doc: Document) -> str:
    """A digest of what makes two documents the same: text and metadata (not spans or status)."""
    meta = json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{doc.text}\x00{meta}".encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Skipped:
    """How many documents ``skip_duplicates`` left out, and how many of them had other gold spans than the
    document they equal (another annotator's copy of it, such as the per-user files of a doccano export)."""

    count: int
    other_spans: int = 0

    def __bool__(self) -> bool:
        return self.count > 0


def _gold(doc: Document) -> set[tuple[int, int, str]]:
    return {span.key for span in doc.gold}


def skip_duplicates(documents: list[Document], existing: Iterable[Document]) -> tuple[list[Document], Skipped]:
    """``documents`` without those equal to an ``existing`` one or to an earlier one; and how many went."""
    seen = {document_key(doc): _gold(doc) for doc in existing}
    kept, other_spans = [], 0
    for doc in documents:
        key = document_key(doc)
        if key not in seen:
            seen[key] = _gold(doc)
            kept.append(doc)
        else:
            other_spans += seen[key] != _gold(doc)
    return kept, Skipped(len(documents) - len(kept), other_spans)


def duplicates_warning(skipped: Skipped, how_to_keep: str) -> str:
    """What ``nerdesk import`` and File > Import say of the documents ``skip_duplicates`` left out."""
    other = skipped.other_spans
    differ = (f"; {other} of them {by_count(other, 'has', 'have')} other gold spans than the "
              f"{by_count(other, 'document it equals', 'documents they equal')} (another annotator's copy, or "
              f"annotations made since), and {by_count(other, 'its spans were', 'their spans were')} not imported"
              if other else "")
    return (f"skipped {counted(skipped.count, 'document')} whose text and metadata equal one already in the project "
            f"or earlier in the input ({how_to_keep} imports them){differ}")


def parse_split(value: str) -> dict[str, float]:
    """``train`` -> everything to train; ``train=0.8,dev=0.1,test=0.1`` -> shares (normalised to sum 1)."""
    if "=" not in value:
        name = value.strip()
        if not name or "," in name:
            raise NerdeskError(f"--split {value!r}: give one split name, or shares like train=0.8,dev=0.2", code="E119")
        return {name: 1.0}
    shares: dict[str, float] = {}
    for part in value.split(","):
        name, _, share = part.partition("=")
        try:
            number = float(share)
        except ValueError:
            number = -1.0
        if not name.strip() or not number > 0 or number == float("inf"):
            raise NerdeskError(f"--split {value!r}: {part!r} is not NAME=SHARE with a positive share", code="E119")
        shares[name.strip()] = number
    total = sum(shares.values())
    return {name: share / total for name, share in shares.items()}


def assign_splits(documents: list[Document], shares: dict[str, float] | None) -> dict[str, int]:
    """Set each document's split: shuffled with a fixed seed, cut by the shares; returns counts per split."""
    if not shares:
        return {}
    order = list(range(len(documents)))
    random.Random(SPLIT_SEED).shuffle(order)
    names = list(shares)
    bounds, running = [], 0.0
    for name in names:
        running += shares[name]
        bounds.append(round(running * len(documents)))
    counts = dict.fromkeys(names, 0)
    for rank, index in enumerate(order):
        name = next(n for n, bound in zip(names, bounds, strict=True) if rank < bound) if rank < bounds[-1] \
            else names[-1]
        documents[index].split = name
        counts[name] += 1
    return counts
