"""Mention replacement (Dai & Adel 2020, "An Analysis of Simple Data Augmentation for Named Entity
Recognition").

A head that learns labels from a few hundred documents sees each label in few contexts and learns
its mentions by heart. A copy of a document in which each mention is replaced by another mention of
the same label, taken from the training documents, keeps the context and varies the mention.
Measured through the product's training path (docs/benchmarks.md): with 100 reviewed documents, mean of
three samples, general model -> CMeEE 14.1 -> 17.0 test F1, -> Resume 85.4 -> 87.4, -> People's Daily
47.5 -> 54.9; with 1,000, in the same time budget, -> CMeEE 50.2 -> 51.8 and 50.2 -> 53.8, -> People's
Daily 74.4 -> 78.7, -> Resume 94.6 -> 95.1, English model -> GENIA 57.9 -> 62.9. Without copies a run
that large stops early or at its last epoch; the copies keep it learning until its budget.

Only a mention that overlaps no other span is replaced. Nested spans keep their text, and every other
span moves with the text around it.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence

from nerdesk.core.document import Document
from nerdesk.core.spans import Span

SWAPPED_COPIES = 3  # copies of each document, each with other mentions
SMALL_SET_COPIES = 10  # copies of each document of a set of fewer than SMALL_SET training documents
SMALL_SET = 150
AUGMENT_BELOW = 5_000  # training documents: from this many on, the copies are not made
AUGMENT_BELOW_CHARACTERS = 1_000_000  # nor from this many characters (the copies are held in memory)


def worth_copying(documents: Sequence[Document]) -> bool:
    """Whether ``documents`` are few enough for copies: fewer than ``AUGMENT_BELOW`` documents (3,600 CMeEE
    documents gained 2.4 F1 from them in the budget the product gives them, docs/benchmarks.md) and fewer
    than ``AUGMENT_BELOW_CHARACTERS`` characters (those 3,600 hold 0.19 million)."""
    return len(documents) < AUGMENT_BELOW and sum(len(doc.text) for doc in documents) < AUGMENT_BELOW_CHARACTERS


def copies_per_document(documents: int) -> int:
    """More copies of a small set: its few documents are seen in more contexts before the budget ends.

    75 CMeEE documents from the general model, seeds 13-17 in the same time budget (``python -m
    benchmarks.learning_curve --pairs general:cmeee --sizes 100 --test-limit 300``): three copies gave
    25.2 / 22.5 / 24.3 test F1 in three rounds (samples 17.9-26.9), ten 27.0 / 26.7 (25.5-28.6), twenty 24.0.
    """
    return SMALL_SET_COPIES if documents < SMALL_SET else SWAPPED_COPIES


def budgeted_copies(copies: int, documents: int) -> int:
    """The copies a run's time budget and batch size count (``nerdesk.training.recipe``): ``SWAPPED_COPIES``
    per document however many were made, so the extra copies of a small set share its time rather than
    lengthen it (they were measured so)."""
    return copies * SWAPPED_COPIES // copies_per_document(documents)


def mention_swapped_copies(documents: Sequence[Document], copies: int, rng: random.Random) -> list[Document]:
    """``copies`` variants of every document that has a replaceable mention (none for the others)."""
    pool = mentions_by_label(documents)
    variants = []
    for document in documents:
        movable = standalone_spans(document.gold)
        variants += [swap_mentions(document, movable, pool, rng) for _ in range(copies if movable else 0)]
    return variants


def mentions_by_label(documents: Sequence[Document]) -> dict[str, list[str]]:
    """The distinct texts of each label's gold spans, sorted (so that a seed gives the same copies)."""
    found: dict[str, set[str]] = {}
    for document in documents:
        for span in document.gold:
            found.setdefault(span.label, set()).add(document.text[span.start:span.end])
    return {label: sorted(texts) for label, texts in found.items()}


def standalone_spans(spans: Sequence[Span]) -> list[Span]:
    """The spans that overlap no other span, in text order."""
    ordered = sorted(spans, key=lambda span: (span.start, span.end))
    standalone, reach = [], -1  # reach: the furthest end of the spans before the current one
    for index, span in enumerate(ordered):
        next_start = ordered[index + 1].start if index + 1 < len(ordered) else span.end
        if reach <= span.start and next_start >= span.end:
            standalone.append(span)
        reach = max(reach, span.end)
    return standalone


def swap_mentions(document: Document, movable: list[Span], pool: dict[str, list[str]],
                  rng: random.Random) -> Document:
    """A copy of ``document`` with each span of ``movable`` (standalone, in text order) replaced."""
    pieces, cursor, shift = [], 0, 0
    swapped, shifts = [], []  # shifts: (end of a replaced mention, total shift from there on)
    for span in movable:
        mention = rng.choice(pool[span.label])
        pieces += [document.text[cursor:span.start], mention]
        swapped.append(Span(span.start + shift, span.start + shift + len(mention), span.label))
        shift += len(mention) - (span.end - span.start)
        shifts.append((span.end, shift))
        cursor = span.end
    pieces.append(document.text[cursor:])

    ends = [end for end, _ in shifts]  # increasing: the replaced mentions do not overlap

    def moved(offset: int) -> int:  # no other span starts or ends inside a replaced mention
        passed = bisect_right(ends, offset)  # replaced mentions that end at or before ``offset``
        return offset + (shifts[passed - 1][1] if passed else 0)

    replaced = {id(span) for span in movable}
    others = [Span(moved(span.start), moved(span.end), span.label) for span in document.gold
              if id(span) not in replaced]
    return Document("".join(pieces), swapped + others, status=document.status)
