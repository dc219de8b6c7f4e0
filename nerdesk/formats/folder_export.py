"""What the exports that write a folder of files per document share: one safe, unique file name per
document, and a warning about files already in the folder that importing it would read too."""

from __future__ import annotations

import re
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import WriteContext


def unique_stems(documents: list[Document]) -> list[str]:
    """A safe file name (without suffix) per document: its name, else doc00001...; unique whatever the case."""
    stems, used = [], set()
    for index, doc in enumerate(documents, start=1):
        base = re.sub(r"[^\w.\-]+", "_", doc.name).strip("._")[:100] if doc.name else ""
        base = base or f"doc{index:05d}"
        stem, number = base, 1
        while stem.lower() in used:
            number += 1
            stem = f"{base}_{number}"
        used.add(stem.lower())
        stems.append(stem)
    return stems


def warn_stale_files(ctx: WriteContext, folder: Path, stale: list[str], files: str, several: str) -> None:
    """Warn about ``stale`` files (sorted) in ``folder`` that this export did not write."""
    if not stale:
        return
    n = len(stale)
    ctx.warn(f"{counted(n, files, several)} in {folder} {by_count(n, 'is', 'are')} not "
             f"from this export ({by_count(n, '', 'e.g. ')}{stale[0]}): importing the folder would read "
             f"{by_count(n, 'it', 'them')} too; export into an empty folder or remove {by_count(n, 'it', 'them')}")
