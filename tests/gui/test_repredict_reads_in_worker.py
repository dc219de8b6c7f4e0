"""After a retraining (or a roll-back) the unreviewed documents are read for the re-prediction in the worker
thread, as Predict all reads them: the window keeps working, the bar says how far the read is, and Cancel stops
the read itself.

The read ran in the window thread: on a 50,000-document project the window froze for seconds after every
retraining, and Cancel could do nothing until the read had ended.
"""

from __future__ import annotations

import shutil
import threading
import time

from fixtures_bundle import shared_tiny_bundle

from nerdesk.core import Document
from nerdesk.gui import reprediction
from nerdesk.storage import Project

DOCUMENTS = 3_000  # the read looks at Cancel every 1,000 documents


def test_the_repredictions_read_runs_in_the_worker_and_cancel_stops_it(qtbot, make_window, tmp_path_factory,
                                                                       tmp_path, monkeypatch):
    bundle = shared_tiny_bundle(tmp_path_factory)
    path = tmp_path / "notes.nerdesk"
    with Project.create(path) as project:
        project.add_documents(Document(f"{number}：张伟去了上海。") for number in range(DOCUMENTS))
        older = project.register_model(name="v1-20261204-230208@3fa2aa", bundle_path=bundle, metrics={},
                                       settings={}, trained_on={})
        newer = project.register_model(name="v2-20261205-010101@4bb1cc", bundle_path=shutil.copytree(
            bundle, tmp_path / "v2"), metrics={}, settings={}, trained_on={})
        project.set_active_model(newer)
    reading, clicked, threads = threading.Event(), threading.Event(), []
    choose = reprediction.unreviewed_for

    def choosing(project, bundle, *, should_stop=None, **options):
        def looking() -> bool:  # the read waits at its second look at Cancel, 1,000 documents read
            threads.append(threading.current_thread())
            if len(threads) == 2:
                reading.set()
                clicked.wait(5)
            return should_stop is not None and should_stop()

        return choose(project, bundle, should_stop=looking, **options)

    monkeypatch.setattr(reprediction, "unreviewed_for", choosing)
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel
    window.versions_panel.activate(older)  # the roll-back starts the re-prediction as a promoted retraining does

    qtbot.waitUntil(reading.is_set, timeout=10_000)
    assert threading.main_thread() not in threads
    qtbot.waitUntil(lambda: panel.progress.text() == "reading the unreviewed documents… 1,000 / 3,000",
                    timeout=5_000)  # the window thread draws the progress while the worker reads
    assert window.versions_panel.progress.text() == "reading the unreviewed documents…"
    assert panel.cancel_button.isEnabled()
    pressed = time.monotonic()
    panel.cancel_button.click()
    clicked.set()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=30_000)
    assert time.monotonic() - pressed < 1.5
    assert panel.status.text() == ("Prediction cancelled: the documents not reached yet keep their earlier "
                                   "predictions.")
    assert panel.retrain_button.isEnabled() and not panel.progress.isVisible()
    with Project.open(path) as project:
        assert project.count_documents(status="predicted") == 0
