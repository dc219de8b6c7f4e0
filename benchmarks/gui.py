"""GUI benchmarks and the screenshot in the docs.

    python -m benchmarks.gui                      # all timings (builds a 100,000-document project once)
    python -m benchmarks.gui --screenshot docs/screenshot.png
    python -m benchmarks.gui --demo-screenshot docs/screenshot-demo.png
    python -m benchmarks.gui --screenshots docs/screens/   # one per part of the window (benchmarks/screens.py)

Timings: cold start of a process to a shown main window; opening and painting a 20,000-character
document with 2,000 nested spans; scrolling it a screen at a time; editing a 20,000-character
document with 3,500 spans in the main window (accept a prediction, delete a span: key press to
repainted view, Spans tree and counts included); opening a 100,000-document project (document
list filled, first document shown). Runs offscreen unless a display is set.

    python -m benchmarks.gui --edits              # only the edit latency
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SENTENCE = "北京大学的王小明教授在 Microsoft Research Asia 工作。"
COLD_START_SCRIPT = """
import time
started = time.perf_counter()
from PySide6.QtCore import QSettings
from nerdesk.gui.app import create_application
app = create_application([])
from nerdesk.gui.main_window import MainWindow
window = MainWindow(QSettings({settings!r}, QSettings.Format.IniFormat), {prefs!r})
window.show()
app.processEvents()
print(time.perf_counter() - started)
"""


def cold_start(runs: int = 5) -> tuple[float, float]:
    """Median seconds from launching Python to a shown window (whole process, and after interpreter start)."""
    whole, inside = [], []
    with tempfile.TemporaryDirectory() as folder:
        script = COLD_START_SCRIPT.format(settings=f"{folder}/s.ini", prefs=f"{folder}/p.json")
        for _ in range(runs):
            started = time.perf_counter()
            output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                    cwd=REPO).stdout
            whole.append(time.perf_counter() - started)
            inside.append(float(output.strip().splitlines()[-1]))
    return statistics.median(whole), statistics.median(inside)


def nested_document(characters: int = 20_000, spans_wanted: int = 2_000, *, dense: bool = False):
    """A long text of one repeated sentence with nested gold spans and a prediction per sentence;
    ``dense`` adds two more predictions per sentence (8 spans a sentence instead of 6)."""
    from nerdesk.core.spans import Span

    text = ""
    while len(text) < characters:
        text += SENTENCE + ("\r\n" if len(text) % 7 == 0 else "")
    spans = []
    offset = 0
    while len(spans) < spans_wanted:
        offset = text.index(SENTENCE, offset)
        spans += [Span(offset, offset + 8, "ORG"), Span(offset, offset + 4, "ORG"), Span(offset, offset + 2, "LOC"),
                  Span(offset + 5, offset + 8, "PER"),
                  Span(offset + 12, offset + 35, "ORG", "pred", 0.8, "bench"),
                  Span(offset + 12, offset + 21, "ORG")]
        if dense:
            spans += [Span(offset + 12, offset + 21, "ORG", "pred", 0.9, "bench"),
                      Span(offset + 22, offset + 26, "LOC", "pred", 0.7, "bench")]
        offset += len(SENTENCE)
    return text, spans[:spans_wanted]


def annotation_view_timings(app, runs: int = 5) -> dict[str, float]:
    from nerdesk.core.labels import LabelSet
    from nerdesk.core.spans import nesting_depth
    from nerdesk.gui.annotation_view import AnnotationView

    text, spans = nested_document()
    view = AnnotationView()
    view.resize(900, 700)
    view.set_labels(LabelSet.from_names(["ORG", "LOC", "PER"]))
    view.show()
    app.processEvents()
    opening = []
    for _ in range(runs):
        view.set_document("", [])
        app.processEvents()
        started = time.perf_counter()
        view.set_document(text, spans)
        view.repaint()
        opening.append(time.perf_counter() - started)
    scrolls = []
    bar = view.verticalScrollBar()
    bar.setValue(0)
    while bar.value() < bar.maximum():
        started = time.perf_counter()
        bar.setValue(bar.value() + view.viewport().height())
        view.viewport().repaint()
        scrolls.append(time.perf_counter() - started)
    view.close()
    return {"characters": len(text), "spans": len(spans), "depth": nesting_depth(spans),
            "open_ms": statistics.median(opening) * 1000, "scroll_steps": len(scrolls),
            "scroll_mean_ms": statistics.mean(scrolls) * 1000, "scroll_max_ms": max(scrolls) * 1000}


def edit_latency(app, runs: int = 20, characters: int = 20_000, spans_wanted: int = 3_500) -> dict[str, float]:
    """Milliseconds from the key press to the repainted window, for accepting a prediction, deleting a span and
    labelling a selection with a number key."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from nerdesk.core.document import Document
    from nerdesk.core.spans import PRED
    from nerdesk.gui.main_window import MainWindow
    from nerdesk.storage.project import Project

    text, spans = nested_document(characters, spans_wanted, dense=True)
    gold = [s for s in spans if s.source != PRED]
    timings: dict[str, list[float]] = {"accept": [], "delete": [], "label": []}
    rng = random.Random(5)  # the same selections in every run
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edits.nerdesk"
        with Project.create(path) as project:
            (doc_id,) = project.add_documents([Document(text, gold)])
            project.replace_predictions(doc_id, [s for s in spans if s.source == PRED], "bench")
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Path(folder) / "p.json")
        window.resize(1400, 820)
        window.show()
        window.open_project(path)
        app.processEvents()
        view = window.view

        def press(key: Qt.Key, label: str, character: str = "") -> None:
            started = time.perf_counter()
            for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
                QApplication.sendEvent(view, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, character))
            app.processEvents()  # paints every widget the edit changed (the Spans list follows once edits pause)
            timings[label].append(time.perf_counter() - started)
            window.span_tree._rebuild()

        for _ in range(runs):
            view.select_next_prediction()
            press(Qt.Key.Key_A, "accept", "a")
            view.select_span(view.spans[len(view.spans) // 2])
            press(Qt.Key.Key_Delete, "delete")
            start = text.index(SENTENCE, rng.randrange(len(text) - 2 * len(SENTENCE))) + 9  # inside no gold span
            view.select_range(start, start + 2)
            press(Qt.Key.Key_1, "label", "1")
        window.close()
    return {"characters": len(text), "spans": len(spans),
            **{f"{name}_ms": statistics.median(values) * 1000 for name, values in timings.items()},
            **{f"{name}_max_ms": max(values) * 1000 for name, values in timings.items()}}


def big_project(path: Path, documents: int = 100_000) -> Path:
    """A project with ``documents`` short documents (built once and reused)."""
    from nerdesk.core.document import Document
    from nerdesk.core.spans import Span
    from nerdesk.storage.project import Project

    if path.exists():
        return path
    with Project.create(path) as project:
        project.add_documents(
            Document(f"{number}: {SENTENCE}", [Span(len(str(number)) + 2, len(str(number)) + 6, "ORG")])
            for number in range(documents))
    return path


def project_open_time(app, path: Path, runs: int = 3) -> float:
    from PySide6.QtCore import QSettings

    from nerdesk.gui.main_window import MainWindow

    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Path(folder) / "p.json")
            window.show()
            app.processEvents()
            started = time.perf_counter()
            window.open_project(path)
            app.processEvents()
            times.append(time.perf_counter() - started)
            assert window.documents.model.total == 100_000 and window.session.document is not None
            window.close()
    return statistics.median(times)


def screenshot(app, target: Path) -> None:
    """The main window on a small demo project with nested Chinese and English entities."""
    from PySide6.QtCore import QSettings

    from nerdesk.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.nerdesk"
        _demo_project(path)
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Path(folder) / "p.json")
        window.resize(1400, 820)
        window.show()
        window.open_project(path)
        window.set_show_scores(True)  # View > Show scores on chips
        text = window.session.document.text
        selected = next(s for s in window.view.spans if s.mention(text) == "北京大学第一医院")
        window.view.select_span(selected)
        app.processEvents()
        window.grab().save(str(target))
        window.close()


