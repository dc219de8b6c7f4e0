"""Zoom keys, the Preferences dialog, toolbar icons and the learning-curve chart's titles."""

from __future__ import annotations

import json

import pytest
from conftest import press_shortcut
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QToolBar

from nerdesk.core.document import Document
from nerdesk.gui.learning_curve import LearningCurve
from nerdesk.gui.preferences_dialog import PreferencesDialog
from nerdesk.gui.theme import apply_theme, is_dark
from nerdesk.storage.project import Project

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "prefs.nerdesk"
    with Project.create(path) as project:
        project.add_label("ORG", key="1")
        project.add_documents([Document("The interleukin 2 receptor is expressed by activated T cells.")])
    built = make_window()
    built.open_project(path)
    return built


def stored(tmp_path) -> dict:
    return json.loads((tmp_path / "preferences.json").read_text())


def test_zoom_keys_change_the_text_size_and_keep_it(qtbot, window, tmp_path):
    start = window.view.font().pointSizeF()
    press_shortcut(qtbot, window.view, Qt.Key.Key_Equal, CTRL)
    press_shortcut(qtbot, window.view, Qt.Key.Key_Equal, CTRL)
    assert window.view.font().pointSizeF() == start + 2
    assert stored(tmp_path)["font_size"] == start + 2
    press_shortcut(qtbot, window.view, Qt.Key.Key_Minus, CTRL)
    assert window.view.font().pointSizeF() == start + 1
    window.grab().save("/tmp/shots/zoomed.png")
    press_shortcut(qtbot, window.view, Qt.Key.Key_0, CTRL)
    assert window.view.font().pointSizeF() == 13.0


def test_the_preferences_dialog_shows_and_applies_every_preference(qtbot, window, tmp_path):
    dialog = PreferencesDialog(window.preferences, window)
    qtbot.addWidget(dialog)
    assert dialog.snap.isChecked() and not dialog.scores.isChecked() and dialog.min_score.value() == 0.5
    dialog.font_size.setValue(16)
    dialog.min_score.setValue(0.3)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.snap.setChecked(False)
    dialog.scores.setChecked(True)
    dialog.policy.setCurrentIndex(dialog.policy.findData("reject"))
    dialog.grab().save("/tmp/shots/preferences.png")
    try:
        window.open_preferences(dialog.preferences())
        assert window.view.font().pointSizeF() == 16 and window.model_panel.min_score == 0.3
        assert is_dark() and window.theme_actions["dark"].isChecked()
        assert not window.view.snap_tokens and window.view.show_scores and window.show_scores_action.isChecked()
        assert window.review.policy == "reject" and "rejects" in window.review.policy_label.text()
        assert stored(tmp_path) == {"font_size": 16, "min_score": 0.3, "pending_policy": "reject", "theme": "dark",
                                    "snap_to_tokens": False, "show_scores": True}
    finally:
        apply_theme("light")



def test_a_theme_or_scores_change_keeps_the_minimum_score_the_slider_has(qtbot, window, tmp_path):
    # View > Show scores on chips and View > Theme put the slider back to the score of the last save.
    window.model_panel.threshold.setValue(30)
    window.show_scores_action.trigger()
    assert window.model_panel.min_score == 0.3 and stored(tmp_path)["min_score"] == 0.3
    window.set_theme("dark")
    window.set_theme("light")
    assert window.model_panel.min_score == 0.3 and window.view._min_score == 0.3

def test_the_toolbar_has_an_icon_on_every_button(window):
    toolbar = window.findChild(QToolBar, "mainToolbar")
    buttons = [action for action in toolbar.actions() if not action.isSeparator()]
    assert buttons and all(not action.icon().isNull() for action in buttons)
    window.findChild(QToolBar, "mainToolbar").grab().save("/tmp/shots/toolbar.png")


def test_the_learning_curve_titles_its_axes_and_gives_f1_in_percent(qtbot):
    curve = LearningCurve()
    qtbot.addWidget(curve)
    curve.resize(320, 180)
    assert curve.caption() == "no training yet"
    for step in range(1, 41):
        curve.add_loss(step, 40, 3.0 / step)
        if step % 10 == 0:
            curve.add_score(min(0.701, step / 50))
    assert curve.caption() == "best F1 on the evaluation set 70.1"
    curve.show()
    qtbot.waitExposed(curve)
    curve.grab().save("/tmp/shots/learning-curve.png")


def test_a_run_that_stops_early_fills_the_chart_and_the_caption_gives_the_f1_the_outcome_reports(qtbot):
    curve = LearningCurve()
    qtbot.addWidget(curve)
    curve.resize(320, 180)
    for step in range(1, 59):  # a time budget ends the run at step 58 of the 1,520 planned
        curve.add_loss(step, 1520, 3.0 / step)
    curve.add_score(0.023)
    plot_width = curve.width() - 2 * 44
    assert curve._point(QRectF(44, 8, plot_width, 100), 58, 0.0, 1.0).x() < 44 + plot_width * 0.05  # squeezed
    curve.finish()
    assert curve._point(QRectF(44, 8, plot_width, 100), 58, 0.0, 1.0).x() == 44 + plot_width  # the whole width
    curve.set_final_f1(0.076)  # with the decision threshold chosen after training
    assert curve.caption() == "F1 on the evaluation set 7.6 (while training 2.3)"
    curve.clear()
    assert curve.caption() == "no training yet" and not curve.ended
