"""The learning curve's x axis says whether training ran all its planned steps or stopped before them."""

from __future__ import annotations

from nerdesk.gui.learning_curve import LearningCurve


def run(curve: LearningCurve, steps: int, planned: int) -> None:
    for step in range(1, steps + 1):
        curve.add_loss(step, planned, 1.0 / step)
    curve.finish()


def test_a_run_of_all_its_steps_is_not_said_to_have_stopped(qtbot):
    curve = LearningCurve()
    qtbot.addWidget(curve)
    run(curve, 60, 60)
    assert curve.steps_title() == "training step (all 60 done)"


def test_a_run_ended_early_says_where_of_how_many(qtbot):
    curve = LearningCurve()
    qtbot.addWidget(curve)
    curve.add_loss(1, 1140, 1.0)
    assert curve.steps_title() == "training step (1 of 1140)"
    run(curve, 205, 1140)
    assert curve.steps_title() == "training step (stopped at 205 of 1140)"
    curve.clear()
    assert curve.steps_title() == "training step"
