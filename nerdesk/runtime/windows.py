"""Cutting texts into model-sized token windows, and padding windows into batches.

A text is tokenized once without special tokens. When it has more tokens than fit in one window,
it is cut into windows that overlap by ``stride`` tokens. Each window *owns* the spans that start
in its share of the text: the cut between two neighbours lies in the middle of their overlap, so
every span is predicted by the window that sees the most context on both sides of its start, and
no span is reported twice or truncated at a window edge (as long as it is shorter than half the
overlap).

Prediction never holds all windows of its texts at once: ``WindowMaker.tokens`` keeps each text's
tokens in compact arrays (a long text tokenized in pieces where ``nerdesk.runtime.pieces`` proves the
result the same), ``WindowMaker.plan`` lists the windows as small references, and ``window_batches``
builds the windows of one batch at a time, in exactly the batches ``batches`` makes of the full list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence, Sized
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.pieces import PieceCutter
from nerdesk.runtime.stand_ins import StandIns
from nerdesk.runtime.token_features import FeatureTable

PIECE_CHARS = 32_768  # characters per piece when a long text is tokenized in pieces
ENCODE_CHARS = 131_072  # characters handed to the tokenizer in one call (its working memory is ~450 B/char)
T = TypeVar("T")
SizedT = TypeVar("SizedT", bound=Sized)

PROBE_TEXTS = ("a", "1", "。", "x y")


def load_tokenizer(path: Path) -> Tokenizer:
    """Load ``tokenizer.json``, raising ``ModelBundleError`` when it is missing or malformed."""
    if not path.is_file():
        raise ModelBundleError(f"{path}: missing; the bundle needs its tokenizer", code="E330")
    try:
        return Tokenizer.from_file(str(path))
    except Exception as error:  # tokenizers raises a bare Exception for malformed files
        raise ModelBundleError(f"{path}: not a valid tokenizers file ({error}); export the bundle again",
                               code="E331") from error


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
    ids: NDArray[Any]  # (n,) int64, special tokens included
    offsets: NDArray[Any]  # (n, 2) int64 code-point offsets into the text; (0, 0) for special tokens
    content: NDArray[Any]  # (n,) bool, True for tokens of the text a span may start or end on
    owned_start: int  # spans starting at a code point in [owned_start, owned_end) belong to this window
    owned_end: int
    feature_ids: NDArray[Any] | None = None  # (n, K) int32 for a model that reads them, zeros for special tokens

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class TextTokens:
    """The tokens of one text (no special tokens), in compact arrays."""

    length: int  # code points of the text
    ids: NDArray[Any]  # (T,) int32
    offsets: NDArray[Any]  # (T, 2) int32 code-point offsets into the text
    feature_ids: NDArray[Any] | None = None  # (T, K) int32 (``nerdesk.runtime.token_features``)


@dataclass(frozen=True, slots=True)
class WindowRef:
    """Window ``number`` of text ``text_index``, ``size`` tokens long with its special tokens."""

    text_index: int
    number: int
    size: int

    def __len__(self) -> int:
        return self.size


class WindowMaker:
    """Tokenizes texts and cuts them into windows of at most ``max_length`` tokens."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, stride: int,
                 features: FeatureTable | None = None) -> None:
        self.pad_id = pad_id(tokenizer)
        self.features = features  # set for a model that reads per-token ids besides its token ids
        # A private copy without padding or truncation: windows do both, and the caller's stays as it was.
        self.tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.prefix, self.suffix = special_token_frame(self.tokenizer)
        self.capacity = max_length - len(self.prefix) - len(self.suffix)
        if self.capacity < 2:
            raise ModelBundleError(f"max_length {max_length} leaves no room for text between special tokens",
                                   code="E332")
        if not 0 <= stride < self.capacity:
            raise ModelBundleError(f"stride {stride} must be at least 0 and below the window capacity "
                                   f"{self.capacity} (max_length minus special tokens)", code="E333")
        self.stride = stride
        self.cutter = PieceCutter.for_tokenizer(self.tokenizer, PIECE_CHARS)
        self.stand_ins = StandIns(self.tokenizer, features)

    def windows(self, texts: Sequence[str]) -> list[Window]:
        """Every window of ``texts``, text by text."""
        tokens = self.tokens(texts)
        return [self.window(tokens[ref.text_index], ref) for ref in self.refs(tokens)]

    def tokens(self, texts: Sequence[str]) -> list[TextTokens]:
        """The tokens of each text. Texts go to the tokenizer in calls of about ``ENCODE_CHARS``
        characters; a longer text is tokenized in pieces where that is provably the same. Typographic
        punctuation the model does not know is read as the ASCII twin it knows (``nerdesk.runtime.stand_ins``)."""
        texts = [self.stand_ins.apply(text) for text in texts]
        ranges = [(index, begin, end) for index, text in enumerate(texts) for begin, end in self.cutter.pieces(text)]
        parts: list[list[tuple[NDArray[Any], NDArray[Any]]]] = [[] for _ in texts]
        for group in _groups(ranges, lambda r: r[2] - r[1], ENCODE_CHARS):
            encodings = self.tokenizer.encode_batch([texts[i][begin:end] for i, begin, end in group],
                                                    add_special_tokens=False)
            for (index, begin, _), encoding in zip(group, encodings, strict=True):
                ids = np.asarray(encoding.ids, dtype=np.int32)  # (t,)
                offsets = np.asarray(encoding.offsets, dtype=np.int32).reshape(-1, 2) + begin  # (t, 2)
                parts[index].append((ids, offsets))
            del encodings
        joined = [_joined(len(text), pieces) for text, pieces in zip(texts, parts, strict=True)]
        if self.features is None:
            return joined
        features = self.features.ids_many(texts, [t.offsets for t in joined])
        return [TextTokens(t.length, t.ids, t.offsets, ids) for t, ids in zip(joined, features, strict=True)]

    def window_count(self, total: int) -> int:
        """How many windows a text with ``total`` tokens has (none when it has no token)."""
        if total == 0:
            return 0
        # Windows start every capacity - stride tokens; the last is the first that reaches the end of the text.
        step = self.capacity - self.stride
        return (max(total - self.stride, 1) + step - 1) // step

    def refs(self, tokens: Sequence[TextTokens]) -> list[WindowRef]:
        """References to every window of every text, text by text."""
        frame, step = len(self.prefix) + len(self.suffix), self.capacity - self.stride
        return [WindowRef(index, number, min(self.capacity, len(text.ids) - number * step) + frame)
                for index, text in enumerate(tokens) for number in range(self.window_count(len(text.ids)))]

    def window(self, text: TextTokens, ref: WindowRef) -> Window:
        """The window ``ref`` names, built from the text's tokens. It owns the spans that start between
        the middles of its overlaps with its neighbours."""
        step, total = self.capacity - self.stride, len(text.ids)
        start = ref.number * step
        stop = min(start + self.capacity, total)
        owned_start = 0 if ref.number == 0 else int(text.offsets[start + self.stride // 2, 0])
        last = ref.number + 1 == self.window_count(total)
        owned_end = text.length + 1 if last else int(text.offsets[start + step + self.stride // 2, 0])
        window = self._framed(ref.text_index, text.ids[start:stop], text.offsets[start:stop], owned_start, owned_end)
        if text.feature_ids is None:
            return window
        feature_ids = np.zeros((len(window), text.feature_ids.shape[1]), dtype=np.int32)  # (n, K)
        feature_ids[len(self.prefix):len(self.prefix) + stop - start] = text.feature_ids[start:stop]
        return replace(window, feature_ids=feature_ids)

    def _framed(self, text_index: int, ids: NDArray[Any], offsets: NDArray[Any], owned_start: int,
                owned_end: int) -> Window:
        before, after = len(self.prefix), len(self.suffix)
        framed_ids = np.concatenate([np.asarray(self.prefix, np.int64), ids.astype(np.int64),
                                     np.asarray(self.suffix, np.int64)])  # (n,)
        framed_offsets = np.zeros((len(framed_ids), 2), dtype=np.int64)  # (n, 2)
        framed_offsets[before:before + len(ids)] = offsets
        content = np.zeros(len(framed_ids), dtype=bool)  # (n,)
        content[before:len(framed_ids) - after] = offsets[:, 0] < offsets[:, 1]  # empty tokens bound no span
        return Window(text_index, framed_ids, framed_offsets, content, owned_start, owned_end)


def _groups(items: Sequence[T], size: Callable[[T], int], budget: int) -> Iterator[list[T]]:
    """Consecutive items in groups whose sizes add up to at most ``budget`` (or a single item)."""
    group: list[T] = []
    total = 0
    for item in items:
        if group and total + size(item) > budget:
            yield group
            group, total = [], 0
        group.append(item)
        total += size(item)
    if group:
        yield group


def _joined(length: int, pieces: list[tuple[NDArray[Any], NDArray[Any]]]) -> TextTokens:
    if len(pieces) == 1:
        return TextTokens(length, *pieces[0])
    ids = np.concatenate([ids for ids, _ in pieces]) if pieces else np.zeros(0, np.int32)  # (T,)
    offsets = np.concatenate([offsets for _, offsets in pieces]) if pieces else np.zeros((0, 2), np.int32)  # (T, 2)
    return TextTokens(length, ids, offsets)


@dataclass(frozen=True, slots=True)
class Batch:
    windows: list[Window]
    input_ids: NDArray[Any]  # (B, L) int64
    attention_mask: NDArray[Any]  # (B, L) int64
    token_mask: NDArray[Any]  # (B, L) int64, 1 for text tokens (not special, not padding)
    offsets: NDArray[Any]  # (B, L, 2) int64
    feature_ids: NDArray[Any] | None = None  # (B, L, K) int64 for a model that reads them


def length_groups(items: Sequence[SizedT], *, batch_size: int, cell_budget: int) -> Iterator[list[SizedT]]:
    """Group items (windows or window references) of similar length, shortest first.

    Items are sorted by length (stably) so that padding stays small; a group also stops growing when
    ``B * L * L`` would exceed ``cell_budget`` (the logits hold ``types`` times that many floats).
    """
    ordered = sorted(items, key=len)
    group: list[SizedT] = []
    for item in ordered:
        longest = len(item)  # sorted ascending: the newest item is the longest
        if group and (len(group) >= batch_size or (len(group) + 1) * longest * longest > cell_budget):
            yield group
            group = []
        group.append(item)
    if group:
        yield group


def batches(windows: Sequence[Window], pad: int, *, batch_size: int, cell_budget: int) -> Iterator[Batch]:
    """Padded batches of windows of similar length (see ``length_groups``)."""
    for group in length_groups(windows, batch_size=batch_size, cell_budget=cell_budget):
        yield _pad(group, pad)


def window_batches(maker: WindowMaker, tokens: Sequence[TextTokens], *, batch_size: int,
                   cell_budget: int) -> Iterator[Batch]:
    """The batches ``batches`` makes of ``maker``'s windows of ``tokens``, each built only when needed."""
    for group in length_groups(maker.refs(tokens), batch_size=batch_size, cell_budget=cell_budget):
        yield _pad([maker.window(tokens[ref.text_index], ref) for ref in group], maker.pad_id)


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
    return Batch(list(group), input_ids, attention_mask, token_mask, offsets, _padded_feature_ids(group, length))


def _padded_feature_ids(group: list[Window], length: int) -> NDArray[Any] | None:
    if group[0].feature_ids is None:
        return None
    feature_ids = np.zeros((len(group), length, group[0].feature_ids.shape[1]), dtype=np.int64)  # (B, L, K)
    for row, window in enumerate(group):
        if window.feature_ids is not None:
            feature_ids[row, :len(window)] = window.feature_ids
    return feature_ids
