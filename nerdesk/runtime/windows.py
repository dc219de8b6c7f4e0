"""Cutting texts into model-sized token windows, and padding windows into batches.

A text is tokenized once without special tokens. When it has more tokens than fit in one window,
it is cut into windows that overlap by ``stride`` tokens. Each window *owns* the spans that start
in its share of the text: the cut between two neighbours lies in the middle of their overlap, so
every span is predicted by the window that sees the most context on both sides of its start, and
no span is reported twice or truncated at a window edge (as long as it is shorter than half the
overlap).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from nerdesk.core.errors import ModelBundleError

PROBE_TEXTS = ("a", "1", "。", "x y")


def load_tokenizer(path: Path) -> Tokenizer:
    """Load ``tokenizer.json``, raising ``ModelBundleError`` when it is missing or malformed."""
    if not path.is_file():
        raise ModelBundleError(f"{path}: missing; the bundle needs its tokenizer")
    try:
        return Tokenizer.from_file(str(path))
    except Exception as error:  # tokenizers raises a bare Exception for malformed files
        raise ModelBundleError(f"{path}: not a valid tokenizers file ({error}); export the bundle again") from error


def special_token_frame(tokenizer: Tokenizer) -> tuple[list[int], list[int]]:
    """The ids the tokenizer's post-processor puts before and after the text (e.g. [CLS] / [SEP])."""
    for probe in PROBE_TEXTS:
        encoding = tokenizer.encode(probe)
        content = [i for i, special in enumerate(encoding.special_tokens_mask) if not special]
        if content:
            return encoding.ids[: content[0]], encoding.ids[content[-1] + 1:]
    return [], []


def pad_id(tokenizer: Tokenizer) -> int:
    """The padding id the tokenizer declares, else the id of a usual padding token, else 0."""
    if tokenizer.padding:
        return int(tokenizer.padding["pad_id"])
    for token in ("[PAD]", "<pad>", "<PAD>"):
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return token_id
    return 0


@dataclass(frozen=True, slots=True)
class Window:
    """One model input: token ids with the text offsets of each token and the char range it owns."""

    text_index: int
    ids: np.ndarray  # (n,) int64, special tokens included
    offsets: np.ndarray  # (n, 2) int64 code-point offsets into the text; (0, 0) for special tokens
    content: np.ndarray  # (n,) bool, True for tokens of the text a span may start or end on
    owned_start: int  # spans starting at a code point in [owned_start, owned_end) belong to this window
    owned_end: int

    def __len__(self) -> int:
        return len(self.ids)


class WindowMaker:
    """Tokenizes texts and cuts them into windows of at most ``max_length`` tokens."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, stride: int) -> None:
        self.pad_id = pad_id(tokenizer)
        # A private copy without padding or truncation: windows do both, and the caller's stays as it was.
        self.tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.prefix, self.suffix = special_token_frame(self.tokenizer)
        self.capacity = max_length - len(self.prefix) - len(self.suffix)
        if self.capacity < 2:
            raise ModelBundleError(f"max_length {max_length} leaves no room for text between special tokens")
        if not 0 <= stride < self.capacity:
            raise ModelBundleError(f"stride {stride} must be at least 0 and below the window capacity "
                                   f"{self.capacity} (max_length minus special tokens)")
        self.stride = stride

    def windows(self, texts: Sequence[str]) -> list[Window]:
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        windows: list[Window] = []
        for text_index, (text, encoding) in enumerate(zip(texts, encodings, strict=True)):
            ids = np.asarray(encoding.ids, dtype=np.int64)  # (T,)
            offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)  # (T, 2)
            windows.extend(self._cut(text_index, len(text), ids, offsets))
        return windows

    def _cut(self, text_index: int, text_length: int, ids: np.ndarray, offsets: np.ndarray) -> Iterator[Window]:
        total = len(ids)
        if total == 0:
            return
        # The last start is the first one whose window reaches the end of the text.
        starts = list(range(0, max(total - self.stride, 1), self.capacity - self.stride))
        cuts = [0] + [int(offsets[start + self.stride // 2, 0]) for start in starts[1:]] + [text_length + 1]
        for number, start in enumerate(starts):
            stop = min(start + self.capacity, total)
            yield self._framed(text_index, ids[start:stop], offsets[start:stop], cuts[number], cuts[number + 1])

    def _framed(self, text_index: int, ids: np.ndarray, offsets: np.ndarray, owned_start: int,
                owned_end: int) -> Window:
        before, after = len(self.prefix), len(self.suffix)
        framed_ids = np.concatenate([np.asarray(self.prefix, np.int64), ids, np.asarray(self.suffix, np.int64)])
        framed_offsets = np.zeros((len(framed_ids), 2), dtype=np.int64)  # (n, 2)
        framed_offsets[before:before + len(ids)] = offsets
        content = np.zeros(len(framed_ids), dtype=bool)  # (n,)
        content[before:len(framed_ids) - after] = offsets[:, 0] < offsets[:, 1]  # empty tokens bound no span
        return Window(text_index, framed_ids, framed_offsets, content, owned_start, owned_end)


@dataclass(frozen=True, slots=True)
class Batch:
    windows: list[Window]
    input_ids: np.ndarray  # (B, L) int64
    attention_mask: np.ndarray  # (B, L) int64
    token_mask: np.ndarray  # (B, L) int64, 1 for text tokens (not special, not padding)
    offsets: np.ndarray  # (B, L, 2) int64


def batches(windows: Sequence[Window], pad: int, *, batch_size: int, cell_budget: int) -> Iterator[Batch]:
    """Group windows of similar length into padded batches.

    Windows are sorted by length so that padding stays small; a batch also stops growing when
    ``B * L * L`` would exceed ``cell_budget`` (the logits hold ``types`` times that many floats).
    """
    ordered = sorted(windows, key=len)
    group: list[Window] = []
    for window in ordered:
        longest = len(window)  # sorted ascending: the newest window is the longest
        if group and (len(group) >= batch_size or (len(group) + 1) * longest * longest > cell_budget):
            yield _pad(group, pad)
            group = []
        group.append(window)
    if group:
        yield _pad(group, pad)


def _pad(group: list[Window], pad: int) -> Batch:
    size, length = len(group), max(len(w) for w in group)
    input_ids = np.full((size, length), pad, dtype=np.int64)  # (B, L)
    attention_mask = np.zeros((size, length), dtype=np.int64)  # (B, L)
    token_mask = np.zeros((size, length), dtype=np.int64)  # (B, L)
    offsets = np.zeros((size, length, 2), dtype=np.int64)  # (B, L, 2)
    for row, window in enumerate(group):
        n = len(window)
        input_ids[row, :n] = window.ids
        attention_mask[row, :n] = 1
        token_mask[row, :n] = window.content
        offsets[row, :n] = window.offsets
    return Batch(list(group), input_ids, attention_mask, token_mask, offsets)
