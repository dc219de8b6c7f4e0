"""Opening a 2 MB document with a few thousand spans in the main window (offscreen Qt).

    python -m benchmarks.open_document                        # this checkout
    python -m benchmarks.open_document --against ../old-tree  # and another checkout, run after run

Builds (once, in the temporary folder) a project holding a short document and a 2,000,000-character one:
a sentence of Chinese, English and an emoji ZWJ sequence repeated, a ``\\r\\n`` after every seventh, and
3,000 spans spread over it (gold spans and predictions). Each run is a new process importing nerdesk from
the checkout timed: it opens the project at the short document, then times opening the long one (from
the click to the painted window: wrapping, Qt's text, room under the lines, spans, Spans list) and opening
it again after the short one. Wall and CPU seconds are printed; CPU time is the steadier figure on a
shared machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from benchmarks.checkouts import add_arguments, checkouts, run_script

SENTENCE = "北京大学的王小明教授在 Microsoft Research Asia 工作👩‍💻。"
CHARACTERS = 2_000_000
SPANS = 3_000
TIMED = """
import json, os, sys, tempfile, time
from pathlib import Path

from benchmarks.checkouts import add_arguments, checkouts, run_script
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QSettings
from nerdesk.gui.app import create_application
app = create_application([])
from nerdesk.gui.main_window import MainWindow
folder = tempfile.mkdtemp()
window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Path(folder) / "p.json")
window.resize(1400, 820)
window.show()
window.open_project(sys.argv[1])
app.processEvents()
timings = {}
for name in ("open", "open again"):
    window.open_document(1)
    app.processEvents()
    wall, cpu = time.perf_counter(), time.process_time()
    window.open_document(2)
    app.processEvents()
    timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
assert len(window.view.text) >= 2_000_000
print(json.dumps(timings))
window.close()
"""


def build_project(path: Path) -> Path:
    """The project timed: built once and reused."""
    from nerdesk.core.document import Document
    from nerdesk.core.spans import PRED, Span
    from nerdesk.storage.project import Project

    if path.exists():
        return path
    sentences = [SENTENCE + ("\r\n" if number % 7 == 0 else "") for number in range(CHARACTERS // len(SENTENCE) + 1)]
    spans, offset = [], 0
    every = len(sentences) // (SPANS // 2)
    for number, sentence in enumerate(sentences):
        if number % every == 0 and len(spans) < SPANS:
            spans += [Span(offset, offset + 4, "ORG"), Span(offset + 5, offset + 8, "PER", PRED, 0.8, "bench")]
        offset += len(sentence)
    partial = path.with_suffix(".building")
    with Project.create(partial) as project:
        project.add_documents([Document("A short document."),
                               Document("".join(sentences), [span for span in spans if span.source != PRED])])
        project.replace_predictions(2, [span for span in spans if span.source == PRED], "bench")
    partial.rename(path)
    return path


def timed_open(checkout: Path, project: Path) -> dict[str, list[float]]:
    """{"open": [wall, cpu], "open again": [wall, cpu]} in a new process running ``checkout``'s nerdesk."""
    output = run_script(checkout, TIMED, str(project), QT_QPA_PLATFORM="offscreen")
    timings: dict[str, list[float]] = json.loads(output.strip().splitlines()[-1])
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser, runs=3, project_name="nerdesk-bench-open-2mb.nerdesk")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    project = build_project(args.project)
    print(f"project: {project} (ready in {time.perf_counter() - started:.1f} s)")
    timed = checkouts(args)
    runs: dict[str, list[dict[str, list[float]]]] = {name: [] for name in timed}
    for _ in range(args.runs):
        for name, checkout in timed.items():
            runs[name].append(timed_open(checkout, project))
    medians = {}
    for name, results in runs.items():
        for what in ("open", "open again"):
            wall = statistics.median(result[what][0] for result in results)
            cpu = medians[name, what] = statistics.median(result[what][1] for result in results)
            print(f"{name}, {what}: wall {wall:.2f} s, CPU {cpu:.2f} s (medians of {len(results)})")
    if args.against:
        for what in ("open", "open again"):
            print(f"ratio of CPU times, {what}: {medians['--against', what] / medians['this checkout', what]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
