"""Nesting statistics of ``Project.stats`` against the SQL self-joins they replaced, on random project files."""

from __future__ import annotations

import random
from typing import Any

import pytest

from benchmarks.large_documents import OLD_DEPTH, OLD_OVERLAPPING  # the self-joins it replaced
from nerdesk.core import Document, Span
from nerdesk.storage import Project
from nerdesk.storage.stats import gold_nesting


def old_nesting(project: Project) -> dict[str, int]:
    overlaps = dict(project.db.execute(OLD_OVERLAPPING).fetchall())
    return {
        "nesting_depth": project.db.execute(OLD_DEPTH).fetchone()[0] or 0,
        "overlapping_spans": sum(overlaps.values()),
        "documents_with_overlaps": len(overlaps),
    }


def nesting(stats: dict[str, Any]) -> dict[str, int]:
    return {key: stats[key] for key in ("nesting_depth", "overlapping_spans", "documents_with_overlaps")}


def random_document(rng: random.Random, length: int, count: int, longest: int) -> Document:
    spans = []
    for _ in range(count):
        start = rng.randrange(length)
        end = min(length, start + rng.randint(1, longest))
        spans.append(Span(start, end, rng.choice("ABC"), rng.choice(["gold", "gold", "pred"])))
    return Document("x" * length, spans)


@pytest.mark.parametrize("seed", range(40))
def test_same_numbers_as_the_self_joins(tmp_path, seed):
    rng = random.Random(seed)
    documents = [random_document(rng, rng.randint(1, 50), rng.randint(0, 40), rng.choice([1, 3, 10, 50]))
                 for _ in range(rng.randint(0, 8))]
    with Project.create(tmp_path / "p.nerdesk") as project:
        if documents:
            project.add_documents(documents)
        assert nesting(project.stats()) == old_nesting(project)


def test_same_numbers_on_a_document_of_thousands_of_spans(tmp_path):
    rng = random.Random(7)
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_documents([random_document(rng, 3000, 3000, 30), random_document(rng, 500, 400, 5)])
        assert nesting(project.stats()) == old_nesting(project)


def test_a_document_of_20k_spans(tmp_path):
    rng = random.Random(3)
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_documents([random_document(rng, 100_000, 20_000, 20)])
        stats = project.stats()
    assert stats["documents_with_overlaps"] == 1
    assert 0 < stats["overlapping_spans"] <= stats["spans"]["gold"]
    assert stats["nesting_depth"] >= 2


@pytest.mark.parametrize(("ranges", "expected"), [
    ([], (0, 0)),
    ([(0, 2)], (1, 0)),
    ([(0, 2), (2, 4)], (1, 0)),
    ([(0, 2), (0, 2)], (2, 2)),  # one range, two labels
    ([(0, 10), (1, 2), (3, 4), (12, 13)], (2, 3)),
    ([(0, 3), (1, 2), (5, 6)], (2, 2)),
])
def test_gold_nesting_sweep(ranges, expected):
    assert gold_nesting(ranges) == expected
