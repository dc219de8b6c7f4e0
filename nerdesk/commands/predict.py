"""``nerdesk predict``: run a model bundle over files and write the predicted spans.

Inputs are plain text or any format ``nerdesk.formats`` reads; gold spans already in them are kept
and earlier predictions are replaced by the new ones (predictions never overwrite gold). With
``--workers N`` the documents are split into chunks predicted by N processes, each with its own
ONNX Runtime session.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nerdesk.core.wording import counted

if TYPE_CHECKING:
    from nerdesk.core.document import Document
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import SpanPredictor

CHUNK_DOCUMENTS = 256
NATIVE_FORMATS = ("nerdesk-json", "jsonl")

# A span crossing the process boundary: (start, end, label index, score).
SpanTuple = tuple[int, int, int, float | None]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``predict`` to the nerdesk parser."""
    parser = subparsers.add_parser(
        "predict", help="predict entities in files with a model bundle (ONNX Runtime, no torch)",
        description="Predict entities with a model bundle and write documents with their predicted spans.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", type=Path, help="text or annotated files")
    parser.add_argument("--model", required=True, metavar="BUNDLE",
                        help="model bundle directory, or the name of an embedded model (see nerdesk models)")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write the documents")
    parser.add_argument("--format", help="output format (default from --out: .jsonl -> jsonl, .json -> "
                                         "nerdesk-json, .bio/.bmes/.conll -> conll, .spacy -> spaCy DocBin, ...); "
                                         "lossy formats get the predicted spans")
    parser.add_argument("--input-format", help="input format (default: detected per file)")
    parser.add_argument("--split", "--text-unit", dest="split", choices=("line", "paragraph", "document"),
                        help="plain-text inputs: one document per line (default), paragraph or file (import and "
                             "export call it --text-unit)")
    parser.add_argument("--threshold", type=float, metavar="P",
                        help="keep spans scoring at least P, a probability between 0 and 1 (default 0.5, the "
                             "bundle's own decision threshold; lower finds more, less sure spans)")
    parser.add_argument("--variant", default="default", choices=("default", "fp32", "int8"),
                        help="which ONNX model of the bundle to run")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per batch (default 32)")
    parser.add_argument("--workers", type=int, default=1, help="processes for large corpora (default 1)")
    parser.add_argument("--threads", type=int, help="ONNX Runtime threads per process "
                                                    "(default: CPU cores divided among the workers)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local processes (default) or Ray Data (pip install 'nerdesk[ray]'): reads text, "
                             "JSONL and Parquet, writes JSONL or Parquet shards into the --out directory")
    parser.add_argument("--resume", action="store_true",
                        help="--engine ray: continue a killed run in the same --out (documents already in complete "
                             "shards are skipped, shards cut short are written again)")
    parser.add_argument("--max-retries", type=int, default=3, metavar="N",
                        help="--engine ray: run a batch whose worker process died at most N more times (default 3); "
                             "its documents are then predicted one by one, and one that still kills the process "
                             "is reported as failed")
    parser.add_argument("--ray-address", metavar="ADDR",
                        help="--engine ray: join this Ray cluster (default: start a local Ray for the command)")
    parser.set_defaults(handler=run_predict)


