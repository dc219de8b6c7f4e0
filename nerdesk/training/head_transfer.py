"""A new head that starts from what the old one knew: each new label borrows the weights of the start
model's label whose predictions match it best on the reviewed documents.

A start model trained on other labels often already finds the new labels' entities under other names:
the general model's ``name`` spans are People's Daily's ``PER``, its ``company`` spans most of Resume's
``ORG``. Measured on the reviewed documents themselves (exact span matches, F1 of the old label's
predictions against the new label's gold spans), such a label's query/key weights are a far better start
for the new label than random ones; labels with no counterpart (F1 below ``MIN_MATCH_F1``) keep their
fresh weights. Figures in docs/benchmarks.md (``python -m benchmarks.learning_curve``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import torch
from tokenizers import Tokenizer

from nerdesk.core.document import Document
from nerdesk.training.heads import EfficientGlobalPointerHead, GlobalPointerHead
from nerdesk.training.logits import torch_span_predictor
from nerdesk.training.model import GlobalPointerModel

MIN_MATCH_F1 = 0.1  # below this an old label is no better a start than random weights
MATCHING_DOCUMENTS = 300  # enough to rank the labels; the start model predicts them once


def match_labels(start: GlobalPointerModel, tokenizer: Tokenizer, documents: Sequence[Document],
                 labels: Sequence[str], *, threshold: float = 0.0,
                 max_span_tokens: int | None = None) -> dict[str, tuple[str, float]]:
    """For each of ``labels``, the start model's label whose predicted spans best match its gold spans on
    ``documents``, with that F1 (0-1); labels without a match of at least ``MIN_MATCH_F1`` are left out.

    ``threshold`` and ``max_span_tokens`` are the start bundle's: without its span cap a model trained on
    short entities finds thousands of long spans just above 0.
    """
    sample = [doc for doc in documents if doc.gold][:MATCHING_DOCUMENTS]
    if not sample:
        return {}
    predictor = torch_span_predictor(start.eval(), tokenizer, threshold=threshold, max_span_tokens=max_span_tokens)
    predictor.flat = False  # every old label's own opinion, overlaps kept
    predictions = predictor.predict([doc.text for doc in sample])
    matches: Counter[tuple[str, str]] = Counter()
    predicted: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for doc, spans in zip(sample, predictions, strict=True):
        old_by_range: dict[tuple[int, int], set[str]] = {}
        for span in spans:
            old_by_range.setdefault((span.start, span.end), set()).add(span.label)
            predicted[span.label] += 1
        for span in doc.gold:
            gold[span.label] += 1
            for old_label in old_by_range.get((span.start, span.end), ()):
                matches[(span.label, old_label)] += 1
    best: dict[str, tuple[str, float]] = {}
    for (new_label, old_label), count in matches.items():
        f1 = 2 * count / (gold[new_label] + predicted[old_label])
        if new_label in labels and f1 >= MIN_MATCH_F1 and f1 > best.get(new_label, ("", 0.0))[1]:
            best[new_label] = (old_label, f1)
    return best


@torch.no_grad()
def copy_label_weights(start: GlobalPointerModel, model: GlobalPointerModel,
                       matches: dict[str, tuple[str, float]]) -> None:
    """Give each matched label of ``model``'s head the start head's weights for its counterpart.

    An Efficient GlobalPointer head also takes the start's shared query/key projection, which scores
    "is this a span at all" for every label.
    """
    old_head, new_head = start.head, model.head
    old_index = {label: i for i, label in enumerate(start.config.labels)}
    pairs = [(i, old_index[matches[label][0]]) for i, label in enumerate(model.config.labels) if label in matches]
    if old_head.head_size != new_head.head_size:
        return
    if isinstance(new_head, GlobalPointerHead) and isinstance(old_head, GlobalPointerHead):
        _copy_rows(old_head.projection, new_head.projection, pairs, 2 * new_head.head_size)
    elif isinstance(new_head, EfficientGlobalPointerHead) and isinstance(old_head, EfficientGlobalPointerHead):
        new_head.projection.load_state_dict(old_head.projection.state_dict())
        _copy_rows(old_head.type_bias, new_head.type_bias, pairs, 2)


def _copy_rows(source: torch.nn.Linear, target: torch.nn.Linear, pairs: list[tuple[int, int]],
               rows_per_label: int) -> None:
    """Copy label ``old``'s block of output rows (weight and bias) of ``source`` to label ``new``'s of ``target``."""
    for new, old in pairs:
        new_rows = slice(new * rows_per_label, (new + 1) * rows_per_label)
        old_rows = slice(old * rows_per_label, (old + 1) * rows_per_label)
        target.weight[new_rows] = source.weight[old_rows]  # (rows, hidden)
        target.bias[new_rows] = source.bias[old_rows]  # (rows,)
