"""Model versions lists the version a retraining is making, with the Retrain panel bar's words, from the press of
Retrain until the version is registered (then its own row takes the place) or the run is cancelled.

The table showed nothing of a retraining in progress: a user who looked there during a run saw the old versions
only. Real training process of a tiny model, real project files, the real main window offscreen.
"""

from __future__ import annotations

import pytest
from fixtures_bundle import shared_tiny_bundle
from PySide6.QtCore import Qt

from nerdesk.gui.model_versions import MODEL_ID_ROLE
from tests.e2e.test_retrain_workflow import build_project, worse_bundle
from tests.gui.test_close_while_training import build_long_training_project
from tests.gui.test_retrain_completion import Hold, finish_training, open_window


def rows(versions) -> list[str]:
    return [versions.tree.topLevelItem(row).text(0) for row in range(versions.tree.topLevelItemCount())]


@pytest.mark.slow
def test_a_training_shows_as_a_row_that_follows_the_bar_and_goes_on_cancel(qtbot, make_window, tmp_path_factory,
                                                                            tmp_path, monkeypatch):
    path = tmp_path / "notes.nerdesk"
    build_long_training_project(path, shared_tiny_bundle(tmp_path_factory))
    window = make_window()
    window.open_project(path)
    panel, versions = window.retrain_panel, window.versions_panel
    monkeypatch.setattr(window, "confirm", lambda title, question: True)  # closing stops a training left running
    assert rows(versions) == ["● tiny"]
    panel.retrain_button.click()
    assert rows(versions)[0].startswith("v1: starting… 0:0")  # at once, before the process says anything
    qtbot.waitUntil(lambda: panel.progress.text().startswith("step "), timeout=120_000)

    first = rows(versions)[0]
    assert first == f"v1 training… {panel.progress.text()}" and " of at most " in first
    row = versions.tree.topLevelItem(0)
    assert row.isFirstColumnSpanned() and not row.flags() & Qt.ItemFlag.ItemIsSelectable
    assert row.data(0, MODEL_ID_ROLE) is None and row.font(0).italic()
    assert rows(versions)[1:] == ["● tiny"]
    qtbot.waitUntil(lambda: rows(versions)[0] != first, timeout=5_000)  # it follows the bar's clock
    assert rows(versions)[0] == f"v1 training… {panel.progress.text()}"
    versions.refresh()  # as after an activation or a deletion meanwhile: the row stays on top
    assert rows(versions)[0].startswith("v1 training… step ") and len(rows(versions)) == 2

    with qtbot.waitSignal(panel.process.cancelled, timeout=30_000):
        panel.cancel()
    assert rows(versions) == ["● tiny"]
    window.close()


def test_the_row_of_a_version_being_compared_becomes_its_row_once_registered(qtbot, tmp_path, tmp_path_factory):
    window = open_window(qtbot, tmp_path, shared_tiny_bundle(tmp_path_factory))
    panel, versions = window.retrain_panel, window.versions_panel
    hold = Hold()
    hold.attach(panel.process)
    with qtbot.waitSignal(panel.versionKept, timeout=60_000):
        finish_training(window, worse_bundle)
        qtbot.waitUntil(hold.reached.is_set, timeout=60_000)
        qtbot.waitUntil(lambda: rows(versions)[0].startswith("v1: scoring "), timeout=5_000)
        assert rows(versions)[0] == f"v1: {panel.progress.text()}"
        assert rows(versions)[1:] == ["● tiny"]
        hold.release()

    assert rows(versions)[0].startswith("v1 · ") and rows(versions)[1] == "● tiny"  # v1 · 12-05 15:42
    assert versions.tree.topLevelItem(0).data(0, MODEL_ID_ROLE) is not None
    window.close()


def test_a_comparison_ending_in_a_project_left_is_not_listed_in_the_one_opened(qtbot, tmp_path, tmp_path_factory):
    bundle = shared_tiny_bundle(tmp_path_factory)
    window = open_window(qtbot, tmp_path, bundle)
    panel, versions = window.retrain_panel, window.versions_panel
    hold = Hold()
    hold.attach(panel.process)
    finish_training(window, worse_bundle)
    qtbot.waitUntil(hold.reached.is_set, timeout=60_000)
    qtbot.waitUntil(lambda: rows(versions)[0].startswith("v1: "), timeout=5_000)
    other = tmp_path / "other.nerdesk"
    build_project(other, bundle).close()

    window.open_project(other)  # the comparison is not asked about: it ends in its own project
    assert rows(versions) == ["● tiny"]
    with qtbot.waitSignal(panel.process.finished, timeout=60_000):
        hold.release()
        qtbot.wait(200)
        assert rows(versions) == ["● tiny"]  # the bar's next words are not the open project's
    assert rows(versions) == ["● tiny"]
    window.close()