def run_predict(args: argparse.Namespace) -> int:
    from nerdesk.core.errors import ImportProblems, NerdeskError
    from nerdesk.core.output_paths import check_output_file
    from nerdesk.formats import read_files, resolve_format, write_file
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.decode import score_margin
    from nerdesk.workflows.default_models import resolve_model

    if args.threshold is not None:
        score_margin(args.threshold)  # a clear error before any work
    check_output_file(args.out, folder_ok=True)  # a project or a device as --out: refused before any work too
    if args.engine == "ray":
        from nerdesk.workflows.ray_predict import run_command

        return run_command(args)
    if args.workers < 1 or args.batch_size < 1 or (args.threads is not None and args.threads < 1):
        raise NerdeskError("--workers, --batch-size and --threads must be at least 1", code="E544")
    if args.max_retries < 0:
        raise NerdeskError("--max-retries must be 0 or more", code="E544")
    out_format = _output_format(args.out, args.format, resolve_format)
    args.model = resolve_model(args.model)  # the worker processes open the same directory
    bundle = Bundle.load(args.model)
    options = {"split": args.split} if args.split else {}
    try:
        imported = read_files(args.inputs, args.input_format, **options)
    except ImportProblems as problems:  # the reader's words are for an import
        raise ImportProblems(problems.problems, outcome="nothing was predicted") from None
    documents = imported.documents
    _warn_on_script_mismatch([d.text for d in documents], bundle)
    threads = args.threads or max(1, (os.cpu_count() or 1) // args.workers)
    started = time.perf_counter()
    predicted = _predict_all([d.text for d in documents], bundle, args, threads)
    elapsed = time.perf_counter() - started
    _attach_predictions(documents, predicted, bundle)
    write_options = {} if out_format in NATIVE_FORMATS else {"source": "pred"}
    requested = args.format or out_format  # "bmes" keeps naming its scheme for write_file
    warnings = write_file(documents, args.out, requested, labels=bundle.labels, **write_options)
    if not args.quiet:
        _summary(documents, elapsed, bundle, args, [*imported.warnings, *warnings])
    return 0


def _output_format(out: Path, requested: str | None, resolve_format: Callable[[object], str]) -> str:
    from nerdesk.core.errors import FormatError
    from nerdesk.formats import format_for_suffix

    if requested:
        return resolve_format(requested)
    found = format_for_suffix(out)
    if found is not None and found != "text":
        return found
    raise FormatError(f"cannot tell the output format from {out.name!r}; pass --format (jsonl, nerdesk-json, "
                      "conll, ...)", code="E102")


def _chunks(texts: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    for begin in range(0, len(texts), CHUNK_DOCUMENTS):
        yield begin, list(texts[begin:begin + CHUNK_DOCUMENTS])


def _predict_all(texts: list[str], bundle: Bundle, args: argparse.Namespace,
                 threads: int) -> list[list[SpanTuple]]:
    """Spans of every text, chunk by chunk, in this process or in ``args.workers`` processes."""
    from nerdesk.runtime.predictor import OnnxPredictor

    results: list[list[SpanTuple]] = [[] for _ in texts]
    with _progress_bar(len(texts), args.quiet) as advance:
        if args.workers == 1 or len(texts) <= CHUNK_DOCUMENTS:
            _use_predictor(OnnxPredictor(bundle, threads=threads, variant=args.variant))
            for begin, chunk in _chunks(texts):
                results[begin:begin + len(chunk)] = _predict_chunk(chunk, args.batch_size, args.threshold)
                advance(len(chunk))
        else:
            _predict_in_processes(texts, args, threads, results, advance)
    return results


def _predict_in_processes(texts: list[str], args: argparse.Namespace, threads: int,
                                   results: list[list[SpanTuple]], advance: Callable[[int], None]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads or sessions
    with ProcessPoolExecutor(args.workers, mp_context=context, initializer=_init_worker,
                             initargs=(str(args.model), threads, args.variant)) as pool:
        futures = {pool.submit(_predict_chunk, chunk, args.batch_size, args.threshold): (begin, len(chunk))
                   for begin, chunk in _chunks(texts)}
        for future in as_completed(futures):
            begin, size = futures[future]
            results[begin:begin + size] = future.result()
            advance(size)


_WORKER_PREDICTOR: SpanPredictor | None = None  # the predictor of this process (set per worker)


def _use_predictor(predictor: SpanPredictor) -> None:
    global _WORKER_PREDICTOR
    _WORKER_PREDICTOR = predictor


def _init_worker(model: str, threads: int, variant: str) -> None:
    """Open the bundle once per worker process (the parent has validated it already)."""
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    _use_predictor(OnnxPredictor(Bundle.load(model, check_models=False), threads=threads, variant=variant))


def _predict_chunk(texts: list[str], batch_size: int, min_score: float | None) -> list[list[SpanTuple]]:
    from nerdesk.runtime.decode import predict_at_least

    predictor = _WORKER_PREDICTOR
    assert predictor is not None, "_use_predictor or _init_worker runs first"
    index = {name: position for position, name in enumerate(predictor.label_names)}
    return [[(s.start, s.end, index[s.label], s.score) for s in spans]
            for spans in predict_at_least(predictor, texts, min_score, batch_size=batch_size)]


def _warn_on_script_mismatch(texts: list[str], bundle: Bundle) -> None:
    """Say on stderr when the texts are in another script than the model (a Chinese model on English text)."""
    import sys

    from nerdesk.workflows.model_script import texts_mismatch

    mismatch = texts_mismatch(texts, bundle.path, bundle.manifest.get("trained_on"))
    if mismatch is not None:
        print(f"warning: {mismatch.message_for_command(bundle.model_version)}", file=sys.stderr)


def _attach_predictions(documents: Sequence[Document], predicted: list[list[SpanTuple]],
                        bundle: Bundle) -> None:
    """Replace each document's predictions with the new ones; gold spans stay as they are."""
    from nerdesk.core.spans import PRED, Span, sort_spans

    names = bundle.labels.names
    for document, spans in zip(documents, predicted, strict=True):
        new = [Span(start, end, names[label], PRED, score, bundle.model_version) for start, end, label, score in spans]
        document.spans = sort_spans([*document.gold, *new])
        if document.status == "new":
            document.status = "predicted"


@contextlib.contextmanager
def _progress_bar(total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(documents_done)``: a rich progress bar on stderr, or nothing when quiet."""
    if quiet:
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    with Progress("predicting", BarColumn(), MofNCompleteColumn(), "documents", TimeElapsedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task("predict", total=total)
        yield lambda done: progress.advance(task, done)


def _summary(documents: Sequence[Document], elapsed: float, bundle: Bundle, args: argparse.Namespace,
             warnings: list[str]) -> None:
    import sys

    spans = sum(len(d.predictions) for d in documents)
    chars = sum(len(d.text) for d in documents)
    variant = bundle.default_variant if args.variant == "default" else args.variant
    rate = chars / elapsed if elapsed > 0 else float("inf")
    print(f"{counted(len(documents), 'document')}, {counted(spans, 'predicted span')} with {bundle.model_version} ({variant}) "
          f"in {elapsed:.1f} s ({rate:,.0f} chars/s) -> {args.out}", file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
