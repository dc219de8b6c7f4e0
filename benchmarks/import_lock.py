"""How long a large import keeps other writers of the same project waiting.

    python -m benchmarks.import_lock [--documents 100000] [--spans 4]

One thread imports ``--documents`` synthetic documents (nested spans) with ``Project.add_documents``;
another connection to the same file meanwhile sets the status of one document every 20 ms. Printed:
the import's duration, how many edits ran during it, the slowest of them (an edit waits while the
import holds the write lock; past the 10 s busy timeout it would fail with "database is locked"),
and the longest write-lock hold of the import itself: the time from each ``BEGIN IMMEDIATE`` on the
importing connection until its commit (or rollback) returned.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from benchmarks.import_export import synthetic_documents
from nerdesk.core import Document
from nerdesk.storage import Project


class LockClock:
    """Write-lock holds of one project's connection: from each ``BEGIN IMMEDIATE`` (seen through
    SQLite's trace hook) until its ``commit()`` or ``rollback()`` returned."""

    def __init__(self, db: Database) -> None:
        self.began: float | None = None
        self.holds: list[float] = []
        db.conn.set_trace_callback(self.trace)
        for name in ("commit", "rollback"):
            setattr(db, name, self.ending(getattr(db, name)))

    def trace(self, statement: str) -> None:
        if statement.strip().upper().startswith("BEGIN IMMEDIATE"):
            self.began = time.perf_counter()

    def ending(self, end: Callable[[], None]) -> Callable[[], None]:
        def timed_end() -> None:
            end()
            if self.began is not None:
                self.holds.append(time.perf_counter() - self.began)
                self.began = None
        return timed_end

    def longest(self) -> float:
        return max(self.holds, default=0.0)


def measure(folder: Path, count: int, spans: int) -> dict[str, Any]:
    path = folder / "lock.nerdesk"
    with Project.open(path, create=True) as project:
        (first,) = project.add_documents([Document("edited while importing")])
    documents = synthetic_documents(count, spans, nested=True)
    done = threading.Event()
    waits: list[float] = []

    def edit() -> None:
        with Project.open(path) as editor:
            while not done.is_set():
                started = time.perf_counter()
                editor.set_status([first], "in-progress" if len(waits) % 2 else "reviewed")
                waits.append(time.perf_counter() - started)
                time.sleep(0.02)

    editor = threading.Thread(target=edit)
    with Project.open(path) as project:
        clock = LockClock(project.db)
        editor.start()
        time.sleep(0.2)
        started = time.perf_counter()
        project.add_documents(documents)
        seconds = time.perf_counter() - started
        project.db.conn.set_trace_callback(None)
    done.set()
    editor.join()
    return {"documents": count, "import_seconds": seconds, "edits": len(waits), "slowest_edit": max(waits),
            "longest_hold": clock.longest(), "transactions": len(clock.holds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--spans", type=int, default=4, help="spans per document")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nerdesk-import-lock-") as folder:
        result = measure(Path(folder), args.documents, args.spans)
    print(f"import of {result['documents']:,} documents: {result['import_seconds']:.2f} s; "
          f"{result['edits']} concurrent edits, slowest {result['slowest_edit'] * 1000:.0f} ms; "
          f"{result['transactions']} write transactions, longest lock hold {result['longest_hold'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
