"""Where the benchmarks find the public corpora: ``$NERDESK_DATASETS``, else ``../shared/datasets``.

A relative ``NERDESK_DATASETS`` is taken from the repository root, like the default.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = (REPO_ROOT / os.environ.get("NERDESK_DATASETS", "../shared/datasets")).resolve()
