"""Predict all's read of the documents before it predicts: 50,000 short unreviewed documents.

    python -m benchmarks.predict_reading                        # this checkout
    python -m benchmarks.predict_reading --against ../old-tree  # and another checkout, run after run

Builds (once, in the temporary folder) a project of 50,000 short documents, four in five Chinese and one
in five English, with the embedded Chinese model active, and times ``workflows.models.unreviewed_for``:
reading the unreviewed documents and judging the script of each against the model's. Each timing is a
fresh process (``python -c``) importing nerdesk from the checkout timed, so the two checkouts alternate
under the same load; the median of the runs of each, and their ratio, are printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.checkouts import add_arguments, checkouts, run_script

DOCUMENTS = 50_000
TIMED = """
import sys, time
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage.project import Project
from nerdesk.workflows.models import unreviewed_for
with Project.open(sys.argv[1], read_only=True) as project:
    bundle = Bundle.load(project.active_model().bundle_path, check_models=False)
    started = time.perf_counter()
    targets = unreviewed_for(project, bundle, should_stop=lambda: False)
    print(time.perf_counter() - started, len(targets.items), targets.other_script)
"""


def build_project(path: Path, documents: int = DOCUMENTS) -> Path:
    """The project timed: built once and reused (about 5 s)."""
    from nerdesk.core.document import Document
    from nerdesk.storage.project import Project
    from nerdesk.workflows.default_models import GENERAL_ZH, embedded_model
    from nerdesk.workflows.models import register_bundle

    if path.exists():
        return path
    partial = path.with_suffix(".building")
    with Project.create(partial) as project:
        project.add_documents(Document(f"{n}：张伟在北京大学读书，后来去了上海工作。" if n % 5 else
                                       f"{n}: Zhang Wei studied at Peking University and later worked in Shanghai.")
                              for n in range(documents))
        register_bundle(project, embedded_model(GENERAL_ZH), activate=True)
    partial.rename(path)
    return path


def timed_read(checkout: Path, project: Path) -> tuple[float, str]:
    """Seconds ``unreviewed_for`` took in a new process running ``checkout``'s nerdesk, and what it chose."""
    output = run_script(checkout, TIMED, str(project)).split()
    return float(output[0]), f"{output[1]} to predict, {output[2]} in the other script"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser, runs=5, project_name="nerdesk-bench-read-50k.nerdesk")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    project = build_project(args.project)
    print(f"project: {project} ({DOCUMENTS:,} documents, ready in {time.perf_counter() - started:.1f} s)")
    timed = checkouts(args)
    times: dict[str, list[float]] = {name: [] for name in timed}
    chosen: dict[str, str] = {}
    for _ in range(args.runs):
        for name, checkout in timed.items():
            seconds, chosen[name] = timed_read(checkout, project)
            times[name].append(seconds)
    for name, runs in times.items():
        print(f"{name}: median {statistics.median(runs):.2f} s (min {min(runs):.2f}, max {max(runs):.2f}); "
              f"{chosen[name]}")
    if args.against:
        print(f"ratio: {statistics.median(times['--against']) / statistics.median(times['this checkout']):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
