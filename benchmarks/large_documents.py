"""Flat decoding and project statistics on one large document: the former quadratic code against the current.

    python -m benchmarks.large_documents                       # a 400,000-character line, a 100,000-span document
    python -m benchmarks.large_documents --chars 400000 --spans 100000 --old-seconds 600 --json out.json

Flat decoding: one line of ``--chars`` characters (CoNLL-2003 test sentences joined with spaces, repeated as
needed) is predicted by the flat model ``--model`` (default ``en-general-conll``, ONNX Runtime, 2 threads); the
candidate spans the decoder receives (the input of ``best_non_overlapping``) are recorded and then decoded again by
the former greedy (each span checked against every span kept so far) and by the current one, which must keep the
same spans. ``--synthetic`` (or a missing corpus) takes random candidates instead: one per 10 characters, 1-8
characters long, random scores.

Statistics: a project file (``Project.create``, ``add_documents``) with one document of ``--spans`` random gold
spans (1-20 characters, three labels, nested and crossing; 4 characters of text per span) and a small second one.
``Project.stats()`` is timed against the former self-join queries on the same file; the nesting numbers must agree.
``--old-seconds`` stops a former query after that long (SQLite's progress handler) and reports a lower bound.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks.datasets import DATASETS
from nerdesk.core import Document, Span
from nerdesk.core.spans import PRED, best_non_overlapping, sort_spans
from nerdesk.storage import Project

OLD_OVERLAPPING = """
SELECT a.doc_id, count(*) FROM spans a
WHERE a.source = 'gold' AND EXISTS (
    SELECT 1 FROM spans b
    WHERE b.doc_id = a.doc_id AND b.source = 'gold' AND b."start" < a."end" AND a."start" < b."end"
      AND (b."start", b."end", b.label) IS NOT (a."start", a."end", a.label)
)
GROUP BY a.doc_id
"""
OLD_DEPTH = """
SELECT max((
    SELECT count(*) FROM spans b
    WHERE b.doc_id = a.doc_id AND b.source = 'gold' AND b."start" <= a."start" AND a."start" < b."end"
)) FROM spans a WHERE a.source = 'gold'
"""


def old_best_non_overlapping(spans: Sequence[Span]) -> list[Span]:
    """The former flat decoding: every span checked against every kept one."""
    kept: list[Span] = []
    ranked = sorted(spans, key=lambda s: (-(s.score if s.score is not None else 1.0), s.start, -len(s)))
    for span in ranked:
        if not any(span.overlaps(k) for k in kept):
            kept.append(span)
    return sort_spans(kept)


def conll_line(chars: int) -> str | None:
    """``chars`` characters of CoNLL-2003 test sentences joined with spaces, or None without the corpus."""
    path = DATASETS / "conll2003" / "test.conll"
    if not path.is_file():
        return None
    sentences, words = [], []
    for line in path.read_text("utf-8").splitlines() + [""]:
        if line.strip():
            words.append(line.split()[0])
        elif words:
            sentences.append(" ".join(words))
            words = []
    text = ""
    while len(text) < chars:
        text += " ".join(sentences) + " "
    return text[:chars]


def predicted_candidates(text: str, model: str) -> tuple[list[Span], float]:
    """The spans ``best_non_overlapping`` receives when ``model`` predicts ``text``, and the prediction's time."""
    from nerdesk.runtime import decode
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor
    from nerdesk.workflows.default_models import resolve_model

    bundle = Bundle.load(resolve_model(model))
    predictor = OnnxPredictor(bundle, threads=2)
    recorded: list[Span] = []

    def recording(spans: Sequence[Span]) -> list[Span]:
        recorded.extend(spans)
        return best_non_overlapping(spans)

    with mock.patch.object(decode, "best_non_overlapping", recording):
        started = time.perf_counter()
        predictor.predict([text])
        return recorded, time.perf_counter() - started


