"""``nerdesk predict --engine ray``: batch prediction with Ray Data, on this machine or on a cluster.

Ray Data reads the inputs (plain text, JSON Lines, Parquet), ``map_batches`` runs the ONNX predictor
in a pool of actors (one ONNX Runtime session per actor, opened once) and the results are written as
JSONL or Parquet shards in the output directory. The order of the documents is kept
(``preserve_order``), so the shards, read in name order, hold the documents in input order. Reading the
inputs and writing and reading the shards is ``ray_shards``'s.

A batch that fails is predicted again one document at a time: a bad document gets an ``error`` and no
spans, the others keep theirs, and the command lists the ids of the failed documents at the end. A batch
that kills its actor's process is run again at most ``--max-retries`` times, then its documents are
predicted one per batch, and one that still kills the process is written as failed (``ray_failures``).

``--resume`` continues a run that was killed: shards that cannot be read to their end (the ones being written
at the kill) are removed, the documents of the complete ones are skipped, and the rest are written as new
shards beside them, so every document ends up in exactly one shard. The shards of a resumed run, read in name
order, no longer follow the input order across the two runs; each record carries its ``id``.
Ray itself is an optional extra; ``require_ray`` says how to install it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from nerdesk.core.errors import NerdeskError
from nerdesk.core.spans import Span
from nerdesk.core.wording import counted
from nerdesk.workflows.ray_failures import (
    account_for_every_document,
    actor_failure_args,
    errored_blocks_allowed,
)
from nerdesk.workflows.ray_shards import (
    RayPredictOptions,
    RayPredictResult,
    read_inputs,
    resume_point,
    scan_shards,
    write_dataset,
)

if TYPE_CHECKING:
    from ray.data import Dataset

INSTALL_HINT = "pip install 'nerdesk[ray]'"
# Documents per map_batches call: the local engine's chunk size, so batches form alike.
BATCH_DOCUMENTS = 256
OUTPUT_FORMATS = ("jsonl", "parquet")


def require_ray() -> ModuleType:
    """The ``ray`` module with Ray Data, or a NerdeskError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Data comes with the "data" extra of ray)
    except ImportError as error:
        raise NerdeskError(f"--engine ray needs Ray Data, which is not installed ({error.name} is missing); "
                           f"install the extra with: {INSTALL_HINT}", code="E540") from None
    return ray


class BatchPredictor:
    """The ``map_batches`` callable: one OnnxPredictor per actor, created when the actor starts."""

    def __init__(self, model: str, threads: int, variant: str, batch_size: int, threshold: float | None) -> None:
        from nerdesk.runtime.bundle import Bundle
        from nerdesk.runtime.predictor import OnnxPredictor

        self.predictor = OnnxPredictor(Bundle.load(model, check_models=False), threads=threads, variant=variant)
        self.batch_size = batch_size
        self.threshold = threshold

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        texts = [str(text) for text in batch["text"]]
        ids = [str(value) for value in batch["id"]]
        try:
            predicted = self._predict(texts)
            errors: list[str | None] = [None] * len(texts)
        except Exception:  # noqa: BLE001  (retried one document at a time below)
            predicted, errors = self._predict_one_by_one(texts, ids)
        spans = [[_span_record(span) for span in document] for document in predicted]
        status = ["predicted" if error is None else "failed" for error in errors]
        return {"id": ids, "text": texts, "spans": spans, "status": status, "error": errors}

    def _predict(self, texts: Sequence[str]) -> list[list[Span]]:
        from nerdesk.runtime.decode import predict_at_least

        return predict_at_least(self.predictor, texts, self.threshold, batch_size=self.batch_size)

    def _predict_one_by_one(self, texts: list[str],
                            ids: list[str]) -> tuple[list[list[Span]], list[str | None]]:
        predicted: list[list[Span]] = []
        errors: list[str | None] = []
        for text, identifier in zip(texts, ids, strict=True):
            try:
                predicted.append(self._predict([text])[0])
                errors.append(None)
            except Exception as error:  # noqa: BLE001  (one bad document never stops the run)
                predicted.append([])
                errors.append(f"{type(error).__name__}: {error}")
                print(f"nerdesk: document {identifier} failed: {error}", file=sys.stderr)
        return predicted, errors


def _span_record(span: Span) -> dict[str, Any]:
    assert span.score is not None  # predicted spans always carry their score
    return {"start": span.start, "end": span.end, "label": span.label, "source": span.source,
            "score": float(span.score), "model_version": span.model_version or ""}


def run(options: RayPredictOptions) -> RayPredictResult:
    """Predict every input document and write the shards; starts (and stops) a local Ray if no address."""
    ray = require_ray()
    done = resume_point(options.out, options.out_format) if options.resume else set()
    if not options.resume:
        _check_output(options.out)
    connected_here = _start_ray(ray, options)
    try:
        _configure(ray, options.quiet)
        # A batch that kills its actor is dropped, then accounted for. Set before the read: a dataset keeps
        # a copy of the DataContext it was created with.
        with errored_blocks_allowed(ray, -1):
            # Blocks of exactly the local engine's chunks (the last one shorter): with one batch per block,
            # every batch holds the documents a local chunk holds, so even int8 scores, whose activation
            # scales are set per batch, come out the same.
            dataset = read_inputs(ray, options.inputs).repartition(
                target_num_rows_per_block=BATCH_DOCUMENTS, strict=True)
            if done:
                dataset = dataset.map_batches(_without(done), batch_format="numpy")
            write_dataset(predict_with_actors(ray, dataset, options, BATCH_DOCUMENTS), options)
        account_for_every_document(ray, options, predict_with_actors, rows_per_shard=BATCH_DOCUMENTS)
    finally:
        if connected_here:
            ray.shutdown()
    return scan_shards(options.out, options.out_format)


