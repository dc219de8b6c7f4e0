"""Bounded failure handling for ``nerdesk predict --engine ray``: every input document ends up in a shard.

A document whose prediction *raises* is handled inside the actor (``BatchPredictor`` predicts its batch
again one document at a time and records the error). A document that *kills the actor's process*
(a crash in native code, the out-of-memory killer) cannot be caught there. For those:

1. The actors are restarted without limit (``max_restarts=-1``): a bound on restarts, once spent, leaves
   the pool with a dead actor and Ray Data 2.60 then waits for it forever (measured). What is bounded is
   the batch: ``max_task_retries=N`` (``--max-retries``) runs a batch whose actor died at most N more
   times, so every crash is charged to a batch and the run ends.
2. A batch that still kills its actor is dropped, not fatal (``DataContext.max_errored_blocks = -1``
   while predicting), so the other batches are written.
3. Accounting: the driver reads the input ids again and compares them with the written shards. The
   documents no shard holds (those of the dropped batches, or anything else lost) are predicted again
   one document per batch, with the same bound, so a crashing document can only take itself down.
4. The documents still missing after that are written by the driver to a shard of their own with
   ``status: failed`` and the error, so the command reports them by id (exit code 1), and ``--resume``
   counts them as done like any other failed document.

The accounting holds one id per written document in the driver (as ``--resume`` does).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from nerdesk.workflows.ray_shards import (
    RayPredictOptions,
    iter_records,
    read_inputs,
    read_shards_of,
    shard_paths,
    shard_suffix,
    write_dataset,
)

if TYPE_CHECKING:
    from ray.data import Dataset

LOST_SHARD_PREFIX = "lost-documents-"


class PredictWithActors(Protocol):
    """What ``ray_predict.predict_with_actors`` does, passed in by its caller: ``dataset`` predicted by the actor
    pool, ``batch_documents`` per call."""

    def __call__(self, ray: ModuleType, dataset: Dataset, options: RayPredictOptions,
                 batch_documents: int) -> Dataset: ...


def actor_failure_args(max_retries: int) -> dict[str, Any]:
    """``map_batches`` remote arguments: restart a dead actor, run its batch again at most ``max_retries``
    times (``max_task_retries`` counts only process deaths; an exception in the predictor is not retried
    by Ray, ``BatchPredictor`` handles it)."""
    return {"max_restarts": -1, "max_task_retries": max_retries}


@contextlib.contextmanager
def errored_blocks_allowed(ray: ModuleType, limit: int) -> Iterator[None]:
    """Ray Data's ``max_errored_blocks`` set to ``limit`` (-1: any number) for the duration."""
    context = ray.data.DataContext.get_current()
    before = context.max_errored_blocks
    context.max_errored_blocks = limit
    try:
        yield
    finally:
        context.max_errored_blocks = before


def written_ids(records: Iterable[dict[str, Any]]) -> Counter[str]:
    """How many times each id is in the shards (an input may hold the same text, so the same id, twice)."""
    return Counter(str(record["id"]) for record in records)


def unwritten(rows: Iterable[dict[str, Any]], written: Counter[str]) -> list[dict[str, str]]:
    """The input rows (``id``, ``text``) that no shard holds, each written copy cancelling one row."""
    remaining = Counter(written)
    missing: list[dict[str, str]] = []
    for row in rows:
        identifier = str(row["id"])
        if remaining[identifier] > 0:
            remaining[identifier] -= 1
        else:
            missing.append({"id": identifier, "text": str(row["text"])})
    return missing


def input_rows(ray: ModuleType, inputs: list[Path]) -> Iterator[dict[str, Any]]:
    """The input documents as the prediction saw them (ids given the same way), streamed to the driver.
    A read error here stops the command (no errored block is allowed while reading)."""
    with errored_blocks_allowed(ray, 0):
        for batch in read_inputs(ray, inputs).iter_batches(batch_format="numpy"):
            for identifier, text in zip(batch["id"], batch["text"], strict=True):
                yield {"id": str(identifier), "text": str(text)}


def account_for_every_document(ray: ModuleType, options: RayPredictOptions, predict_with_actors: PredictWithActors,
                               rows_per_shard: int) -> list[dict[str, str]]:
    """After the prediction pass: predict the documents of dropped batches again one per batch, and write
    the ones that still kill their actor as failed; returns those (``id``, ``text``). The documents predicted
    again go to shards of at least ``rows_per_shard`` (not one shard per document)."""
    missing = unwritten(input_rows(ray, options.inputs), written_ids(iter_records(options.out, options.out_format)))
    if not missing:
        return []
    before = set(shard_paths(options.out, options.out_format))
    with errored_blocks_allowed(ray, -1):  # before the dataset is made: it copies the context
        dataset = ray.data.from_items(missing, override_num_blocks=len(missing))
        predicted = predict_with_actors(ray, dataset, options, batch_documents=1)
        write_dataset(predicted, options, min_rows_per_file=rows_per_shard)
    added = [path for path in shard_paths(options.out, options.out_format) if path not in before]
    lost = unwritten(missing, written_ids(read_shards_of(added, options.out_format)))
    if lost:
        write_lost_shard(options.out, options.out_format, lost, options.max_retries)
    return lost


def lost_records(documents: list[dict[str, str]], max_retries: int) -> list[dict[str, Any]]:
    """Failed records for documents that no attempt wrote, the last ones in a batch of their own."""
    error = (f"WorkerCrashed: no result after {max_retries + 1} attempts with this document alone: the Ray worker "
             "process died predicting it (a crash in native code, the out-of-memory killer) or its shard could "
             "not be written; the Ray logs say which")
    return [{"id": document["id"], "text": document["text"], "spans": [], "status": "failed", "error": error}
            for document in documents]


def write_lost_shard(out: Path, out_format: str, documents: list[dict[str, str]], max_retries: int) -> Path:
    """Write the lost documents' failed records as one more shard (atomically: a kill leaves no half shard)."""
    records = lost_records(documents, max_retries)
    path = out / f"{LOST_SHARD_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}{shard_suffix(out_format)}"
    partial = path.with_name(path.name + ".partial")
    if out_format == "parquet":
        _write_parquet(partial, records)
    else:
        partial.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), "utf-8")
    os.replace(partial, path)
    return path


def _write_parquet(path: Path, records: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as parquet

    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()),
                      ("source", pa.string()), ("score", pa.float64()), ("model_version", pa.string())])
    schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("spans", pa.list_(span)),
                        ("status", pa.string()), ("error", pa.string())])
    parquet.write_table(pa.Table.from_pylist(records, schema=schema), path)
