"""Batched span prediction: texts in, predicted spans out.

``SpanPredictor`` is the whole pipeline (windows, length-sorted batches, logits, decoding, merging)
around any function that maps a padded batch to logits. ``OnnxPredictor`` plugs in an ONNX Runtime
session opened from a bundle; export and benchmarks plug in the torch model, so both are measured
and compared through exactly the same pre- and post-processing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from numpy.typing import NDArray
from tokenizers import Tokenizer

from nerdesk.core.errors import ModelBundleError
from nerdesk.core.spans import Span
from nerdesk.core.text_checks import check_predict_texts
from nerdesk.runtime.bundle import Bundle, check_session_labels
from nerdesk.runtime.decode import SpanCollector, cells_above
from nerdesk.runtime.decode_settings import DecodeSettings
from nerdesk.runtime.sentences import reading_ranges
from nerdesk.runtime.session import OrtLogits, check_feature_width, open_session
from nerdesk.runtime.token_features import FeatureTable, feature_table_of_directory
from nerdesk.runtime.windows import Batch, WindowMaker, load_tokenizer, window_batches

# (input_ids, attention_mask, token_mask), each (B, L) int64 [, feature ids (B, L, K) int64 for a model that
# reads them (``nerdesk.runtime.token_features``)] -> logits (B, m, L, L) float32
LogitsFunction = Callable[..., NDArray[Any]]
# progress(windows_done, windows_total)
Progress = Callable[[int, int], None]
# on_batch(batch, logits): a batch and the logits (B, m, L, L) of each logits function on it
BatchLogits = Callable[["Batch", list[NDArray[Any]]], None]

# Largest B * L * L per batch: with m types the logits take 4 * m times this many bytes.
CELL_BUDGET = 2_000_000


class SpanPredictor:
    """Predicts spans with any logits function; see ``OnnxPredictor`` for the usual ONNX one."""

    def __init__(self, logits_function: LogitsFunction, tokenizer: Tokenizer, label_names: Sequence[str], *,
                 max_length: int, stride: int, threshold: float = 0.0, flat: bool = False,
                 model_version: str | None = None, max_span_tokens: int | None = None,
                 features: FeatureTable | None = None) -> None:
        self.logits_function = logits_function
        self.label_names = list(label_names)
        self.window_maker = WindowMaker(tokenizer, max_length, stride, features=features)
        self._settings = DecodeSettings(max_length=max_length, stride=stride, threshold=threshold, flat=flat,
                                        max_span_tokens=max_span_tokens)
        self.model_version = model_version

    @classmethod
    def from_settings(cls, logits_function: LogitsFunction, tokenizer: Tokenizer, label_names: Sequence[str],
                      settings: DecodeSettings, *, features: FeatureTable | None = None,
                      model_version: str | None = None) -> SpanPredictor:
        """A predictor that decodes with ``settings`` (a bundle's, or the ones its export will record)."""
        return SpanPredictor(logits_function, tokenizer, label_names, max_length=settings.max_length,
                             stride=settings.stride, threshold=settings.threshold, flat=settings.flat,
                             max_span_tokens=settings.max_span_tokens, features=features, model_version=model_version)

    @property
    def settings(self) -> DecodeSettings:
        """The settings this predictor decodes with."""
        return self._settings

    @property
    def threshold(self) -> float:
        return self._settings.threshold

    @property
    def flat(self) -> bool:
        return self._settings.flat

    @flat.setter
    def flat(self, value: bool) -> None:
        self._settings = replace(self._settings, flat=value)

    @property
    def max_span_tokens(self) -> int | None:
        return self._settings.max_span_tokens

    def predict(self, texts: Sequence[str], batch_size: int = 32, threshold: float | None = None,
                progress: Progress | None = None) -> list[list[Span]]:
        """Spans for each text (``source="pred"``, ``score`` = sigmoid of the logit's margin over the
        threshold, so every span scores above 0.5), in reading order.

        Each piece of a text (``nerdesk.runtime.sentences.reading_ranges``: its lines, and the sentences of a
        paragraph) is predicted on its own: no span crosses the end of one. ``threshold`` overrides the
        bundle's logit threshold; ``progress(windows_done, windows_total)`` is called after each batch.
        """
        return self.predict_alongside(texts, (), batch_size=batch_size, threshold=threshold, progress=progress)[0]

    def predict_alongside(self, texts: Sequence[str], others: Sequence[LogitsFunction], *, batch_size: int = 32,
                          threshold: float | None = None, progress: Progress | None = None,
                          on_batch: BatchLogits | None = None) -> list[list[list[Span]]]:
        """``predict``'s spans, then those of each logits function of ``others`` decoded from the very same
        batches: the texts are windowed and batched once for all of them. ``on_batch(batch, logits)`` hears
        each batch with the logits of every function, this predictor's first (export's parity check compares
        them, ``nerdesk.training.export.check_parity``)."""
        texts = list(texts)
        check_predict_texts(texts)
        pieces = [(index, begin, end) for index, text in enumerate(texts) for begin, end in reading_ranges(text)]
        spans_of_pieces = self._predict_pieces([texts[index][begin:end] for index, begin, end in pieces],
                                               [self._logits, *map(self._checked, others)], batch_size, threshold,
                                               progress, on_batch)
        predictions = []
        for found_in_pieces in spans_of_pieces:
            spans: list[list[Span]] = [[] for _ in texts]
            for (index, begin, _), found in zip(pieces, found_in_pieces, strict=True):
                spans[index].extend(span.moved(span.start + begin, span.end + begin) if begin else span
                                    for span in found)
            predictions.append(spans)
        return predictions

    def _predict_pieces(self, texts: list[str], functions: Sequence[Callable[[Batch], NDArray[Any]]],
                        batch_size: int, threshold: float | None, progress: Progress | None,
                        on_batch: BatchLogits | None) -> list[list[list[Span]]]:
        cutoff = self.threshold if threshold is None else threshold
        tokens = self.window_maker.tokens(texts)
        total = sum(self.window_maker.window_count(len(t.ids)) for t in tokens)
        collectors = [SpanCollector(len(texts), self.label_names, self.model_version) for _ in functions]
        done = 0
        # One batch of windows and its logits at a time: memory follows the batch, not the texts.
        for batch in window_batches(self.window_maker, tokens, batch_size=batch_size, cell_budget=CELL_BUDGET):
            logits = [function(batch) for function in functions]  # each (B, m, L, L)
            if on_batch is not None:
                on_batch(batch, logits)
            for collector, scores in zip(collectors, logits, strict=True):
                cells = cells_above(scores, batch.token_mask, batch.offsets, cutoff, self.max_span_tokens)
                collector.add(cells, [w.text_index for w in batch.windows],
                              [(w.owned_start, w.owned_end) for w in batch.windows])
            del logits
            done += len(batch.windows)
            if progress is not None:
                progress(done, total)
        del tokens
        return [collector.spans(flat=self.flat) for collector in collectors]

    def batch_logits(self, batch: Batch) -> NDArray[Any]:
        """Logits of one padded batch (B, m, L, L); exposed for parity checks."""
        return self._logits(batch)

    def _logits(self, batch: Batch) -> NDArray[Any]:
        return self._checked(self.logits_function)(batch)

    def _checked(self, logits_function: LogitsFunction) -> Callable[[Batch], NDArray[Any]]:
        """``logits_function`` on a batch's arrays, refusing logits for another number of labels."""
        return lambda batch: self._check_label_count(logits_function(*batch_inputs(batch)))

    def _check_label_count(self, logits: NDArray[Any]) -> NDArray[Any]:
        if logits.shape[1] != len(self.label_names):
            raise ModelBundleError(f"the model scores {logits.shape[1]} entity types but {len(self.label_names)} "
                                   f"labels are declared; the bundle is inconsistent, export it again",
                                   code="E320")
        return logits


def batch_inputs(batch: Batch) -> tuple[NDArray[Any], ...]:
    """A logits function's arguments for ``batch``: input_ids, attention_mask, token_mask, each (B, L) [, the
    feature ids (B, L, K) of a model that reads them]."""
    inputs: tuple[NDArray[Any], ...] = (batch.input_ids, batch.attention_mask, batch.token_mask)
    return inputs if batch.feature_ids is None else (*inputs, batch.feature_ids)


class OnnxPredictor(SpanPredictor):
    """Prediction with a bundle's ONNX model. The session is created once and reused."""

    def __init__(self, bundle: Bundle, threads: int | None = None, variant: str = "default") -> None:
        self.bundle = bundle
        self.variant = bundle.default_variant if variant == "default" else variant
        model_path = bundle.variant_path(self.variant)
        session = open_session(model_path, threads=threads)
        check_session_labels(session, model_path, bundle.labels.names)  # bundle.json's labels, in the model's order
        logits = OrtLogits(session)
        features = feature_table_of_directory(bundle.path, logits.feature_input) if logits.feature_input else None
        if features is not None:
            check_feature_width(session, features.width, model_path)
        settings = bundle.decode_settings
        super().__init__(logits, load_tokenizer(bundle.tokenizer_path), bundle.labels.names,
                         max_length=settings.max_length, stride=settings.stride, threshold=settings.threshold,
                         flat=settings.flat, max_span_tokens=settings.max_span_tokens,
                         model_version=bundle.model_version, features=features)