def predict_with_actors(ray: ModuleType, dataset: Dataset, options: RayPredictOptions,
                        batch_documents: int) -> Dataset:
    """``dataset`` predicted by the actor pool, ``batch_documents`` per call, a crashed batch retried at most
    ``options.max_retries`` times.

    Each actor runs one call at a time (``max_tasks_in_flight_per_actor=1``; Ray Data's default queues two):
    a call queued on an actor that dies is charged a retry as well, so a document queued behind a crashing
    one could be spent and reported as lost. Same throughput (``benchmarks.ray_failures``, docs/scaling.md)."""
    with warnings.catch_warnings():
        # Ray 2.60 deprecates the extra remote arguments but names no parameter for restarts and retries yet.
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
        return dataset.map_batches(
            options.predictor or BatchPredictor, batch_size=batch_documents, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=options.workers, max_tasks_in_flight_per_actor=1),
            num_cpus=options.threads,
            fn_constructor_kwargs={"model": str(options.model), "threads": options.threads,
                                   "variant": options.variant, "batch_size": options.batch_size,
                                   "threshold": options.threshold},
            **actor_failure_args(options.max_retries))


def _without(done: set[str]) -> Callable[[dict[str, Any]], dict[str, list[Any]]]:
    """A batch function that drops the documents whose ids are in ``done``."""
    def keep_new(batch: dict[str, Any]) -> dict[str, list[Any]]:
        kept = [i for i, identifier in enumerate(batch["id"]) if str(identifier) not in done]
        return {column: [batch[column][i] for i in kept] for column in ("id", "text")}
    return keep_new


def _check_output(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise NerdeskError(f"{out}: already exists; --engine ray writes its shards into a new or empty "
                           "directory, choose another --out (or pass --resume to continue a killed run there)", code="E542")


def _start_ray(ray: ModuleType, options: RayPredictOptions) -> bool:
    """Join ``options.address``, or start a local Ray sized for the actors; True if this command connected
    (``ray.shutdown`` then stops the local Ray, or only disconnects from the cluster)."""
    if ray.is_initialized():
        return False
    if options.address:
        ray.init(address=options.address, log_to_driver=not options.quiet)
        return True
    cpus = max(os.cpu_count() or 1, options.workers * options.threads + 1)  # the actors and one reader
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=not options.quiet)
    return True


def _configure(ray: ModuleType, quiet: bool) -> None:
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = not quiet


def summary(result: RayPredictResult, elapsed: float, options: RayPredictOptions) -> list[str]:
    """The lines the command prints when it is done."""
    rate = result.documents / elapsed if elapsed > 0 else float("inf")
    lines = [f"{counted(result.documents, 'document')}, {counted(result.spans, 'predicted span')} in {elapsed:.1f} s "
             f"({rate:,.0f} documents/s, {options.workers} Ray workers) -> {len(result.shards)} "
             f"{options.out_format} shards in {options.out}"]
    lines += [f"failed: document {identifier}: {error}" for identifier, error in result.failed]
    return lines


def run_command(args: argparse.Namespace) -> int:
    """The ``--engine ray`` branch of ``nerdesk predict``."""
    from nerdesk.workflows.default_models import resolve_model

    require_ray()
    out_format = args.format or ("parquet" if args.out.suffix.lower() == ".parquet" else "jsonl")
    if out_format not in OUTPUT_FORMATS:
        raise NerdeskError(f"--engine ray writes jsonl or parquet shards, not {out_format!r}; pass --format jsonl "
                           "or --format parquet", code="E543")
    if args.workers < 1 or args.batch_size < 1 or (args.threads is not None and args.threads < 1):
        raise NerdeskError("--workers, --batch-size and --threads must be at least 1", code="E544")
    if args.max_retries < 0:
        raise NerdeskError("--max-retries must be 0 or more", code="E544")
    if args.input_format or args.split not in (None, "line"):
        raise NerdeskError("--engine ray reads inputs by their suffix (.txt one document per line, .jsonl, "
                           ".parquet): drop --input-format and --split, or use --engine local", code="E545")
    options = RayPredictOptions(
        inputs=list(args.inputs), model=resolve_model(args.model), out=args.out, out_format=out_format,
        workers=args.workers, threads=args.threads or 1, batch_size=args.batch_size, threshold=args.threshold,
        variant=args.variant, address=args.ray_address, quiet=args.quiet, resume=args.resume,
        max_retries=args.max_retries)
    started = time.perf_counter()
    result = run(options)
    if not options.quiet or result.failed:
        for line in summary(result, time.perf_counter() - started, options):
            print(line, file=sys.stderr)
    return 1 if result.failed else 0
