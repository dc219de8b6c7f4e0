"""Retrain benchmark: time from pressing Retrain to new predictions, and the dev F1 it reaches.

    python -m benchmarks.retrain                 # 200 and 1,000 reviewed CLUENER documents
    python -m benchmarks.retrain --sizes 200 --starts default scratch
    python -m benchmarks.retrain --sizes 200 --starts default --against ../old-tree --runs 3

For each size, a fresh project holds that many CLUENER train sentences marked reviewed (a seeded
sample) and ``--unreviewed`` CLUENER test sentences (no labels) waiting for predictions. The
retraining runs exactly as the Retrain button does (``nerdesk.workflows.retrain_subprocess.run_retrain``: a
``nerdesk train`` process, bundle validation, registration, activation, re-prediction of the
unreviewed documents); the clock runs from the start of the workflow to the last stored prediction.
The new model is then scored on the official CLUENER dev set (1,343 sentences) with ONNX Runtime.

Starts compared on the same documents:
- ``default``: the embedded general model (zh-general-cluener). It was trained on the whole CLUENER
  train split, so its F1 here is flattered: it has seen these documents and more.
- ``medical``: the encoder of the embedded medical model (zh-medical-cmeee), a new head: transfer
  from another domain, the fair test of starting from an embedded model.
- ``scratch``: a new model, given the same training-loop time as the ``default`` run took.

Where the time goes, from the moments the training process's progress lines arrive: ``to_start`` (the
run prepared, the process started, torch imported, the documents read and the start model loaded),
``to_first_step`` (the data encoded, the start scored), ``loop`` (first step to the end of training),
``writing`` (threshold, ONNX export, its checks, int8), ``process_end`` (the last line to the end of the
process) and ``after_training`` (comparison, registration, re-prediction).

``--against OLD_CHECKOUT`` runs the benchmark of this checkout and of the other in turns (each a new process
importing its own nerdesk, ``benchmarks.checkouts``), ``--runs`` times, and prints the medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.datasets import DATASETS, REPO_ROOT
from nerdesk.core.document import Document
from nerdesk.core.metrics import evaluate
from nerdesk.formats import read_file
from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import GENERAL_ZH, MEDICAL_ZH, embedded_model
from nerdesk.workflows.progress import (
    StepProgress,
    TrainingDone,
    TrainingEvent,
    TrainingFinishing,
    TrainingStarted,
)
from nerdesk.workflows.retrain import RetrainOptions
from nerdesk.workflows.retrain_subprocess import run_retrain
from nerdesk.workflows.start_points import StartPoint

STARTS = ("default", "medical", "scratch")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000], help="reviewed documents")
    parser.add_argument("--starts", nargs="+", choices=STARTS, default=list(STARTS))
    parser.add_argument("--unreviewed", type=int, default=300, help="unlabelled documents to predict again")
    parser.add_argument("--epochs", type=int, help="passes over the data (default: the recipe's)")
    parser.add_argument("--threads", type=int, default=RetrainOptions().threads, help="training threads")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scratch-seconds", type=float,
                        help="training-loop time for scratch (default: what the default start took)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--against", type=Path, help="another checkout (the code before a change) to run in turns")
    parser.add_argument("--runs", type=int, default=3, help="with --against: runs of each checkout")
    return parser.parse_args(argv)


def load(relative: str) -> list[Document]:
    loaded = read_file(DATASETS / relative, "cluener")
    return list(getattr(loaded, "documents", loaded))


def build_project(path: Path, reviewed: list[Document], unreviewed: list[Document]) -> Project:
    project = Project.create(path)
    project.add_documents([replace(doc, status="reviewed", id=None) for doc in reviewed])
    project.add_documents([Document(doc.text) for doc in unreviewed])
    return project


def dev_f1(bundle_path: Path, dev: list[Document], threads: int) -> float:
    predictor = OnnxPredictor(Bundle.load(bundle_path, check_models=False), threads=threads)  # scoring only
    return 100 * evaluate([doc.gold for doc in dev], predictor.predict([doc.text for doc in dev])).micro.f1


def children_cpu_seconds() -> float:
    """CPU time (user + system) of the finished child processes: the training process, load-independent."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(workdir: Path, start_name: str, reviewed, unreviewed, dev, options: RetrainOptions) -> dict:
    with build_project(workdir / f"{start_name}-{len(reviewed)}.nerdesk", reviewed, unreviewed) as project:
        if start_name == "medical":
            # continuing from the medical bundle made active: its encoder, a new head for the CLUENER labels
            start_point = StartPoint("active")
            model_id = project.register_model(name=MEDICAL_ZH, bundle_path=embedded_model(MEDICAL_ZH), metrics={},
                                              settings={}, trained_on={})
            project.set_active_model(model_id)
        else:
            start_point = StartPoint(start_name)
        began, cpu_before = time.monotonic(), children_cpu_seconds()
        arrived: dict[type, float] = {}  # the kind of progress line -> when the first of its kind arrived

        def note(event: TrainingEvent) -> None:
            arrived.setdefault(type(event), time.monotonic() - began)

        result = run_retrain(project, start=start_point, options=options, on_event=note)
        seconds = time.monotonic() - began
        training_cpu = children_cpu_seconds() - cpu_before
        manifest = Bundle.load(result.model.bundle_path, check_models=False).manifest
        return {
            "start": start_name, "documents": len(reviewed), "unreviewed_predicted": result.predicted_documents,
            "seconds_to_predictions": round(seconds, 1), "seconds_training_process": round(result.training_seconds, 1),
            "seconds_training_loop": manifest["trained_on"].get("seconds"),
            "cpu_seconds_training_process": round(training_cpu, 1),
            "epochs": manifest["trained_on"].get("epochs"), "steps": manifest["trained_on"].get("steps"),
            "stop": manifest["trained_on"].get("stop_reason"), "promoted": result.outcome.promoted,
            "dev_f1": round(dev_f1(result.model.bundle_path, dev, 2), 2),
            "learning_rate": manifest["trained_on"].get("learning_rate"),
            "init": result.model.settings.get("start_description"),
            "phases": phases(arrived, result.training_seconds, seconds),
        }


