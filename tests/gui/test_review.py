"""Ctrl+Enter with predictions still pending: ask, accept, reject or cancel, and a remembered policy."""

from __future__ import annotations

import json

import pytest
from conftest import press_shortcut
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.gui.review import PendingDialog
from nerdesk.storage.project import Project

TEXT = "张伟在北京大学读书，后来去了上海。"
SHOWN = Span(3, 7, "ORG", "pred", 0.91)
ALSO_SHOWN = Span(14, 16, "LOC", "pred", 0.72)
HIDDEN = Span(0, 2, "PER", "pred", 0.2)  # below the default minimum score of 0.5


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "review.nerdesk"
    with Project.create(path) as project:
        first, second = project.add_documents([Document(TEXT), Document("李四住在广州。")])
        project.replace_predictions(first, [SHOWN, ALSO_SHOWN, HIDDEN], "m1")
        project.replace_predictions(second, [Span(4, 6, "LOC", "pred", 0.8)], "m1")
    return path


def stored(path, doc_id=1) -> tuple[set, str]:
    with Project.open(path) as project:
        spans = {(s.start, s.end, s.label, s.source) for s in project.spans(doc_id)}
        return spans, project.document(doc_id).status


def answer_pending_dialog(window, answer: str, *, remember: bool = False) -> list[str]:
    """Click ``answer`` in the pending-predictions dialog as soon as it is shown; returns its text. The looking
    stops with ``window``: a test that expects no dialog leaves none to answer the next test's."""
    seen: list[str] = []
    tries = iter(range(100))  # look for two seconds at most

    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PendingDialog):
            if next(tries, None) is not None:
                QTimer.singleShot(20, window, click)
            return
        seen.append(dialog.text())
        dialog.remember_box.setChecked(remember)
        {"accept": dialog.accept_button, "reject": dialog.reject_button,
         "cancel": dialog.cancel_button}[answer].click()

    QTimer.singleShot(0, window, click)
    return seen


def ctrl_enter(qtbot, window) -> None:
    press_shortcut(qtbot, window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.activateWindow()  # the offscreen platform does not give it back after a dialog
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)  # shortcuts need the active window


def test_accepting_makes_the_shown_predictions_gold_in_one_undo_step(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    seen = answer_pending_dialog(window, "accept")
    ctrl_enter(qtbot, window)
    assert seen == ["This document still has 2 pending predictions."]
    spans, status = stored(project_path)
    assert spans == {(3, 7, "ORG", "gold"), (14, 16, "LOC", "gold")}  # the hidden PER is not gold
    assert status == "reviewed"
    assert window.session.doc_id == 2
    assert "accepted 2 pending predictions" in window.statusBar().currentMessage()
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    spans, status = stored(project_path)
    assert spans == {(3, 7, "ORG", "pred"), (14, 16, "LOC", "pred"), (0, 2, "PER", "pred")}
    assert status != "reviewed"


def test_rejecting_leaves_no_prediction_and_no_gold(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    answer_pending_dialog(window, "reject")
    ctrl_enter(qtbot, window)
    assert stored(project_path) == (set(), "reviewed")
    assert window.session.doc_id == 2


def test_cancel_changes_nothing_and_stays_on_the_document(qtbot, make_window, project_path):
    window = make_window()
    window.open_project(project_path)
    before = stored(project_path)
    answer_pending_dialog(window, "cancel")
    ctrl_enter(qtbot, window)
    assert stored(project_path) == before and before[1] != "reviewed"
    assert window.session.doc_id == 1
    assert not window.session.undo_stack.canUndo()


def test_a_remembered_answer_is_a_preference_shown_in_the_status_bar(qtbot, make_window, project_path, tmp_path):
    window = make_window()
    window.open_project(project_path)
    assert window.review.policy_label.text() == "Ctrl+Enter asks about pending predictions"
    answer_pending_dialog(window, "reject", remember=True)
    ctrl_enter(qtbot, window)
    assert window.review.policy_label.text() == "Ctrl+Enter rejects pending predictions"
    assert json.loads((tmp_path / "preferences.json").read_text())["pending_policy"] == "reject"
    ctrl_enter(qtbot, window)  # no dialog now: the second document's prediction is rejected at once
    assert stored(project_path, 2) == (set(), "reviewed")
    window.close()
    reopened = make_window()
    assert reopened.review.policy_label.text() == "Ctrl+Enter rejects pending predictions"
    reopened.review.policy_actions["ask"].trigger()
    assert json.loads((tmp_path / "preferences.json").read_text())["pending_policy"] == "ask"


def test_a_document_without_shown_predictions_is_reviewed_without_asking(qtbot, make_window, tmp_path):
    path = tmp_path / "quiet.nerdesk"
    with Project.create(path) as project:
        (doc_id,) = project.add_documents([Document(TEXT, [Span(3, 7, "ORG")])])
        project.replace_predictions(doc_id, [HIDDEN, SHOWN], "m1")  # SHOWN is the gold span's twin
    window = make_window()
    window.open_project(path)
    asked = answer_pending_dialog(window, "cancel")
    ctrl_enter(qtbot, window)
    assert asked == []
    assert stored(path) == ({(3, 7, "ORG", "gold")}, "reviewed")  # the hidden one and the twin are gone
    assert window.statusBar().currentMessage().endswith("it is the last document in the list")


@pytest.mark.parametrize("key, expected", [(Qt.Key.Key_R, (set(), "reviewed")),
                                           (Qt.Key.Key_A, ({(3, 7, "ORG", "gold"), (14, 16, "LOC", "gold")},
                                                           "reviewed"))])
def test_a_or_r_answers_the_dialog_as_they_answer_for_one_prediction(qtbot, make_window, project_path, key,
                                                                     expected):
    window = make_window()
    window.open_project(project_path)
    tries = iter(range(100))

    def press_key() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PendingDialog):
            if next(tries, None) is not None:
                QTimer.singleShot(20, window, press_key)
            return
        qtbot.keyClick(dialog, key)  # no Alt: the keys the text uses for one prediction
        try:
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=1000)
        except AssertionError:
            dialog.cancel_button.click()  # the key did nothing

    QTimer.singleShot(0, window, press_key)
    ctrl_enter(qtbot, window)
    assert stored(project_path) == expected
