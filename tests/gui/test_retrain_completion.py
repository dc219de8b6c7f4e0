"""The end of a retraining runs in a worker thread: the window keeps processing events and the user
keeps editing while the new version and the active one are scored on the evaluation set.

Real tiny bundles (``tests/fixtures_bundle.py``), a real project file, the real main window offscreen.
The completion worker is held inside its scoring (a direct connection to its progress signal, so the
hold runs in the worker's own thread) until the test has seen the window work; were the scoring in the
GUI thread, the hold would wait for ticks that never come and the test would fail.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer

from nerdesk.core.spans import GOLD, PRED, Span
from nerdesk.gui.main_window import MainWindow
from nerdesk.storage import Project
from nerdesk.workflows import retrain
from nerdesk.workflows.progress import TrainingDone
from nerdesk.workflows.retrain import OPTIONS_KEY, RetrainOptions
from nerdesk.workflows.start_points import StartPoint
from tests.e2e.test_retrain_workflow import LABELS, build_project, train_sorted_tiny_model, worse_bundle

TRAINING_TIMEOUT_MS = 240_000
HOLD_SECONDS = 30.0
QUICK = RetrainOptions(epochs=2, min_steps=4, patience=2, threads=1)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """(good, weak): the fixture sentences' tiny model, and one trained a few steps only."""
    import torch
    from fixtures_bundle import sentence_documents

    from nerdesk.training.export import export_bundle

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("completion-bundles")
    model, tokenizer = train_sorted_tiny_model()
    good = export_bundle(model, tokenizer, root / "good", labels=LABELS, dev_documents=sentence_documents())
    return good, worse_bundle(root / "weak")


class Hold:
    """Holds the completion worker at its first scoring report until ``release``."""

    def __init__(self) -> None:
        self.reached, self.go = threading.Event(), threading.Event()
        self.scoring: list[str] = []

    def attach(self, process) -> None:
        process.completing.connect(lambda _documents: process.completion.progressed.connect(
            self._hold, Qt.ConnectionType.DirectConnection))

    def _hold(self, what: str, done: int, total: int) -> None:  # in the worker thread
        self.scoring.append(what)
        if not self.reached.is_set():
            self.reached.set()
            self.go.wait(HOLD_SECONDS)

    def release(self) -> None:
        self.go.set()


