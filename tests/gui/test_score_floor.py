"""Predictions from the window are stored down to the score floor; the Min score slider shows or hides them."""

from __future__ import annotations

from fixtures_bundle import cluener_dev_texts, shared_tiny_bundle

from nerdesk.core.document import Document
from nerdesk.runtime.decode import SCORE_FLOOR
from nerdesk.storage.project import Project


def test_the_slider_shows_the_less_sure_predictions_the_window_stored(qtbot, make_window, tmp_path,
                                                                      tmp_path_factory):
    path = tmp_path / "floor.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(text) for text in cluener_dev_texts(30)])
    window = make_window()
    window.open_project(path)
    window.load_model(shared_tiny_bundle(tmp_path_factory))
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    window.model_panel.predict_all.click()
    qtbot.waitUntil(lambda: window.worker is None, timeout=60_000)
    with Project.open(path) as project:
        stored = [(doc.id, span) for doc in project.all_documents() for span in doc.predictions]
    assert stored and min(span.score for _, span in stored) > SCORE_FLOOR
    doc_id, unsure = next((doc_id, span) for doc_id, span in stored if span.score < 0.5)
    window.open_document(doc_id)
    assert window.model_panel.min_score == 0.5 and unsure not in window.view.spans
    window.model_panel.set_min_score(0.2 if unsure.score > 0.2 else SCORE_FLOOR)
    assert unsure in window.view.spans
