"""Learning-curve benchmark of the retraining recipe: test F1 after N reviewed documents.

    python -m benchmarks.learning_curve                       # every pair, 50..1000 documents
    python -m benchmarks.learning_curve --pairs general:resume --sizes 50 100 --full

Each run does what the Retrain button does with N reviewed documents of the target corpus (a seeded
sample of its training split): the evaluation set is picked by the product's rule
(``nerdesk.workflows.evaluation_set``), the start and recipe are chosen as in ``nerdesk train``
(``nerdesk.training.run``), and the exported bundle is scored with ONNX Runtime on the corpus's test
documents (nobody reviewed them). For a continuation the start model is scored on the same test
documents, so the two can be compared. ``--full`` adds one run on the whole training split with the
time the largest size took. Results are printed as ``RESULT`` lines and appended to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from benchmarks.train_corpora import read_corpus
from nerdesk.core.document import Document

TARGETS = {
    # name: (format, pool of reviewed documents, test documents)
    "resume": ("conll", "resume_ner/train.char.bmes", "resume_ner/test.char.bmes"),
    "peoples_daily": ("conll", "peoples_daily/dev.bio", "peoples_daily/test.bio"),
    "cmeee": ("cmeee", "cmeee_v2/train.json", "cmeee_v2/dev.json"),
    "genia": ("genia", "genia/train.jsonl", "genia/test.jsonl"),
    "conll2003": ("conll", "conll2003/train.conll", "conll2003/test.conll"),
}
STARTS = {"general": "zh-general-cluener", "medical": "zh-medical-cmeee", "english": "en-general-conll",
          "biomedical": "en-bio-genia", "scratch": "scratch"}
DEFAULT_PAIRS = ("general:resume", "general:peoples_daily", "general:cmeee", "medical:cmeee", "scratch:resume")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", nargs="+", default=list(DEFAULT_PAIRS), help="start:target pairs; a start is a name of STARTS or a bundle directory")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200, 500, 1000])
    parser.add_argument("--test-limit", type=int, default=1000, help="test documents scored per target")
    parser.add_argument("--full", action="store_true", help="also train on the whole pool for the largest run's time")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--batch-size", type=int, help="windows per step of every run instead of the recipe's")
    parser.add_argument("--budget-seconds", type=float, help="training time budget of every run instead of the "
                        "recipe's (to see whether a size is held back by time)")
    parser.add_argument("--no-augment", action="store_true", help="train without mention-swapped copies "
                        "(nerdesk train --no-augment)")
    parser.add_argument("--average-decay", type=float, help="score a moving average of the weights with this "
                        "decay instead of the recipe's choice (0: the last step's weights)")
    parser.add_argument("--json", type=Path, default=Path("runs/learning_curve.jsonl"))
    parser.add_argument("--table", action="store_true", help="print the results in --json as a Markdown table")
    add_target_files_argument(parser)
    return register_target_files(parser.parse_args(argv))


def add_target_files_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target-files", nargs=4, action="append", default=[],
                        metavar=("NAME", "FORMAT", "POOL", "TEST"),
                        help="a target outside the shared datasets folder: its name, nerdesk format, the file of "
                             "documents to review and the file of test documents (repeatable)")


def register_target_files(args: argparse.Namespace) -> argparse.Namespace:
    """Add the ``--target-files`` corpora to TARGETS (absolute paths stay absolute under DATASETS)."""
    for name, format_name, pool_file, test_file in args.target_files:
        TARGETS[name] = (format_name, str(Path(pool_file).resolve()), str(Path(test_file).resolve()))
    return args


def markdown_table(path: Path) -> str:
    """One row per pair, one column per size: test F1 (and seconds) of the last run of each."""
    results: dict[tuple[str, int], dict] = {}
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        results[(record["pair"], record["size"])] = record
    pairs = sorted({pair for pair, _ in results}, key=list(DEFAULT_PAIRS).index)
    sizes = sorted({size for _, size in results})
    lines = ["| start -> target | " + " | ".join("start model" if size == 0 else f"{size:,}" for size in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for pair in pairs:
        cells = [_cell(results.get((pair, size))) for size in sizes]
        lines.append(f"| {pair.replace(':', ' -> ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(record: dict | None) -> str:
    if record is None:
        return ""
    seconds = f" ({record['seconds']:.0f} s)" if "seconds" in record else ""
    return f"{record['test_f1']:.1f}{seconds}"


def load_target(name: str, test_limit: int, seed: int) -> tuple[list[Document], list[Document]]:
    format_name, pool_file, test_file = TARGETS[name]
    pool = read_corpus(pool_file, format_name)
    random.Random(seed).shuffle(pool)
    test = read_corpus(test_file, format_name)
    random.Random(seed + 1).shuffle(test)
    return pool, test[:test_limit]


def start_path(start: str) -> str:
    """The model a start name stands for; a bundle directory stands for itself (a candidate model)."""
    from nerdesk.workflows.default_models import embedded_model

    if start not in STARTS and Path(start).is_dir():
        return start
    return "scratch" if start == "scratch" else str(embedded_model(STARTS[start]))


def train_and_score(reviewed: list[Document], test: list[Document], init: str, out: Path,
                    overrides: dict) -> dict:
    """Split as the product does, train, export, and score the bundle on ``test``."""
    from nerdesk.training.run import TrainRequest, run_training
    from nerdesk.workflows.evaluation import score_bundle
    from nerdesk.workflows.evaluation_set import pick, target_size

    evaluation = pick(reviewed, target_size(len(reviewed)))
    chosen = {id(doc) for doc in evaluation}
    train = [doc for doc in reviewed if id(doc) not in chosen]
    began = time.monotonic()
    settings = dict(overrides)
    batch = settings.pop("batch_size", None)  # request fields, not recipe overrides
    augment = settings.pop("augment", True)
    request = TrainRequest(train, evaluation, "benchmark", out, init, batch_size=batch, overrides=settings,
                           augment=augment)
    done = run_training(request, lambda event, **fields: None)
    seconds = time.monotonic() - began
    report = score_bundle(out, test)
    return {"train": len(train), "evaluation": len(evaluation), "seconds": round(seconds, 1),
            "test_f1": round(100 * report.micro.f1, 2), "precision": round(100 * report.micro.precision, 2),
            "recall": round(100 * report.micro.recall, 2), "stop": done["stop_reason"],
            "dev_f1": round(100 * done["metrics"].get("micro", {}).get("f1", 0.0), 2)}


def run_directory(workdir: Path, pair: str, size: int | str) -> Path:
    """Where one run exports its bundle: one directory name, whatever the pair's start is."""
    return workdir / f"{pair}-{size}".replace(":", "-").replace("/", "_")


