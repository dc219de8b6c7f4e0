"""The inputs and shards of ``nerdesk predict --engine ray``: the run's options and result, reading the
input documents (each with an id), writing and reading the JSONL or Parquet shards, and the resume point.

The prediction (``ray_predict``) and the accounting for documents whose batch was lost (``ray_failures``)
both read and write through this module; it imports neither of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from nerdesk.core.errors import NerdeskError

if TYPE_CHECKING:
    from ray.data import Dataset

DEFAULT_MAX_RETRIES = 3
JSON_SUFFIXES = (".jsonl", ".json", ".ndjson")


@dataclass
class RayPredictOptions:
    inputs: list[Path]
    model: Path
    out: Path
    out_format: str = "jsonl"
    workers: int = 1
    threads: int = 1
    batch_size: int = 32
    threshold: float | None = None
    variant: str = "default"
    address: str | None = None
    quiet: bool = False
    resume: bool = False
    max_retries: int = DEFAULT_MAX_RETRIES  # runs of a batch after its actor's process died (ray_failures)
    predictor: type[Any] | None = None  # the map_batches class; None: BatchPredictor (tests pass a crashing one)


@dataclass
class RayPredictResult:
    documents: int = 0
    spans: int = 0
    shards: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document id, error)


def document_id(name: str, text: str) -> str:
    """A stable id for a document that has none: its file name and a hash of its text."""
    return f"{name}#{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def _with_ids(name: str) -> Callable[[dict[str, Any]], dict[str, list[Any]]]:
    """A batch function: drops blank lines and gives every row an id (kept from the input if it has one)."""
    def add_ids(batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = [(str(text).rstrip("\r"), batch["id"][i] if "id" in batch else None)
                for i, text in enumerate(batch["text"])]
        kept = [(text, identifier) for text, identifier in rows if text.strip()]
        return {"text": [text for text, _ in kept],
                "id": [str(identifier) if identifier is not None else document_id(name, text)
                       for text, identifier in kept]}
    return add_ids


def read_inputs(ray: ModuleType, paths: Sequence[Path]) -> Dataset:
    """One dataset of ``id`` and ``text`` rows, the files one after the other."""
    datasets: list[Dataset] = []
    for path in paths:
        if not path.exists():
            raise NerdeskError(f"{path}: no such file; check the input path", code="E104")
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            dataset = ray.data.read_parquet(str(path))
        elif suffix in JSON_SUFFIXES:
            dataset = ray.data.read_json(str(path), lines=True)
        else:
            dataset = ray.data.read_text(str(path))
        columns = dataset.columns()
        if "text" not in columns:
            raise NerdeskError(f"{path}: no 'text' field in the records (found {', '.join(columns)}); "
                               "each record needs its document text in 'text'", code="E541")
        dataset = dataset.select_columns([c for c in ("id", "text") if c in columns])
        datasets.append(dataset.map_batches(_with_ids(path.name), batch_format="numpy"))
    return datasets[0].union(*datasets[1:]) if len(datasets) > 1 else datasets[0]


def write_dataset(dataset: Dataset, options: RayPredictOptions, min_rows_per_file: int | None = None) -> None:
    """One shard per block, or per ``min_rows_per_file`` rows or more (for datasets of small blocks)."""
    path = str(options.out.resolve())
    if options.out_format == "parquet":
        dataset.write_parquet(path, min_rows_per_file=min_rows_per_file)
    else:
        dataset.write_json(path, min_rows_per_file=min_rows_per_file, force_ascii=False)


def shard_suffix(out_format: str) -> str:
    """The file name suffix of the shards Ray Data writes in ``out_format``."""
    return ".parquet" if out_format == "parquet" else ".json"


def shard_paths(out: Path, out_format: str) -> list[Path]:
    """The shards of an output directory in document order (their names sort in write order)."""
    suffix = shard_suffix(out_format)
    return sorted(p for p in out.iterdir() if p.name.endswith(suffix))


def iter_records(out: Path, out_format: str) -> Iterator[dict[str, Any]]:
    """The written records in document order, one shard in memory at a time."""
    yield from read_shards_of(shard_paths(out, out_format), out_format)


def read_shards_of(shards: Sequence[Path], out_format: str) -> Iterator[dict[str, Any]]:
    """The records of ``shards``, in that order."""
    for shard in shards:
        if out_format == "parquet":
            import pyarrow.parquet as parquet

            yield from parquet.read_table(shard).to_pylist()
        else:
            with open(shard, encoding="utf-8") as handle:
                yield from (json.loads(line) for line in handle if line.strip())


def read_shards(out: Path, out_format: str) -> list[dict[str, Any]]:
    """Every written record, in document order (for small outputs and tests)."""
    return list(iter_records(out, out_format))


def scan_shards(out: Path, out_format: str) -> RayPredictResult:
    """Counts of documents and spans, and the failed documents, from the written shards."""
    result = RayPredictResult(shards=shard_paths(out, out_format))
    for record in iter_records(out, out_format):
        result.documents += 1
        result.spans += len(record["spans"] or [])
        if record.get("error"):
            result.failed.append((record["id"], record["error"]))
    return result


def resume_point(out: Path, out_format: str) -> set[str]:
    """The ids of the documents already written in ``out``; shards cut short by a kill are removed first."""
    if not out.is_dir():
        return set()
    done: set[str] = set()
    for shard in shard_paths(out, out_format):
        ids = _complete_shard_ids(shard, out_format)
        if ids is None:
            shard.unlink()
        else:
            done.update(ids)
    return done


def _complete_shard_ids(shard: Path, out_format: str) -> list[str] | None:
    """The document ids of a shard, or None when it was not written to its end."""
    try:
        if out_format == "parquet":
            import pyarrow.parquet as parquet

            return [str(value) for value in parquet.read_table(shard, columns=["id"]).column("id").to_pylist()]
        content = shard.read_text("utf-8")
        if content and not content.endswith("\n"):
            return None
        return [str(json.loads(line)["id"]) for line in content.splitlines() if line.strip()]
    except (OSError, ValueError, KeyError):  # pyarrow's ArrowInvalid (no footer) is a ValueError
        return None


