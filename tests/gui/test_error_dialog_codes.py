"""Error dialogs show the error's code under its message, as the CLI prints it."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from nerdesk.core.errors import NerdeskError
from nerdesk.gui.errors import show_error


def test_a_missing_project_shows_its_code(make_window, tmp_path):
    window = make_window()
    window.open_project(tmp_path / "missing.nerdesk")
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "does not exist" in box.text() and box.informativeText() == "Error E201"


def test_an_error_without_a_code_shows_only_its_message(make_window):
    window = make_window()
    box = show_error(window, NerdeskError("plain message"))
    assert (box.text(), box.informativeText()) == ("plain message", "")


def test_predicting_without_a_model_names_the_model_panels_button(make_window, tmp_path):
    window = make_window()
    window.new_project(tmp_path / "p.nerdesk")
    window.predict_all()
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and box.informativeText() == "Error E602"
    assert f"with \"{window.model_panel.load_button.text()}\" in the Model panel" in box.text()
    assert window.actions.load_model.text().replace("&", "") in box.text()


def test_the_learning_curves_tooltip_says_f1_is_drawn_after_each_evaluation(make_window):
    # evaluations happen several times per pass over the data, not once per epoch
    tip = make_window().retrain_panel.curve.toolTip()
    assert "after each evaluation" in tip and "epoch" not in tip
