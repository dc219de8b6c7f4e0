"""In the window: a prediction rejected with R in a document not yet reviewed does not come back when the
documents are predicted again (Predict all, as after a Retrain), and Ctrl+Z takes the rejection back."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import press, press_shortcut
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fixtures_bundle import sentence_documents, shared_tiny_bundle  # noqa: E402

from nerdesk.core.document import Document  # noqa: E402
from nerdesk.core.spans import PRED  # noqa: E402
from nerdesk.storage.project import Project  # noqa: E402


def predicted_in_view(window) -> set[tuple[int, int, str]]:
    return {span.key for span in window.view.spans if span.source == PRED}


def predict_all(qtbot, window) -> None:
    window.model_panel.predict_all.click()
    qtbot.waitUntil(lambda: window.worker is None, timeout=60_000)


def test_a_rejected_prediction_stays_rejected_after_predict_all(qtbot, make_window, tmp_path, tmp_path_factory):
    path = tmp_path / "rejected.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(document.text) for document in sentence_documents()])
    window = make_window()
    window.open_project(path)
    window.load_model(shared_tiny_bundle(tmp_path_factory))
    window.model_panel.set_min_score(0.0)
    predict_all(qtbot, window)
    window.open_document(1)
    before = predicted_in_view(window)
    assert before

    window.view.setFocus()
    press(window.view, Qt.Key.Key_F8)
    rejected = window.view.selected_span()
    press(window.view, Qt.Key.Key_R, "r")
    predict_all(qtbot, window)

    assert predicted_in_view(window) == before - {rejected.key}
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert predicted_in_view(window) == before - {rejected.key}  # overtaken by the run: nothing put back…
    predict_all(qtbot, window)
    assert predicted_in_view(window) == before  # …but the rejection is taken back for the next one
