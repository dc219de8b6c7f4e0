"""Shared test fixtures: paths to the public corpora and offscreen Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = (REPO_ROOT / ".." / "shared" / "datasets").resolve()


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    if not DATASETS.is_dir():
        pytest.skip(f"public corpora not found at {DATASETS}")
    return DATASETS


def dataset_file(*parts: str) -> Path:
    """Path of a file in ../shared/datasets, skipping the test when it is absent."""
    path = DATASETS.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"dataset file not found: {path}")
    return path
