"""Cancel pressed while Predict all still reads the documents stops the read, not only what follows it.

The worker reads the unreviewed documents (and judges their script) through a read-only connection before it
predicts; on a 50,000-document project that takes seconds, and Cancel did nothing until it ended.
"""

from __future__ import annotations

import threading
import time

import pytest

from nerdesk.core.document import Document
from nerdesk.gui import prediction_commands
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import GENERAL_ZH, embedded_model
from nerdesk.workflows.models import register_bundle

DOCUMENTS = 10_000  # the read looks at Cancel every 1,000 documents: it is pressed while the read waits at one


@pytest.fixture
def big_project(tmp_path):
    model = embedded_model(GENERAL_ZH)
    if not (model / "bundle.json").is_file():
        pytest.skip(f"the embedded model {GENERAL_ZH} is not built")
    path = tmp_path / "big.nerdesk"
    with Project.create(path) as project:
        project.add_documents(Document(f"{number}：张伟在北京大学读书，后来去了上海工作。") for number in range(DOCUMENTS))
        register_bundle(project, model, activate=True)
    return path


def hold_the_read(monkeypatch, at_look: int) -> tuple[threading.Event, threading.Event]:
    """Make Predict all's read wait at its ``at_look``-th look at Cancel (``at_look - 1`` thousand documents
    read) until released: (the read is waiting, release it)."""
    waiting, release = threading.Event(), threading.Event()
    looks = 0
    choose = prediction_commands.unreviewed_for

    def choosing(project, bundle, *, should_stop, **options):
        def looking() -> bool:
            nonlocal looks
            looks += 1
            if looks == at_look:
                waiting.set()
                release.wait(10)
            return should_stop()

        return choose(project, bundle, should_stop=looking, **options)

    monkeypatch.setattr(prediction_commands, "unreviewed_for", choosing)
    return waiting, release


def test_cancel_stops_the_reading_of_the_documents(qtbot, make_window, big_project, monkeypatch, capfd):
    reading, clicked = hold_the_read(monkeypatch, at_look=1)  # the read waits until Cancel has been clicked
    window = make_window()
    window.open_project(big_project)
    window.model_panel.predict_all.click()
    progressed = []
    window.worker.progressed.connect(lambda done, total: progressed.append(total))
    window.worker.chosen.connect(lambda left_alone: progressed.append("chosen"))
    qtbot.waitUntil(reading.is_set, timeout=10_000)
    cancel = window.model_panel.cancel
    assert cancel.isVisible() and cancel.isEnabled()
    pressed = time.monotonic()
    cancel.click()
    clicked.set()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert time.monotonic() - pressed < 1.5
    assert progressed == []  # the read never finished: nothing was chosen, counted or predicted
    assert window.statusBar().currentMessage() == "Prediction cancelled"
    assert not cancel.isVisible() and window.model_panel.predict_all.isEnabled()
    with Project.open(big_project) as project:
        assert project.count_documents(status="predicted") == 0
    qtbot.wait(50)
    stderr = capfd.readouterr().err
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_the_progress_bar_says_how_far_the_read_is(qtbot, make_window, big_project, monkeypatch):
    """The bar was a busy bar without words while the documents were read (20 s for 50,000 on a busy machine)."""
    _, go_on = hold_the_read(monkeypatch, at_look=3)  # 2,000 documents read
    window = make_window()
    window.open_project(big_project)
    window.model_panel.predict_all.click()
    bar = window.model_panel.progress
    assert bar.isVisible() and bar.text() == "Reading documents…"
    qtbot.waitUntil(lambda: bar.text() == "Reading documents… 2,000 of 10,000", timeout=10_000)
    assert (bar.value(), bar.maximum()) == (2_000, DOCUMENTS)
    window.model_panel.cancel.click()
    go_on.set()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert window.statusBar().currentMessage() == "Prediction cancelled"