def random_candidates(chars: int, seed: int = 0) -> list[Span]:
    rng = random.Random(seed)
    starts = (rng.randrange(chars) for _ in range(chars // 10))
    return [Span(s, min(chars, s + rng.randint(1, 8)), "X", PRED, rng.random()) for s in starts]


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def flat_decoding(chars: int, model: str, synthetic: bool) -> dict[str, Any]:
    text = None if synthetic else conll_line(chars)
    if text is None:
        candidates, predict_seconds, source = random_candidates(chars), None, "random"
    else:
        candidates, predict_seconds = predicted_candidates(text, model)
        source = f"{model} on CoNLL-2003 test text"
    new, new_seconds = timed(lambda: best_non_overlapping(candidates))
    old, old_seconds = timed(lambda: old_best_non_overlapping(candidates))
    if new != old:
        raise SystemExit("flat decoding: the current and the former greedy kept different spans")
    return {"chars": chars, "candidates": source, "candidate_spans": len(candidates), "kept_spans": len(new),
            "predict_seconds": predict_seconds, "old_seconds": old_seconds, "new_seconds": new_seconds,
            "ratio": old_seconds / new_seconds}


def random_document(rng: random.Random, spans: int) -> Document:
    length = 4 * spans
    keys: set[tuple[int, int, str]] = set()
    while len(keys) < spans:
        start = rng.randrange(length)
        keys.add((start, min(length, start + rng.randint(1, 20)), rng.choice("ABC")))
    return Document("x" * length, [Span(*key) for key in keys])


def old_nesting(project: Project, limit: float | None) -> tuple[dict[str, int] | None, float]:
    """The former self-joins' numbers and time; None for the numbers when ``limit`` seconds ran out."""
    deadline = None if limit is None else time.perf_counter() + limit
    connection = project.db.conn
    connection.set_progress_handler(lambda: int(deadline is not None and time.perf_counter() > deadline), 100_000)
    started = time.perf_counter()
    try:
        overlaps = dict(project.db.execute(OLD_OVERLAPPING).fetchall())
        depth = project.db.execute(OLD_DEPTH).fetchone()[0] or 0
    except sqlite3.OperationalError:  # interrupted by the progress handler
        return None, time.perf_counter() - started
    finally:
        connection.set_progress_handler(None, 0)
    numbers = {"nesting_depth": depth, "overlapping_spans": sum(overlaps.values()),
               "documents_with_overlaps": len(overlaps)}
    return numbers, time.perf_counter() - started


def statistics(spans: int, limit: float | None) -> dict[str, Any]:
    rng = random.Random(0)
    with (tempfile.TemporaryDirectory(prefix="nerdesk-large-documents-") as folder,
          Project.create(Path(folder) / "large.nerdesk") as project):
        project.add_documents([random_document(rng, spans), random_document(rng, 50)])
        stats, new_seconds = timed(project.stats)
        new = {key: stats[key] for key in ("nesting_depth", "overlapping_spans", "documents_with_overlaps")}
        old, old_seconds = old_nesting(project, limit)
    if old is not None and old != new:
        raise SystemExit(f"statistics: the former queries gave {old}, the current code {new}")
    return {"spans": spans, "gold_spans": stats["spans"]["gold"], **new, "new_seconds": new_seconds,
            "old_seconds": old_seconds, "old_finished": old is not None, "ratio": old_seconds / new_seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=400_000, help="length of the predicted line (default 400,000)")
    parser.add_argument("--model", default="en-general-conll", help="a flat bundle: directory or embedded name")
    parser.add_argument("--synthetic", action="store_true", help="random candidate spans instead of a prediction")
    parser.add_argument("--spans", type=int, default=100_000, help="gold spans in the large document")
    parser.add_argument("--old-seconds", type=float, help="stop the former statistics queries after this long")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    flat = flat_decoding(args.chars, args.model, args.synthetic)
    print(f"flat decoding, {flat['chars']:,} characters ({flat['candidates']}): {flat['candidate_spans']:,} "
          f"candidates, {flat['kept_spans']:,} kept; former {flat['old_seconds']:.2f} s, current "
          f"{flat['new_seconds']:.3f} s, {flat['ratio']:,.0f}x", flush=True)
    stats = statistics(args.spans, args.old_seconds)
    bound = "" if stats["old_finished"] else " (stopped: at least)"
    print(f"stats, one document of {stats['gold_spans']:,} gold spans: former{bound} {stats['old_seconds']:.1f} s, "
          f"current {stats['new_seconds']:.3f} s, {stats['ratio']:,.0f}x; depth {stats['nesting_depth']}, "
          f"{stats['overlapping_spans']:,} overlapping spans")
    if args.json:
        meta = {"date": datetime.now(timezone.utc).isoformat(timespec="minutes"), "machine": platform.platform(),
                "python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()}
        args.json.write_text(json.dumps({**meta, "flat_decoding": flat, "stats": stats}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
