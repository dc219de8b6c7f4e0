"""Peak memory of ``nerdesk predict`` on one long document, at several lengths.

    python -m benchmarks.predict_memory                       # 1 M and 4 M characters, zh-general-cluener
    python -m benchmarks.predict_memory --chars 1000000 4000000 16000000 --json out.json

The document is CLUENER text (train, dev and test sentences, concatenated in file order and repeated
until long enough) written as one plain-text file and read with ``--split document``. Each length runs
``python -m nerdesk predict`` in its own child process; its peak resident set size is the child's
``ru_maxrss`` (``os.wait4``: the rusage of that child alone, so one run cannot inflate the next). A
100-character document gives the fixed cost (interpreter, ONNX Runtime, model) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.datasets import DATASETS

CLUENER = DATASETS / "cluener"
SPLITS = ("train.json", "dev.json", "test.json")
DEFAULT_CHARS = (100, 1_000_000, 4_000_000)


def cluener_text(chars: int) -> str:
    """``chars`` characters of CLUENER sentences, concatenated without separators."""
    sentences = []
    for name in SPLITS:
        with open(CLUENER / name, encoding="utf-8") as lines:
            sentences.extend(json.loads(line)["text"] for line in lines if line.strip())
    pieces, length = [], 0
    while length < chars:
        for sentence in sentences:
            pieces.append(sentence)
            length += len(sentence)
            if length >= chars:
                break
    return "".join(pieces)[:chars]


def measure(text_path: Path, out_path: Path, model: str, batch_size: int) -> dict:
    """Run ``nerdesk predict`` on one file in a child process; its peak RSS (MiB) and wall time."""
    command = [sys.executable, "-m", "nerdesk", "predict", str(text_path), "--split", "document", "--model", model,
               "--out", str(out_path), "--batch-size", str(batch_size), "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"nerdesk predict failed:\n{error}")
    spans = sum(len(json.loads(line).get("spans", [])) for line in out_path.open(encoding="utf-8"))
    return {"peak_rss_mib": usage.ru_maxrss / 1024, "seconds": seconds, "spans": spans}


def run(lengths: list[int], model: str, batch_size: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="nerdesk-predict-memory-") as folder:
        for chars in lengths:
            text_path = Path(folder) / f"cluener-{chars}.txt"
            text_path.write_text(cluener_text(chars), encoding="utf-8")
            result = measure(text_path, Path(folder) / f"out-{chars}.jsonl", model, batch_size)
            rows.append({"chars": chars, **result})
            print(f"{chars:>12,} chars  peak RSS {result['peak_rss_mib']:8.1f} MiB  {result['seconds']:7.1f} s  "
              f"{result['spans']:,} spans",
                  flush=True)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| characters | predicted spans | peak RSS | time |", "|---:|---:|---:|---:|"]
    lines += [f"| {r['chars']:,} | {r['spans']:,} | {r['peak_rss_mib']:,.0f} MiB | {r['seconds']:.1f} s |"
              for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, nargs="+", default=list(DEFAULT_CHARS),
                        help="document lengths in characters (default: 100, 1 M and 4 M)")
    parser.add_argument("--model", default="zh-general-cluener", help="bundle directory or embedded model name")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    rows = run(args.chars, args.model, args.batch_size)
    print(table(rows))
    by_length = {r["chars"]: r["peak_rss_mib"] for r in rows}
    if 1_000_000 in by_length and 4_000_000 in by_length:
        print(f"peak RSS at 4 M / at 1 M: {by_length[4_000_000] / by_length[1_000_000]:.2f} (target at most 1.5)")
    if args.json:
        meta = {"date": datetime.now(timezone.utc).isoformat(timespec="minutes"), "machine": platform.platform(),
                "cpus": os.cpu_count(), "load": os.getloadavg(), "model": args.model, "batch_size": args.batch_size}
        args.json.write_text(json.dumps({**meta, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
