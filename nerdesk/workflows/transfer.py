"""Importing files into a project and exporting it: the one path the window and the command line share.

An import is read completely first (a bad file changes nothing), then stored all or nothing together
with the labels it declares: checked outside the write lock, then committed in short chunks that
other readers do not see until the last one (``nerdesk.storage.imports``). Progress runs from 0 to the
number of documents, the first half while checking, the second while storing; the last report comes
before the import is complete, so a cancel at any point (``cancelled`` returning True) removes every
document and label it added.
Importing into a project file that does not exist yet creates it, and removes it again if the
import fails: a failed import leaves no empty project behind.

An export reads the project as one snapshot (labels and documents from the same state). Values a
project may hold from older versions but no JSON file can (``NaN``, ``Infinity`` in a score or in
metadata) are written as null, with a warning naming each document.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document, Status
from nerdesk.core.errors import NerdeskError
from nerdesk.core.output_paths import check_output_file
from nerdesk.formats import ImportResult, read_files, write_documents
from nerdesk.storage.project import Project, remove_project_file

Progress = Callable[[int, int], None]  # (documents checked and stored so far, halved; documents in the import)


class ImportCancelled(NerdeskError):
    """The user cancelled an import; the store rolled the whole import back."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    ids: list[int]
    format: str
    encoding: str
    warnings: list[str]
    gold: int
    pred: int


@dataclass(frozen=True, slots=True)
class ExportReport:
    """Documents written, and spans the file holds (not those a one-kind format or the writer left out)."""

    documents: int
    spans: int
    warnings: list[str] = field(default_factory=list)


def read_import(paths: Sequence[str | Path], format_name: str | None = None, *, encoding: str | None = None,
                newline: str = "keep", status: Status | None = None) -> ImportResult:
    """Read every file (all or nothing); ``status`` overrides the status of each document read."""
    result = read_files([Path(p) for p in paths], format_name, encoding=encoding, newline=newline)
    if status:
        for document in result.documents:
            document.status = status
    return result


def store_import(project: Project, result: ImportResult, *, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Add the documents and declared labels of ``result``, all or nothing.

    ``progress`` runs after each chunk checked or stored, the last time before the import is complete;
    when ``cancelled()`` turns True at any report, ``ImportCancelled`` is raised and nothing (no
    document, no label) was added.
    """
    total = len(result.documents)

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)
        if cancelled is not None and cancelled():
            raise ImportCancelled("import cancelled; nothing was added to the project", code="E500")

    ids = project.add_documents(result.documents, progress=report, labels=result.labels)
    return ImportReport(ids, result.format, result.encoding, list(result.warnings),
                        gold=sum(len(d.gold) for d in result.documents),
                        pred=sum(len(d.predictions) for d in result.documents))


def store_into_file(project_path: str | Path, result: ImportResult, *,
                    progress: Progress | None = None) -> ImportReport:
    """``store_import`` into the project at ``project_path``, created if missing and removed on failure."""
    project_path = Path(project_path)
    created = not project_path.exists()
    project = Project.open(project_path, create=True)
    try:
        with project:
            return store_import(project, result, progress=progress)
    except BaseException:
        if created:
            remove_project_file(project_path)
        raise


def export_documents(project: Project, path: str | Path, format_name: str, *,
                     status: str | Sequence[str] | None = None, only: str | None = None,
                     **options: Any) -> ExportReport:
    """Write the documents of one snapshot of ``project`` to ``path``.

    ``options`` go to the writer (``source``: which spans a one-kind format writes, ``scheme``...);
    ``only`` (``gold`` or ``pred``) drops the other kind from every document first, for formats that
    keep both. ``path`` may not be the project itself, one of its journal files, another project (any
    SQLite database) or a device: ``E126`` before anything is read (``nerdesk.core.output_paths``).
    """
    check_output_file(path, project=project.path, folder_ok=True)
    with project.read_snapshot():
        labels = project.label_set()
        documents = [only_source(d, only) for d in project.all_documents(status=status)]
    warnings = [warning for document in documents for warning in make_finite(document)]
    options = {key: value for key, value in options.items() if value is not None}
    written = write_documents(documents, Path(path), format_name, labels=labels, **options)
    return ExportReport(len(documents), written.spans, warnings + written.warnings)


def only_source(document: Document, source: str | None) -> Document:
    """Drop the spans of the other source when one is asked for."""
    if source in ("gold", "pred"):
        document.spans = [span for span in document.spans if span.source == source]
    return document


def make_finite(document: Document) -> list[str]:
    """Replace NaN and Infinity in span scores and metadata by None, in place; one warning per value."""
    where = f"document {document.id}" + (f" ({document.name})" if document.name else "")
    warnings = []
    for index, span in enumerate(document.spans):
        if isinstance(span.score, numbers.Real) and not math.isfinite(span.score):
            warnings.append(f"{where}: span {span.start}..{span.end} ({span.label}) has score {span.score}; "
                            "written without a score")
            document.spans[index] = replace(span, score=None)
    found: list[str] = []
    document.meta = _finite_value(document.meta, "meta", found)
    warnings += [f"{where}: {field_name} is not a number JSON can store; written as null" for field_name in found]
    return warnings


def _finite_value(value: Any, field_name: str, found: list[str]) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        found.append(f"{field_name} ({value})")
        return None
    if isinstance(value, dict):
        return {key: _finite_value(item, f"{field_name}[{key!r}]", found) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite_value(item, f"{field_name}[{index}]", found) for index, item in enumerate(value)]
    return value