class Ticks:
    """A QTimer on the GUI thread, counting its timeouts."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.count += 1


def open_window(qtbot, tmp_path: Path, active_bundle: Path, name: str = "notes.nerdesk") -> MainWindow:
    path = tmp_path / name
    with build_project(path, active_bundle) as project:
        project.set_setting(OPTIONS_KEY, asdict(QUICK))
        project.set_setting("retrain.start", StartPoint("active").to_json())
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                        tmp_path / "preferences.json")
    qtbot.addWidget(window)
    window.open_project(path)
    return window


def finish_training(window: MainWindow, bundle_maker, options: RetrainOptions = QUICK) -> None:
    """What the end of a training process hands over (``RetrainProcess._on_finished``), with the bundle
    made in-process: the training itself is covered by tests/e2e/test_retrain_gui.py and the first test."""
    project, panel = window.session.project, window.retrain_panel
    run = retrain.prepare_run(project, StartPoint("active"), options)
    bundle_maker(run.staging_dir)
    panel._training_path = Path(project.path).resolve()
    panel.process.project, panel.process.run = project, run
    panel.process._complete(TrainingDone(str(run.staging_dir)))


def unreviewed_ids(project) -> list[int]:
    return [doc.id for doc in project.all_documents() if doc.status != "reviewed"]


def edit_while_held(qtbot, window: MainWindow, hold: Hold, ticks: Ticks) -> tuple[int, Span]:
    """Wait for the hold, add a gold span to an unreviewed document, see the timer tick, release."""
    qtbot.waitUntil(hold.reached.is_set, timeout=TRAINING_TIMEOUT_MS)
    panel, session = window.retrain_panel, window.session
    assert panel.busy and panel.process.is_completing and not panel.cancel_button.isEnabled()
    before = ticks.count
    doc_id = unreviewed_ids(session.project)[0]
    session.open_document(doc_id)
    span = Span(0, 2, "PER")
    session.add_span(span.start, span.end, span.label)
    qtbot.waitUntil(lambda: ticks.count >= before + 5, timeout=5_000)
    assert panel.process.is_completing  # still held inside the scoring: the window worked meanwhile
    window.actions.retrain.trigger()  # Retrain again meanwhile: ignored, the panel keeps showing this one
    assert panel.process.is_completing and "Comparing the new version" in panel.status.text()
    hold.release()
    return doc_id, span


def gold_in_file(path: Path, doc_id: int) -> list:
    with Project.open(path) as fresh:
        return [(s.start, s.end, s.label) for s in fresh.document(doc_id).spans if s.source == GOLD]


def test_retrain_scores_in_the_background_keeps_an_edit_and_activates(qtbot, tmp_path, bundles):
    good, weak = bundles
    window = open_window(qtbot, tmp_path, weak)  # a short continuation beats the weak model
    panel, project = window.retrain_panel, window.session.project
    hold, ticks = Hold(), Ticks()
    hold.attach(panel.process)
    with qtbot.waitSignal(panel.repredicted, timeout=TRAINING_TIMEOUT_MS):
        window.actions.retrain.trigger()
        doc_id, span = edit_while_held(qtbot, window, hold, ticks)
        assert panel.progress.format().startswith("scoring ")  # the new v2-… or the active tiny
        assert "on 3 evaluation documents… " in panel.progress.format()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)

    active = project.active_model()
    assert active.name.startswith("v1-") and "v1" in hold.scoring  # as the verdict names it
    assert "is now active" in panel.status.text() and "on your 3 evaluation documents" in panel.status.text()
    assert window.versions_panel.tree.topLevelItemCount() == 2
    assert (span.start, span.end, span.label) in gold_in_file(project.path, doc_id)
    document = project.document(doc_id)
    assert {s.model_version for s in document.spans if s.source == PRED} <= {active.name}
    assert project.training_runs()[-1].status == "finished"
    window.close()


def test_a_worse_version_is_kept_after_background_scoring_and_an_edit_is_kept(qtbot, tmp_path, bundles):
    good, weak = bundles
    window = open_window(qtbot, tmp_path, good)
    panel, project = window.retrain_panel, window.session.project
    original = project.active_model()
    hold, ticks = Hold(), Ticks()
    hold.attach(panel.process)
    with qtbot.waitSignal(panel.versionKept, timeout=60_000):
        finish_training(window, worse_bundle)
        doc_id, span = edit_while_held(qtbot, window, hold, ticks)

    assert not panel.busy and panel.retrain_button.isEnabled()
    assert project.active_model().id == original.id
    assert "tiny stays active" in panel.status.text() and not panel.activate_anyway_button.isHidden()
    assert panel.status.text().endswith("(v1 is kept as an inactive version). Activate anyway puts it to work.")
    assert window.versions_panel.tree.topLevelItemCount() == 2
    assert (span.start, span.end, span.label) in gold_in_file(project.path, doc_id)
    assert project.training_runs()[-1].status == "finished"
    with qtbot.waitSignal(panel.repredicted, timeout=60_000):
        panel.activate_anyway_button.click()
        assert panel.status.text() == "v1 was activated anyway. Predicting the unreviewed documents…"  # its short name
    assert panel.status.text().startswith("v1 was activated anyway. ")
    window.close()


def test_a_bundle_that_cannot_be_registered_fails_in_the_background_and_changes_nothing(qtbot, tmp_path, bundles):
    good, _ = bundles
    window = open_window(qtbot, tmp_path, good)
    panel, project = window.retrain_panel, window.session.project
    original = project.active_model()

    def broken_bundle(directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "bundle.json").write_text("{ not json", encoding="utf-8")

    with qtbot.waitSignal(panel.failed, timeout=60_000) as failure:
        finish_training(window, broken_bundle)
    assert failure.args[0].startswith("the trained model was not registered: ")
    assert "Retraining failed: the trained model was not registered" in panel.status.text()
    assert not panel.busy and panel.retrain_button.isEnabled()
    assert [v.id for v in project.model_versions()] == [original.id]
    assert project.active_model().id == original.id
    assert project.training_runs()[-1].status == "failed"
    window.close()


def test_an_outcome_for_a_project_closed_meanwhile_leaves_the_open_one_alone(qtbot, tmp_path, bundles):
    good, weak = bundles
    window = open_window(qtbot, tmp_path, weak)
    first = window.session.project.path
    hold = Hold()
    hold.attach(window.retrain_panel.process)
    finish_training(window, lambda directory: worse_bundle(directory),
                    RetrainOptions(activate="always", threads=1))
    qtbot.waitUntil(hold.reached.is_set, timeout=60_000)
    other = tmp_path / "other.nerdesk"
    build_project(other, good).close()
    window.open_project(other)
    with qtbot.waitSignal(window.retrain_panel.process.finished, timeout=60_000):
        hold.release()
    panel = window.retrain_panel
    assert "which is no longer open" in panel.status.text() and "notes.nerdesk" in panel.status.text()
    assert panel.worker is None and not panel.busy  # nothing is predicted in the project now open
    assert [v.name for v in window.session.project.model_versions()] == ["tiny@start"]
    with Project.open(first) as finished:
        assert finished.active_model().name.startswith("v1-")
    window.close()


def test_a_kept_version_is_not_offered_in_the_next_project_opened(qtbot, tmp_path, bundles):
    good, weak = bundles
    window = open_window(qtbot, tmp_path, good)
    panel = window.retrain_panel
    with qtbot.waitSignal(panel.versionKept, timeout=60_000):
        finish_training(window, worse_bundle)
    assert not panel.activate_anyway_button.isHidden()
    other = tmp_path / "other.nerdesk"
    with build_project(other, weak) as project:  # its versions have the same numbers as the first's
        project.register_model(name="other@2", bundle_path=good, metrics={}, settings={}, trained_on={})
    window.open_project(other)

    assert panel.activate_anyway_button.isHidden() and panel.kept_version is None
    assert panel.status.text() == "Review documents, then press Retrain."
    assert panel.curve.caption() == "no training yet" and not panel.notes.lines
    panel.activate_anyway()
    assert window.session.project.active_model().name == "tiny@start"
    window.close()


def test_closing_the_window_waits_for_the_completion(qtbot, tmp_path, bundles):
    good, _ = bundles
    window = open_window(qtbot, tmp_path, good)
    path = window.session.project.path
    hold = Hold()
    hold.attach(window.retrain_panel.process)
    finish_training(window, worse_bundle)
    qtbot.waitUntil(hold.reached.is_set, timeout=60_000)
    threading.Timer(0.3, hold.release).start()
    window.close()  # blocks until the worker has registered the version
    assert not window.retrain_panel.process.completion.isRunning()
    with Project.open(path) as closed:
        assert len(closed.model_versions()) == 2
        assert closed.training_runs()[-1].status == "finished"


def test_a_write_the_window_holds_makes_the_completion_wait_not_fail(qtbot, tmp_path, bundles):
    from nerdesk.storage.connection import write_transaction

    good, _ = bundles
    window = open_window(qtbot, tmp_path, good)
    panel, session = window.retrain_panel, window.session
    hold = Hold()
    hold.attach(panel.process)
    finish_training(window, worse_bundle)
    qtbot.waitUntil(hold.reached.is_set, timeout=60_000)
    doc_id = unreviewed_ids(session.project)[0]
    # The window's write lock, as during a long import: the worker's next write waits for the commit.
    with qtbot.waitSignal(panel.versionKept, timeout=60_000), write_transaction(session.project.db):
        session.open_document(doc_id)
        session.add_span(0, 2, "PER")
        hold.release()
        qtbot.wait(1_500)
        assert panel.process.is_completing
    assert "tiny stays active" in panel.status.text()
    assert (0, 2, "PER") in gold_in_file(session.project.path, doc_id)
    assert session.project.training_runs()[-1].status == "finished"
    window.close()


def test_cancel_in_model_versions_stops_the_roll_back_not_the_retraining(qtbot, tmp_path, bundles):
    good, weak = bundles
    window = open_window(qtbot, tmp_path, good)
    panel, versions = window.retrain_panel, window.versions_panel
    older = window.session.project.register_model(name="weak@1", bundle_path=weak, metrics={}, settings={},
                                                  trained_on={})
    window.actions.retrain.trigger()
    assert panel.process.process is not None  # the training process runs
    versions.activate(older)  # a roll-back meanwhile: its prediction shows in Model versions with Cancel
    assert panel.worker is not None and versions.cancel_button.isVisibleTo(versions)

    versions.cancel_button.click()

    assert panel.worker is None or panel.worker.isInterruptionRequested()
    assert panel.process.process is not None and panel.status.text() != "Cancelling…"  # training goes on
    with qtbot.waitSignal(panel.process.cancelled, timeout=30_000):
        panel.cancel()
    window.close()


def test_a_kept_version_deleted_in_model_versions_is_no_longer_offered(qtbot, tmp_path, bundles, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    good, _ = bundles
    window = open_window(qtbot, tmp_path, good)
    panel, versions = window.retrain_panel, window.versions_panel
    with qtbot.waitSignal(panel.versionKept, timeout=60_000):
        finish_training(window, worse_bundle)
    assert not panel.activate_anyway_button.isHidden()
    monkeypatch.setattr(versions, "confirm_delete", lambda _model_id: True)

    versions.delete(panel.kept_version.id)

    assert panel.activate_anyway_button.isHidden() and panel.kept_version is None
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    window.close()

