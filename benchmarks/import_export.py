"""Time the project store on realistic sizes and print a markdown table.

    python -m benchmarks.import_export [--documents 100000] [--keep DIR]

1. CLUENER train (10,748 sentences): read the file, store it in a new project, export it to nerdesk JSON.
2. Bulk insert of 100,000 spans (5,000 documents of 20 spans) into a new project; storing model
   predictions for 10,000 documents one transaction per document and all in one.
3. A 100,000-document project (4 spans each, one nested around two others): open it and list the first page of the document list,
   unfiltered and filtered by label, status and text search.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.datasets import DATASETS
from nerdesk.core import Document, Span
from nerdesk.formats import read_files, write_file
from nerdesk.storage import Project

CLUENER_TRAIN = DATASETS / "cluener" / "train.json"
SYLLABLES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def cluener_rows(folder: Path) -> list[tuple[str, str, float]]:
    read_seconds, imported = timed(lambda: read_files([CLUENER_TRAIN], "cluener"))
    documents, spans = len(imported.documents), sum(len(d.spans) for d in imported.documents)
    with Project.create(folder / "cluener.nerdesk") as project:
        store_seconds, _ = timed(lambda: project.add_documents(imported.documents, labels=imported.labels))
        stream_seconds, stored = timed(lambda: list(project.all_documents()))
        out = folder / "cluener.nerdesk.json"
        write_seconds, _ = timed(lambda: write_file(stored, out, "nerdesk-json", labels=project.label_set()))
    size = f"{documents:,} docs, {spans:,} spans"
    return [
        (f"read CLUENER train ({size})", "formats.read_files", read_seconds),
        (f"store CLUENER train ({size})", "Project.add_documents", store_seconds),
        ("import total (read + store)", "", read_seconds + store_seconds),
        ("stream CLUENER train back from the project", "Project.all_documents", stream_seconds),
        (f"write it as nerdesk JSON ({out.stat().st_size / 1e6:.1f} MB)", "formats.write_file", write_seconds),
        ("export total (stream + write)", "", stream_seconds + write_seconds),
    ]


def synthetic_documents(count: int, spans_per_document: int, *, nested: bool = False) -> list[Document]:
    """Documents of two-character spans side by side; ``nested`` adds one span around the first two."""
    documents = []
    for index in range(count):
        text = "".join(SYLLABLES[(index + k) % len(SYLLABLES)] for k in range(2 * spans_per_document + 8))
        spans = [Span(2 * k, 2 * k + 2, f"L{k % 7}") for k in range(spans_per_document)]
        if nested:
            spans.append(Span(0, 4, "OUTER"))
        documents.append(Document(text, spans))
    return documents


def bulk_rows(folder: Path) -> list[tuple[str, str, float]]:
    documents = synthetic_documents(5_000, 20)
    with Project.create(folder / "bulk.nerdesk") as project:
        seconds, _ = timed(lambda: project.add_documents(documents))
        assert project.stats()["spans"]["gold"] == 100_000
    return [("bulk insert 100,000 spans (5,000 docs)", "Project.add_documents", seconds)]


def prediction_rows(folder: Path, count: int = 10_000) -> list[tuple[str, str, float]]:
    """Storing two predictions per document: one transaction per document, then one for all."""
    predictions = [Span(0, 2, "L0", score=0.9), Span(2, 4, "L1", score=0.7)]
    with Project.create(folder / "predictions.nerdesk") as project:
        ids = project.add_documents(synthetic_documents(count, 3))
        each_seconds, _ = timed(lambda: [project.replace_predictions(i, predictions, "m1") for i in ids])
        many_seconds, _ = timed(lambda: project.replace_predictions_many(((i, predictions) for i in ids), "m2"))
    return [
        (f"predictions for {count:,} docs, one transaction each", "Project.replace_predictions", each_seconds),
        (f"predictions for {count:,} docs, one transaction", "Project.replace_predictions_many", many_seconds),
    ]


def large_project_rows(folder: Path, count: int) -> list[tuple[str, str, float]]:
    path = folder / "large.nerdesk"
    with Project.create(path) as project:
        build_seconds, _ = timed(lambda: project.add_documents(synthetic_documents(count, 3, nested=True)))
        project.set_status(range(1, count + 1, 10), "reviewed")
    open_seconds, project = timed(lambda: Project.open(path))
    with project:
        rows = [
            (f"build a {count:,}-document project ({4 * count:,} spans, nested)", "Project.add_documents",
             build_seconds),
            (f"open the {count:,}-document project", "Project.open", open_seconds),
        ]
        queries = {
            "first page (100) of the document list": lambda: project.document_summaries(limit=100),
            "last page (100) of the document list": lambda: project.document_summaries(offset=count - 100),
            "count all documents": lambda: project.count_documents(),
            "first page filtered by label": lambda: project.document_summaries(label="L2"),
            "first page filtered by status (10%)": lambda: project.document_summaries(status="reviewed"),
            "count matching a text search": lambda: project.count_documents(search="丙丁戊己"),
            "one document with its spans": lambda: project.document(count // 2),
            "stats (status, labels, overlaps, nesting depth)": project.stats,
        }
        for name, query in queries.items():
            seconds, _ = timed(query)
            rows.append((name, "", seconds))
    return rows


def markdown(rows: list[tuple[str, str, float]]) -> str:
    lines = ["| operation | API | time |", "|---|---|---:|"]
    for name, api, seconds in rows:
        shown = f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
        lines.append(f"| {name} | {api and f'`{api}`'} | {shown} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000, help="size of the large project")
    parser.add_argument("--keep", type=Path, help="write the projects here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        if CLUENER_TRAIN.is_file():
            rows += cluener_rows(folder)
        rows += bulk_rows(folder) + prediction_rows(folder) + large_project_rows(folder, args.documents)
    print(f"{platform.processor() or platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n")
    print(markdown(rows))


if __name__ == "__main__":
    main()
