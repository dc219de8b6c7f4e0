"""A simulated annotator: review documents in rounds, retrain after each, and score the active model.

    python -m benchmarks.annotator --target peoples_daily --rounds 50 100 200 400
    python -m benchmarks.annotator --target cmeee --rounds 100 200 300 --start zh-medical-cmeee
    python -m benchmarks.annotator --table                    # the recorded runs as a Markdown table

What a user does, through the command line only: a new project gets ``--unreviewed`` documents of the
target corpus to annotate later; then, round after round, more documents arrive reviewed (their gold
spans, in a jsonl file whose documents say ``status: reviewed``) and ``nerdesk retrain PROJECT`` runs with
its defaults (the automatic start, promotion only when better, re-prediction). After each round the project's active model
is scored with ONNX Runtime on test documents nobody reviewed. The reviewed documents are a seeded sample
of the corpus's training pool and the test documents a seeded sample of its test split (as in
``benchmarks.learning_curve``). Each round is printed as a ``ROUND`` line and appended to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.learning_curve import TARGETS, add_target_files_argument, load_target, register_target_files
from nerdesk.core.document import Document
from nerdesk.formats import write_file


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="peoples_daily", help=f"one of {', '.join(sorted(TARGETS))} or a "
                        "name given by --target-files")
    parser.add_argument("--rounds", type=int, nargs="+", default=[50, 100, 200, 400],
                        help="reviewed documents after each round (cumulative)")
    parser.add_argument("--unreviewed", type=int, default=300, help="documents imported unreviewed first")
    parser.add_argument("--start", help="nerdesk retrain --start for the first round (default: automatic)")
    parser.add_argument("--test-limit", type=int, default=500)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--workdir", type=Path, help="keep the project here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=Path("runs/annotator.jsonl"))
    parser.add_argument("--table", action="store_true", help="print the rounds in --json as a Markdown table")
    add_target_files_argument(parser)
    args = register_target_files(parser.parse_args(argv))
    if args.target not in TARGETS:
        parser.error(f"--target {args.target}: not one of {', '.join(sorted(TARGETS))}")
    return args


def markdown_table(path: Path) -> str:
    """One row per run, one column per number of reviewed documents: the active model's test F1 and the seconds
    to new predictions."""
    runs: dict[str, dict[int, dict]] = {}
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        runs.setdefault(record.get("run", record["target"]), {})[record["reviewed"]] = record
    sizes = sorted({size for rounds in runs.values() for size in rounds})
    lines = ["| target | " + " | ".join(f"{size:,}" for size in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for rounds in runs.values():
        target = next(iter(rounds.values()))["target"]
        cells = [f"{rounds[size]['test_f1']:.2f} ({rounds[size]['seconds']:.0f} s)" if size in rounds else ""
                 for size in sizes]
        lines.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_jsonl(path: Path, documents: list[Document], status: str) -> Path:
    """Documents in nerdesk's ``jsonl`` format; gold spans only for reviewed ones."""
    kept = [Document(doc.text, doc.gold if status == "reviewed" else [], status=status) for doc in documents]
    write_file(kept, path, "jsonl")
    return path


def nerdesk(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nerdesk", *arguments], capture_output=True, text=True)


def run_rounds(args: argparse.Namespace, workdir: Path) -> None:
    from nerdesk.storage.project import Project
    from nerdesk.workflows.evaluation import score_bundle

    pool, test = load_target(args.target, args.test_limit, args.seed)
    project = workdir / "annotator.nerdesk"
    unreviewed = pool[len(pool) - args.unreviewed:]
    nerdesk("import", str(project), str(write_jsonl(workdir / "new.jsonl", unreviewed, "new"))).check_returncode()
    done = 0
    run = f"{args.target}-{time.strftime('%Y%m%dT%H%M%S')}"
    for number, reviewed in enumerate(args.rounds, start=1):
        batch = write_jsonl(workdir / f"round{number}.jsonl", pool[done:reviewed], "reviewed")
        done = reviewed
        nerdesk("import", str(project), str(batch)).check_returncode()
        start = ["--start", args.start] if args.start and number == 1 else []
        began = time.monotonic()
        retrained = nerdesk("retrain", str(project), "--progress", "json", *start)
        seconds = time.monotonic() - began
        with Project.open(project) as opened:
            active = opened.active_model()
        test_f1 = round(100 * score_bundle(active.bundle_path, test).micro.f1, 2) if active else None
        outcome = _outcome(retrained.stdout)
        record(args, {"run": run, "target": args.target, "round": number, "reviewed": reviewed,
                      "exit_code": retrained.returncode, "seconds": round(seconds, 1),
                      "active": active.name if active else None, "test_f1": test_f1,
                      "start": outcome.get("start", ""), "promoted": outcome.get("promoted"),
                      "outcome": outcome.get("message", ""),
                      "error": retrained.stderr.strip().splitlines()[-1:] if retrained.returncode else []})


def _outcome(stdout: str) -> dict:
    """The closing ``outcome`` line of ``nerdesk retrain --progress json`` (empty when the run failed)."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return next((line for line in reversed(lines) if line.get("event") == "outcome"), {})


def record(args: argparse.Namespace, result: dict) -> None:
    print("ROUND " + json.dumps(result, ensure_ascii=False), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    with args.json.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**result, "seed": args.seed}, ensure_ascii=False) + "\n")


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.table:
        print(markdown_table(args.json))
        return
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run_rounds(args, args.workdir)
        return
    with tempfile.TemporaryDirectory() as workdir:
        run_rounds(args, Path(workdir))


if __name__ == "__main__":
    main()