def demo_screenshot(app, target: Path) -> None:
    """The first start: the demo project built from resources/demo, predicted by the embedded medical model."""
    from PySide6.QtCore import QSettings

    from nerdesk.core.spans import nesting_depth
    from nerdesk.gui.main_window import MainWindow
    from nerdesk.workflows.demo import ensure_demo_project

    with tempfile.TemporaryDirectory() as folder:
        path = ensure_demo_project(Path(folder) / "data")
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Path(folder) / "p.json")
        window.resize(1400, 820)
        window.show()
        window.open_project(path)
        project = window.session.project
        deepest = max(project.document_ids(), key=lambda doc_id: nesting_depth(project.spans(doc_id)))
        window.open_document(deepest)
        app.processEvents()
        window.grab().save(str(target))
        window.close()


def _demo_project(path: Path) -> None:
    from nerdesk.core.document import Document
    from nerdesk.core.spans import Span
    from nerdesk.storage.project import Project

    text = ("北京大学第一医院呼吸科主任王建国教授在上海举行的学术会议上介绍了新的诊疗指南。\r\n"
            "Dr. Anna Smith of the Massachusetts General Hospital in Boston joined the Harvard Medical School "
            "team studying interleukin-2 gene expression in human T cells.\r\n"
            "浙江省杭州市西湖区人民政府与阿里巴巴集团签署了智慧城市合作协议。")
    gold = [("北京大学第一医院", "ORG"), ("北京大学", "ORG"), ("北京", "LOC"), ("呼吸科", "ORG"),
            ("王建国", "PER"), ("上海", "LOC"), ("Anna Smith", "PER"), ("Massachusetts General Hospital", "ORG"),
            ("Massachusetts", "LOC"), ("Boston", "LOC"), ("Harvard Medical School", "ORG"),
            ("浙江省杭州市西湖区人民政府", "ORG"), ("浙江省", "LOC"), ("杭州市", "LOC"), ("西湖区", "LOC"),
            ("阿里巴巴集团", "ORG")]
    predicted = [("Harvard", "ORG", 0.71), ("interleukin-2 gene", "GENE", 0.88), ("human T cells", "CELL", 0.64),
                 ("interleukin-2", "PROTEIN", 0.93)]
    spans = [Span(text.index(m), text.index(m) + len(m), label) for m, label in gold]
    with Project.create(path) as project:
        for name in ("ORG", "LOC", "PER", "GENE", "PROTEIN", "CELL"):
            project.add_label(name)
        (doc_id, *_) = project.add_documents([Document(text, spans, name="Mixed Chinese and English"),
                                              *[Document(line) for line in _demo_lines()]])
        project.replace_predictions(doc_id, [Span(text.index(m), text.index(m) + len(m), label, "pred", score)
                                             for m, label, score in predicted], "demo-model")


