"""Shared test fixtures: paths to the public corpora and offscreen Qt.

The corpora live in ``$NERDESK_DATASETS``, else ``../shared/datasets`` (a relative value is taken from the
repository root). A test that needs a missing corpus skips on a developer's machine and fails in CI (``CI`` set),
because CI has the corpora: a skip there would hide a broken path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = (REPO_ROOT / os.environ.get("NERDESK_DATASETS", "../shared/datasets")).resolve()


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_dataset(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI must have the public corpora; set NERDESK_DATASETS)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    if not DATASETS.is_dir():
        missing_dataset(f"public corpora not found at {DATASETS}")
    return DATASETS


def dataset_file(*parts: str) -> Path:
    """Path of a file among the public corpora; skips (fails in CI) when it is absent."""
    path = DATASETS.joinpath(*parts)
    if not path.is_file():
        missing_dataset(f"dataset file not found: {path}")
    return path