def phases(arrived: dict[type, float], training_seconds: float, seconds: float) -> dict[str, float]:
    """Seconds of each phase of a retraining (see the module docstring), from when its progress lines arrived;
    empty when one never came (a run that took no step)."""
    kinds = (TrainingStarted, StepProgress, TrainingFinishing, TrainingDone)
    if any(kind not in arrived for kind in kinds):
        return {}
    marks = [0.0, *(arrived[kind] for kind in kinds), training_seconds, seconds]
    names = ("to_start", "to_first_step", "loop", "writing", "process_end", "after_training")
    return {name: round(end - begin, 2) for name, begin, end in zip(names, marks[:-1], marks[1:], strict=True)}


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.against:
        compare_checkouts(args, argv if argv is not None else sys.argv[1:])
        return
    train, dev, test = load("cluener/train.json"), load("cluener/dev.json"), load("cluener/test.json")
    random.Random(args.seed).shuffle(train)
    unreviewed = test[:args.unreviewed]
    embedded_model(GENERAL_ZH)  # fail early when the default model is missing
    results = []
    with tempfile.TemporaryDirectory(prefix="nerdesk-retrain-") as tmp:
        for size in args.sizes:
            options = replace(RetrainOptions(), epochs=args.epochs, threads=args.threads)
            default_loop = None
            for start_name in args.starts:
                run_options = options
                scratch_seconds = args.scratch_seconds or default_loop
                if start_name == "scratch" and scratch_seconds:
                    # the same training-loop time as the default start had, then early stopping as usual
                    run_options = replace(options, epochs=1000, time_budget_seconds=scratch_seconds)
                record = run_one(Path(tmp), start_name, train[:size], unreviewed, dev, run_options)
                if start_name == "default":
                    default_loop = record["seconds_training_loop"]
                record["load_average"] = round(os.getloadavg()[0], 1)
                results.append(record)
                print(json.dumps(record, ensure_ascii=False), flush=True)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


def print_table(results: list[dict]) -> None:
    print(f"\n{'docs':>5} {'start':<8} {'to predictions s':>17} {'train loop s':>13} {'train CPU s':>12} "
          f"{'epochs':>7} {'dev F1':>7}")
    for r in results:
        print(f"{r['documents']:>5} {r['start']:<8} {r['seconds_to_predictions']:>17} "
              f"{r['seconds_training_loop']:>13} {r['cpu_seconds_training_process']:>12} {r['epochs']:>7} "
              f"{r['dev_f1']:>7}")


COMPARED = ("seconds_to_predictions", "seconds_training_process", "seconds_training_loop", "seconds_outside_loop",
            "cpu_seconds_training_process", "dev_f1")


def compare_checkouts(args: argparse.Namespace, argv: list[str]) -> None:
    """Run this benchmark in this checkout and in ``--against`` in turns; print medians and old / new ratios."""
    forwarded = without_options(argv, {"--against": 1, "--runs": 1, "--json": 1})
    records: dict[str, list[dict]] = {"this checkout": [], "--against": []}
    with tempfile.TemporaryDirectory(prefix="nerdesk-retrain-against-") as tmp:
        for run in range(args.runs):
            for name, checkout in (("this checkout", REPO_ROOT), ("--against", args.against.resolve())):
                output = Path(tmp) / f"{run}-{len(records[name])}.json"
                subprocess.run([sys.executable, "-m", "benchmarks.retrain", *forwarded, "--json", str(output)],
                               check=True, cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)})
                for record in json.loads(output.read_text(encoding="utf-8")):
                    # the loop's length varies most under load: what the rest takes is compared apart
                    outside = record["seconds_to_predictions"] - record["seconds_training_loop"]
                    record.update(checkout=name, run=run, seconds_outside_loop=round(outside, 1))
                    records[name].append(record)
    for key in COMPARED:
        new, old = (statistics.median(r[key] for r in records[name]) for name in ("this checkout", "--against"))
        print(f"{key:<30} this checkout {new:8.2f}   --against {old:8.2f}   ratio {old / new:5.2f}")
    new_phases = [r["phases"] for r in records["this checkout"] if r.get("phases")]
    if new_phases:
        print("phases (this checkout, median): " + ", ".join(
            f"{key} {statistics.median(p[key] for p in new_phases):.2f}" for key in new_phases[0]))
    if args.json:
        args.json.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")


def without_options(argv: list[str], options: dict[str, int]) -> list[str]:
    """``argv`` without the given options and their values (``options``: name -> number of values)."""
    kept, skip = [], 0
    for argument in argv:
        if skip:
            skip -= 1
        elif argument.split("=")[0] in options:
            skip = 0 if "=" in argument else options[argument]
        else:
            kept.append(argument)
    return kept


if __name__ == "__main__":
    main()