def _demo_lines() -> list[str]:
    lines = []
    for name in ("medical.txt",):
        demo = REPO / "resources" / "demo" / name
        if demo.is_file():
            lines += [line for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()][:8]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--screenshot", type=Path, help="only save a screenshot of the main window to this file")
    parser.add_argument("--demo-screenshot", type=Path,
                        help="only save a screenshot of the first start on the demo project to this file")
    parser.add_argument("--screenshots", type=Path, help="only save one screenshot per part of the window "
                                                         "into this folder")
    parser.add_argument("--edits", action="store_true", help="only time edits in a large document")
    parser.add_argument("--edit-size", type=int, nargs=2, default=(20_000, 3_500), metavar=("CHARACTERS", "SPANS"),
                        help="the document --edits times (default 20000 3500)")
    parser.add_argument("--project-cache", type=Path, default=Path(tempfile.gettempdir()) / "nerdesk-bench-100k.nerdesk",
                        help="where the 100,000-document project is built (reused when present)")
    args = parser.parse_args(argv)
    from nerdesk.gui.app import create_application

    if args.screenshots:
        from benchmarks.screens import take_screenshots

        for saved in take_screenshots(create_application([]), args.screenshots):
            print(f"saved {saved} ({saved.stat().st_size // 1024} KB)")
        return 0
    if args.screenshot or args.demo_screenshot:
        app = create_application([])
        target = args.screenshot or args.demo_screenshot
        (screenshot if args.screenshot else demo_screenshot)(app, target)
        print(f"saved {target}")
        return 0
    if args.edits:
        _print_edit_latency(create_application([]), *args.edit_size)
        return 0
    whole, inside = cold_start()
    print(f"cold start to shown window: {whole:.2f} s (process), {inside:.2f} s after interpreter start")
    app = create_application([])
    view = annotation_view_timings(app)
    print(f"open + paint {view['characters']:,} characters, {view['spans']:,} spans (depth {view['depth']}): "
          f"{view['open_ms']:.0f} ms")
    print(f"scroll by a screen: mean {view['scroll_mean_ms']:.1f} ms, max {view['scroll_max_ms']:.1f} ms "
          f"over {view['scroll_steps']} steps")
    _print_edit_latency(app)
    started = time.perf_counter()
    path = big_project(args.project_cache)
    print(f"(100,000-document project ready in {time.perf_counter() - started:.1f} s)")
    print(f"open a 100,000-document project: {project_open_time(app, path) * 1000:.0f} ms")
    return 0


def _print_edit_latency(app, characters: int = 20_000, spans: int = 3_500) -> None:
    edits = edit_latency(app, characters=characters, spans_wanted=spans)
    print(f"edit a {edits['characters']:,}-character document with {edits['spans']:,} spans: "
          f"accept {edits['accept_ms']:.0f} ms (max {edits['accept_max_ms']:.0f}), "
          f"delete {edits['delete_ms']:.0f} ms (max {edits['delete_max_ms']:.0f}), "
          f"label a selection {edits['label_ms']:.0f} ms (max {edits['label_max_ms']:.0f}), median of 20")


if __name__ == "__main__":
    sys.exit(main())
