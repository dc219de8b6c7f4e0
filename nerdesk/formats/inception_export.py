"""An INCEpTION (or WebAnno) project export read as a folder of WebAnno TSV files.

Such an export holds each document once per annotator (``annotation/DOC/USER.tsv``) and, once curated, the
adjudicated version (``curation/DOC/CURATION_USER.tsv``). The curated one is the document's gold: the
annotators' copies of a curated document are left out, else the first annotator's copy was kept and the
curation skipped as a duplicate of its text.
"""

from __future__ import annotations

from pathlib import Path

ANNOTATION, CURATION = "annotation", "curation"


def _document_key(relative: Path) -> tuple[str, tuple[str, ...]] | None:
    """``(folder, path to the document)`` of a file at ``.../annotation/DOC/USER.tsv`` or
    ``.../curation/DOC/USER.tsv``; ``None`` for any other file."""
    parts = relative.parts
    if len(parts) >= 3 and parts[-3] in (ANNOTATION, CURATION):
        return parts[-3], (*parts[:-3], parts[-2])
    return None


def without_curated_copies(root: Path, files: list[Path]) -> tuple[list[Path], int]:
    """``files`` without the annotators' copies of documents that have a curated version, and how many
    copies were left out."""
    keys = {file: _document_key(file.relative_to(root)) for file in files}
    curated = {key[1] for key in keys.values() if key is not None and key[0] == CURATION}
    kept = [file for file in files if not ((key := keys[file]) and key[0] == ANNOTATION and key[1] in curated)]
    return kept, len(files) - len(kept)
