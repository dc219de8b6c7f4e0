"""What a document that kills its Ray worker process costs ``nerdesk predict --engine ray``.

    python -m benchmarks.ray_failures                 # a clean run, then one with a crashing document
    python -m benchmarks.ray_failures --documents 2000 --workers 1 --max-retries 1

The input is CLUENER dev then train sentences, cycled to ``--documents`` lines (as in docs/scaling.md),
predicted with the embedded ``zh-general-cluener`` bundle, one ONNX Runtime thread per actor. The
crashing run uses a predictor that calls ``os._exit`` on any batch holding the middle document. Each run
prints its wall time, the time of the accounting pass (``ray_failures.account_for_every_document``:
reading the input ids again, and predicting one per batch the documents of dropped batches), its shards
and its failed documents. Needs ``pip install 'nerdesk[ray]'``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.datasets import DATASETS
from nerdesk.workflows import ray_failures, ray_predict, ray_shards
from nerdesk.workflows.default_models import resolve_model

# The text that kills the actors: set before the command starts its local Ray, whose workers inherit it.
CRASH_TEXT_VARIABLE = "NERDESK_BENCHMARK_CRASH_TEXT"


class CrashingPredictor(ray_predict.BatchPredictor):
    """Kills its actor's process on any batch holding the text in $NERDESK_BENCHMARK_CRASH_TEXT."""

    def __init__(self, model: str, threads: int, variant: str, batch_size: int, threshold: float | None) -> None:
        super().__init__(model, threads, variant, batch_size, threshold)
        self.crash_text = os.environ[CRASH_TEXT_VARIABLE]

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        if self.crash_text in [str(text) for text in batch["text"]]:
            os._exit(3)
        return super().__call__(batch)


def write_input(path: Path, documents: int) -> list[str]:
    texts = [json.loads(line)["text"] for name in ("dev.json", "train.json")
             for line in (DATASETS / "cluener" / name).read_text("utf-8").splitlines() if line.strip()]
    chosen = list(itertools.islice(itertools.cycle(texts), documents))
    path.write_text("".join(text + "\n" for text in chosen), "utf-8")
    return chosen


def timed_run(options: ray_shards.RayPredictOptions) -> dict[str, Any]:
    """Run the command's workflow, timing the accounting pass as well."""
    timings: dict[str, float] = {}
    account = ray_failures.account_for_every_document

    def timed_account(ray: ModuleType, run_options: ray_shards.RayPredictOptions,
                      predict_with_actors: ray_failures.PredictWithActors, rows_per_shard: int) -> list[dict[str, str]]:
        started = time.perf_counter()
        try:
            return account(ray, run_options, predict_with_actors, rows_per_shard)
        finally:
            timings["accounting"] = time.perf_counter() - started

    setattr(ray_predict, "account_for_every_document", timed_account)  # noqa: B010  (the name run() calls)
    started = time.perf_counter()
    try:
        result = ray_predict.run(options)
    finally:
        setattr(ray_predict, "account_for_every_document", account)  # noqa: B010
    return {"wall_s": round(time.perf_counter() - started, 1), "accounting_s": round(timings["accounting"], 1),
            "documents": result.documents, "shards": len(result.shards), "failed": result.failed,
            "load_average": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-retries", type=int, default=ray_shards.DEFAULT_MAX_RETRIES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nerdesk-ray-failures-") as scratch:
        source = Path(scratch) / "in.txt"
        texts = write_input(source, args.documents)
        for mode in ("clean", "crash"):
            options = ray_shards.RayPredictOptions(
                inputs=[source], model=resolve_model("zh-general-cluener"), out=Path(scratch) / mode,
                workers=args.workers, threads=1, quiet=True, max_retries=args.max_retries,
                predictor=CrashingPredictor if mode == "crash" else None)
            os.environ[CRASH_TEXT_VARIABLE] = texts[len(texts) // 2]
            print(json.dumps({"run": mode, **timed_run(options)}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