def run_pair(pair: str, args: argparse.Namespace, workdir: Path) -> None:
    from nerdesk.workflows.evaluation import score_bundle

    start, target = pair.split(":")
    pool, test = load_target(target, args.test_limit, args.seed)
    init = start_path(start)
    if init != "scratch":
        baseline = score_bundle(init, test)
        record(args, {"pair": pair, "size": 0, "test_f1": round(100 * baseline.micro.f1, 2), "note": "start model"})
    largest_seconds = None
    overrides = {"time_budget_seconds": args.budget_seconds} if args.budget_seconds else {}
    if args.batch_size:
        overrides["batch_size"] = args.batch_size
    if args.no_augment:
        overrides["augment"] = False
    if args.average_decay is not None:
        overrides["average_decay"] = args.average_decay
    for size in args.sizes:
        result = train_and_score(pool[:size], test, init, run_directory(workdir, pair, size), overrides)
        record(args, {"pair": pair, "size": size, **result, **overrides})
        largest_seconds = result["seconds"]
    if args.full and largest_seconds:
        overrides = {**overrides, "time_budget_seconds": largest_seconds}
        result = train_and_score(pool, test, init, run_directory(workdir, pair, "full"), overrides)
        record(args, {"pair": pair, "size": len(pool), "note": f"whole pool, {largest_seconds:.0f} s", **result})


def record(args: argparse.Namespace, result: dict) -> None:
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    with args.json.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**result, "threads": args.threads, "seed": args.seed}) + "\n")


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.table:
        print(markdown_table(args.json))
        return
    import torch

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as workdir:
        for pair in args.pairs:
            run_pair(pair, args, Path(workdir))


if __name__ == "__main__":
    main()
