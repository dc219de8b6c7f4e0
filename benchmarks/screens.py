"""One screenshot per part of the window, for docs/user-guide.md, taken offscreen from the demo project.

    python -m benchmarks.gui --screenshots docs/screens/

The demo project is built as at a first start (``resources/demo``, predicted by the embedded models),
then 100 CMeEE dev documents are imported as reviewed (40 of them the evaluation set), the medical
labels get the display names a user would give them, and the Retrain button is pressed once (a real
training process, at most a minute), so that the Retrain and Model versions panels show a real run.
The annotation view shows the demo document with the deepest nesting, its confident predictions
accepted.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.datasets import DATASETS

EVALUATION_DOCUMENTS, REVIEWED_DOCUMENTS = 40, 100
TRAINING_SECONDS = 60
# What the CMeEE codes stand for (the corpus's own definitions), as a user would enter them.
CMEEE_NAMES = {
    "bod": ("body", "Parts of the body: organs, tissues, regions"),
    "dep": ("department", "Hospital departments"),
    "dis": ("disease", "Diseases and diagnoses"),
    "dru": ("drug", "Drugs and other medicines"),
    "equ": ("equipment", "Medical equipment and devices"),
    "ite": ("test item", "Items of medical examinations and tests"),
    "mic": ("microorganism", "Bacteria, viruses and other microorganisms"),
    "pro": ("procedure", "Medical procedures: examinations, treatments, operations"),
    "sym": ("symptom", "Signs and symptoms"),
}
WIDTH, HEIGHT = 1500, 860
LEFT_DOCK, RIGHT_DOCK = 400, 470  # pixels: wide enough for titles, scores and display names
PARTS = ("documents", "annotation-view", "spans", "labels", "retrain", "model-versions", "preferences")


def take_screenshots(app, out_dir: Path) -> list[Path]:
    """Save ``<part>.png`` for every part of the window in ``out_dir``; returns the files."""
    from PySide6.QtCore import QSettings

    from nerdesk.gui.main_window import MainWindow
    from nerdesk.workflows.demo import ensure_demo_project

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = ensure_demo_project(Path(folder) / "data")
        _prepare(path)
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Path(folder) / "p.json")
        window.resize(WIDTH, HEIGHT)
        window.show()
        window.open_project(path)
        _size_docks(window)
        _retrain(app, window)
        _open_nested_document(app, window)
        saved = [_save(app, widget, out_dir / f"{name}.png") for name, widget in _parts(app, window)]
        window.close()
    return saved


def _prepare(path: Path) -> None:
    from dataclasses import asdict

    from nerdesk.formats import read_file
    from nerdesk.storage.project import Project
    from nerdesk.workflows.retrain import OPTIONS_KEY, RetrainOptions

    documents = list(read_file(DATASETS / "cmeee_v2" / "dev.json", "cmeee").documents)[:REVIEWED_DOCUMENTS]
    for number, document in enumerate(documents):
        document.status, document.split = "reviewed", "eval" if number < EVALUATION_DOCUMENTS else "train"
    with Project.open(path) as project:
        project.add_documents(documents)
        project.set_setting(OPTIONS_KEY, asdict(RetrainOptions(time_budget_seconds=TRAINING_SECONDS, threads=1)))
        for label in project.label_set():
            if label.name in CMEEE_NAMES:
                display_name, description = CMEEE_NAMES[label.name]
                project.update_label(label.name, display_name=display_name, description=description)


def _retrain(app, window) -> None:
    """Press Retrain and wait for the run, its comparison and any re-prediction to end."""
    import time

    panel = window.retrain_panel
    _dock(panel).raise_()
    panel.retrain()
    deadline = time.monotonic() + 10 * TRAINING_SECONDS
    while panel.busy and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    print(panel.status.text())


def _open_nested_document(app, window) -> None:
    from nerdesk.core.spans import nesting_depth

    project = window.session.project
    unreviewed = [doc.id for doc in project.all_documents(status=("predicted", "new"))]
    deepest = max(unreviewed, key=lambda doc_id: (nesting_depth(project.spans(doc_id)), len(project.spans(doc_id))))
    window.open_document(deepest)
    window.session.accept_all(min_score=0.9)
    spans = sorted(window.view.spans, key=lambda span: (span.start, -span.end))
    if spans:
        window.view.select_span(spans[0])
    app.processEvents()


def _size_docks(window, right_heights: tuple[int, int, int] = (300, 260, 300)) -> None:
    """The side docks' widths, and the heights of Labels, Spans and the tabbed Model dock under them."""
    from PySide6.QtCore import Qt

    docks = [_dock(widget) for widget in (window.documents, window.palette, window.span_tree, window.model_panel)]
    window.resizeDocks(docks[:2], [LEFT_DOCK, RIGHT_DOCK], Qt.Orientation.Horizontal)
    window.resizeDocks(docks[1:], list(right_heights), Qt.Orientation.Vertical)


def _parts(app, window):
    """(name, widget) for each part, each brought to the front first."""
    from nerdesk.gui.preferences_dialog import PreferencesDialog

    yield "documents", _dock(window.documents)
    yield "annotation-view", _Cropped(window.view, _text_height(window.view))
    yield "spans", _dock(window.span_tree)
    yield "labels", _dock(window.palette)
    for name, panel in (("retrain", window.retrain_panel), ("model-versions", window.versions_panel)):
        _dock(panel).raise_()
        # the Retrain panel scrolls its outcome, notes and chart: shown whole, with the dock taller
        _size_docks(window, (160, 120, 580) if panel is window.retrain_panel else (300, 260, 300))
        app.processEvents()
        while getattr(panel, "scoring", False):  # the versions panel scores in a worker thread
            app.processEvents()
        if panel is window.versions_panel:
            panel.tree.expandAll()
            for column in range(panel.tree.columnCount()):
                panel.tree.resizeColumnToContents(column)
        yield name, _dock(panel)
    dialog = PreferencesDialog(window.preferences, window)
    dialog.show()
    app.processEvents()
    yield "preferences", dialog
    dialog.close()


def _dock(widget):
    return widget.parentWidget()


def _text_height(view) -> int:
    """Pixels from the top of the view to below the last line's bars, and a margin."""
    return int(view.document().size().height() + 2 * view.frameWidth() + 16)


class _Cropped:
    """A widget whose grab keeps only its top ``height`` pixels (a short document leaves the rest empty)."""

    def __init__(self, widget, height: int) -> None:
        self.widget, self.height = widget, height

    def grab(self):
        from PySide6.QtCore import QRect

        return self.widget.grab(QRect(0, 0, self.widget.width(), min(self.height, self.widget.height())))


def _save(app, widget, target: Path) -> Path:
    app.processEvents()
    widget.grab().toImage().save(str(target), "PNG", 9)
    return target
