"""Documents -> token windows with gold cells -> padded batches.

A text longer than ``max_length`` tokens is cut into overlapping windows, exactly as prediction cuts
it (``nerdesk.runtime.windows``). A gold span becomes the
cell (label, first token, last token) of every window that holds it whole. Spans whose ends do not
fall on token boundaries cannot be learnt by a token-level model: they are counted, with examples,
in an ``AlignmentSummary`` rather than dropped silently.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from tokenizers import Tokenizer
from torch import Tensor

from nerdesk.core.document import Document
from nerdesk.core.offsets import char_to_token_span
from nerdesk.core.spans import Span
from nerdesk.core.wording import counted
from nerdesk.runtime.sentences import reading_ranges
from nerdesk.runtime.token_features import FeatureTable
from nerdesk.runtime.windows import Window as RuntimeWindow
from nerdesk.runtime.windows import WindowMaker
from nerdesk.training.loss import NO_CELL

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Window:
    """One tokenised stretch of a document, ready for the model."""

    document: int  # index into the encoded document list
    input_ids: tuple[int, ...]
    token_mask: tuple[int, ...]  # 1 where a span may start or end
    offsets: tuple[tuple[int, int], ...]  # code-point (start, end) per token, (0, 0) for special tokens
    cells: tuple[tuple[int, int, int], ...] = ()  # (label index, first token, last token)
    feature_ids: NDArray[Any] | None = None  # (n, K) int32 for an encoder that reads them

    def __len__(self) -> int:
        return len(self.input_ids)


@dataclass
class AlignmentSummary:
    """What became of the gold spans when documents were turned into windows."""

    documents: int = 0
    windows: int = 0
    spans: int = 0
    encoded: int = 0
    misaligned: int = 0
    cut_by_windows: int = 0
    across_pieces: int = 0  # across the end of a line or a sentence, which prediction never gives
    unknown_labels: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.spans - self.encoded

    def describe(self, copies: int = 0) -> str:
        """In words; ``copies``: how many of the documents are mention-swapped copies of the others."""
        read = counted(self.documents, "document") if not copies else \
            f"{counted(self.documents - copies, 'document')} and {copies:,} copies of them with other mentions"
        text = (f"{read} read as {counted(self.windows, 'window')} of text; "
                f"{self.encoded:,} of {counted(self.spans, 'gold span')} usable")
        problems = []
        if self.misaligned:
            problems.append(f"{self.misaligned} not on token boundaries")
        if self.across_pieces:
            problems.append(f"{self.across_pieces} across the end of a line or sentence")
        if self.cut_by_windows:
            problems.append(f"{self.cut_by_windows} longer than a window")
        if self.unknown_labels:
            problems.append("unknown labels " + ", ".join(f"{k} x{v}" for k, v in self.unknown_labels.items()))
        if problems:
            text += " (skipped: " + "; ".join(problems) + ")"
            text += "".join(f"\n  e.g. {example}" for example in self.examples)
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "windows": self.windows, "spans": self.spans,
                "encoded": self.encoded, "misaligned": self.misaligned, "cut_by_windows": self.cut_by_windows,
                "across_pieces": self.across_pieces,
                "unknown_labels": dict(self.unknown_labels)}

    def add_example(self, example: str) -> None:
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(example)


def encode_documents(documents: Sequence[Document], tokenizer: Tokenizer, labels: Sequence[str], max_length: int,
                     stride: int, features: FeatureTable | None = None) -> tuple[list[Window], AlignmentSummary]:
    """Windows (with gold cells from the documents' gold spans) and what happened to each span.

    The windows are the ones prediction uses (``nerdesk.runtime.windows.WindowMaker`` over the pieces
    ``nerdesk.runtime.sentences.reading_ranges`` cuts a text into: its lines and sentences), so a model
    learns on exactly the inputs it is later asked about, and a gold span across two pieces, which
    prediction never gives, is left out and counted (``across_pieces``); ``features`` (for an encoder that reads
    characters or lexicon flags) adds each token's feature ids.
    """
    label_index = {name: index for index, name in enumerate(labels)}
    maker = WindowMaker(tokenizer, max_length, stride, features=features)
    pieces = [(index, begin, end) for index, doc in enumerate(documents) for begin, end in reading_ranges(doc.text)]
    per_document: list[list[Window]] = [[] for _ in documents]
    piece_starts: list[list[int]] = [[] for _ in documents]  # where each document's second, third... piece starts
    for index, begin, _ in pieces:
        if begin:
            piece_starts[index].append(begin)
    for window in maker.windows([documents[index].text[begin:end] for index, begin, end in pieces]):
        index, begin, _ = pieces[window.text_index]
        per_document[index].append(_training_window(window, index, begin))
    summary = AlignmentSummary(documents=len(documents))
    windows: list[Window] = []
    for index, (document, doc_windows) in enumerate(zip(documents, per_document, strict=True)):
        cells = _gold_cells(document, doc_windows, label_index, summary, piece_starts[index])
        windows.extend(replace(window, cells=tuple(cells[i])) for i, window in enumerate(doc_windows))
    summary.windows = len(windows)
    return windows, summary


def _training_window(window: RuntimeWindow, document: int, begin: int) -> Window:
    """A window of the piece of ``document`` that starts at code point ``begin``, with offsets in the document."""
    offsets = tuple((int(start) + begin, int(end) + begin) for start, end in window.offsets.tolist())
    return Window(document, tuple(window.ids.tolist()), tuple(int(x) for x in window.content), offsets,
                  feature_ids=window.feature_ids)


def _gold_cells(document: Document, windows: list[Window], label_index: dict[str, int],
                summary: AlignmentSummary, piece_starts: list[int]) -> list[list[tuple[int, int, int]]]:
    cells: list[list[tuple[int, int, int]]] = [[] for _ in windows]
    reaches = [_character_reach(window) for window in windows]
    for span in document.gold:
        summary.spans += 1
        if span.label not in label_index:
            summary.unknown_labels[span.label] += 1
            continue
        placed = covered = False
        for index, window in enumerate(windows):
            first_char, last_char = reaches[index]
            if not (first_char <= span.start and span.end <= last_char):
                continue
            covered = True
            tokens = char_to_token_span(window.offsets, span.start, span.end)
            if tokens is not None and window.token_mask[tokens[0]] and window.token_mask[tokens[1]]:
                cells[index].append((label_index[span.label], tokens[0], tokens[1]))
                placed = True
        _count(summary, document, span, placed, covered, _crosses(span, piece_starts))
    return cells


def _crosses(span: Span, piece_starts: list[int]) -> bool:
    """Whether one of the ascending ``piece_starts`` lies inside ``span``."""
    index = bisect.bisect_right(piece_starts, span.start)
    return index < len(piece_starts) and piece_starts[index] < span.end


def _character_reach(window: Window) -> tuple[int, int]:
    """First and last character a span in this window may cover ((0, -1) for a window of specials)."""
    real = [pair for pair, allowed in zip(window.offsets, window.token_mask, strict=True) if allowed]
    return (real[0][0], real[-1][1]) if real else (0, -1)


def _count(summary: AlignmentSummary, document: Document, span: Span, placed: bool, covered: bool,
           across_pieces: bool) -> None:
    if placed:
        summary.encoded += 1
    elif covered:
        summary.misaligned += 1
        summary.add_example(f"{document.title(30)!r}: {span.label} {span.start}..{span.end} "
                            f"{span.mention(document.text)!r} does not start and end on token boundaries")
    elif across_pieces:
        summary.across_pieces += 1
        summary.add_example(f"{document.title(30)!r}: {span.label} {span.start}..{span.end} "
                            "crosses the end of a line or sentence")
    else:
        summary.cut_by_windows += 1
        summary.add_example(f"{document.title(30)!r}: {span.label} {span.start}..{span.end} "
                            "does not fit in one window")


@dataclass
class Batch:
    input_ids: Tensor  # (B, L) int64
    attention_mask: Tensor  # (B, L) int64
    token_mask: Tensor  # (B, L) int64
    labels: Tensor  # (B, m, P) int64 flat cell indices, NO_CELL padding
    windows: list[Window]
    feature_ids: Tensor | None = None  # (B, L, K) int64 for an encoder that reads them


def collate(windows: Sequence[Window], num_labels: int, pad_id: int) -> Batch:
    """Pad to the longest window of the batch and list the gold cells per (window, label)."""
    length = max(len(w) for w in windows)
    input_ids = torch.full((len(windows), length), pad_id, dtype=torch.long)  # (B, L)
    attention_mask = torch.zeros((len(windows), length), dtype=torch.long)  # (B, L)
    token_mask = torch.zeros((len(windows), length), dtype=torch.long)  # (B, L)
    per_label: list[list[list[int]]] = [[[] for _ in range(num_labels)] for _ in windows]
    for row, window in enumerate(windows):
        input_ids[row, : len(window)] = torch.tensor(window.input_ids)
        attention_mask[row, : len(window)] = 1
        token_mask[row, : len(window)] = torch.tensor(window.token_mask)
        for label, first, last in window.cells:
            per_label[row][label].append(first * length + last)
    most = max([1] + [len(cells) for rows in per_label for cells in rows])
    labels = torch.full((len(windows), num_labels, most), NO_CELL, dtype=torch.long)  # (B, m, P)
    for row, rows in enumerate(per_label):
        for label, cells in enumerate(rows):
            labels[row, label, : len(cells)] = torch.tensor(cells, dtype=torch.long)
    return Batch(input_ids, attention_mask, token_mask, labels, list(windows), _feature_ids(windows, length))


def _feature_ids(windows: Sequence[Window], length: int) -> Tensor | None:
    if windows[0].feature_ids is None:
        return None
    feature_ids = np.zeros((len(windows), length, windows[0].feature_ids.shape[1]), dtype=np.int64)  # (B, L, K)
    for row, window in enumerate(windows):
        assert window.feature_ids is not None  # the windows of one model all have feature ids, or none has
        feature_ids[row, : len(window)] = window.feature_ids
    return torch.from_numpy(feature_ids)


def length_grouped_batches(windows: Sequence[Window], batch_size: int, rng: random.Random,
                           pool_batches: int = 50) -> list[list[Window]]:
    """Shuffled batches of similar lengths: little padding, still a different order every epoch."""
    order = list(windows)
    rng.shuffle(order)
    pool = batch_size * pool_batches
    batches: list[list[Window]] = []
    for begin in range(0, len(order), pool):
        chunk = sorted(order[begin:begin + pool], key=len)
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def sorted_batches(windows: Sequence[Window], batch_size: int) -> list[list[Window]]:
    """Batches for prediction: sorted by length so padding stays small."""
    ordered = sorted(windows, key=len)
    return [ordered[i:i + batch_size] for i in range(0, len(ordered), batch_size)]
