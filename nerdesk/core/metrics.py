"""Span-level evaluation: exact (start, end, label) match, micro/macro/per-label P/R/F1.

Nested-aware: besides the overall scores, gold spans that nest in or contain another gold span are
scored separately (``nested``), so a model that only finds outer spans cannot hide behind the total.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nerdesk.core.spans import Span


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.support}


@dataclass(slots=True)
class Report:
    per_label: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    nested: Counts = field(default_factory=Counts)
    documents: int = 0
    exact_documents: int = 0

    @property
    def macro_f1(self) -> float:
        scores = [c.f1 for c in self.per_label.values() if c.support or c.fp]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def exact_match(self) -> float:
        return self.exact_documents / self.documents if self.documents else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "micro": self.micro.as_dict(),
            "macro_f1": self.macro_f1,
            "nested": self.nested.as_dict(),
            "exact_match": self.exact_match,
            "documents": self.documents,
            "per_label": {name: c.as_dict() for name, c in sorted(self.per_label.items())},
        }

    def table(self) -> str:
        rows = [f"{'label':<16}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
        for name, c in sorted(self.per_label.items()):
            rows.append(f"{name:<16}{c.precision:8.4f}{c.recall:8.4f}{c.f1:8.4f}{c.support:9d}")
        m = self.micro
        rows.append(f"{'micro':<16}{m.precision:8.4f}{m.recall:8.4f}{m.f1:8.4f}{m.support:9d}")
        rows.append(f"{'macro F1':<16}{'':16}{self.macro_f1:8.4f}")
        n = self.nested
        rows.append(f"{'nested spans':<16}{n.precision:8.4f}{n.recall:8.4f}{n.f1:8.4f}{n.support:9d}")
        rows.append(f"exact-match documents: {self.exact_documents}/{self.documents}")
        return "\n".join(rows)


def _nested_keys(spans: Sequence[Span]) -> set[tuple[int, int, str]]:
    """The keys of the spans that hold another span or lie inside one (equal ranges with other labels too).

    Two passes over the distinct keys in (start, -end) order instead of comparing every overlapping pair: an
    untrained head predicts thousands of overlapping spans in a document, and scoring it pairwise took most
    of a small retraining's evaluation time."""
    keys = sorted({span.key for span in spans}, key=lambda key: (key[0], -key[1], key[2]))
    nested: set[tuple[int, int, str]] = set()
    furthest_end = -1  # of the keys before: every one starts at or before this key
    for key in keys:
        if furthest_end >= key[1]:
            nested.add(key)  # inside one of them
        furthest_end = max(furthest_end, key[1])
    nearest_end = math.inf  # of the keys after: every one starts at or after this key
    for key in reversed(keys):
        if nearest_end <= key[1]:
            nested.add(key)  # holds one of them
        nearest_end = min(nearest_end, key[1])
    return nested


def evaluate(gold_docs: Iterable[Sequence[Span]], pred_docs: Iterable[Sequence[Span]]) -> Report:
    """Score predictions against gold, document by document (both iterables in the same order).

    ``nested`` counts gold spans that nest with another gold span (recall side) and predicted spans
    that nest with another predicted span (precision side).
    """
    report = Report()
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        gold_keys = Counter(s.key for s in gold)
        pred_keys = Counter(s.key for s in pred)
        gold_nested, pred_nested = _nested_keys(gold), _nested_keys(pred)
        report.documents += 1
        report.exact_documents += gold_keys == pred_keys
        for key in gold_keys | pred_keys:
            counts = report.per_label.setdefault(key[2], Counts())
            hit = min(gold_keys[key], pred_keys[key])
            for target in (counts, report.micro):
                target.tp += hit
                target.fp += pred_keys[key] - hit
                target.fn += gold_keys[key] - hit
            if key in gold_nested:
                report.nested.tp += hit
                report.nested.fn += gold_keys[key] - hit
            if key in pred_nested:
                report.nested.fp += pred_keys[key] - hit
    return report
