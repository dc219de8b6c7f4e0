"""The corpora path is defined once, and a missing corpus fails in CI instead of skipping."""

from __future__ import annotations

import pytest

from benchmarks.datasets import DATASETS as BENCHMARK_DATASETS
from tests.conftest import DATASETS, dataset_file


def test_tests_and_benchmarks_read_the_same_corpora():
    assert BENCHMARK_DATASETS == DATASETS


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("1", pytest.fail.Exception),
                                         ("", pytest.skip.Exception), ("false", pytest.skip.Exception)])
def test_a_missing_corpus_fails_in_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="dataset file not found"):
        dataset_file("no such corpus", "train.json")
