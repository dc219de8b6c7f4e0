"""Prediction from the window with a real bundle and ONNX Runtime session in a worker thread."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fixtures_bundle import export_tiny_bundle, sentence_documents, train_tiny_model  # noqa: E402

from nerdesk.core.document import Document  # noqa: E402
from nerdesk.gui import prediction_commands  # noqa: E402
from nerdesk.storage.project import Project  # noqa: E402


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory) -> Path:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    model, tokenizer = train_tiny_model()
    return export_tiny_bundle(model, tokenizer, tmp_path_factory.mktemp("bundle") / "tiny")


def unannotated(documents: list[Document]) -> list[Document]:
    return [Document(d.text) for d in documents]


def test_predict_all_documents_in_the_background(qtbot, make_window, tmp_path, tiny_bundle):
    path = tmp_path / "predict.nerdesk"
    with Project.create(path) as project:
        project.add_documents(unannotated(sentence_documents()))
    window = make_window()
    window.open_project(path)
    predict = (window.actions.predict_document, window.actions.predict_all)
    assert not any(action.isEnabled() for action in predict)  # Ctrl+P, the menu and the toolbar, without a model
    window.load_model(tiny_bundle)
    assert window.model_panel.predict_all.isEnabled() and all(action.isEnabled() for action in predict)
    manifest = json.loads((tiny_bundle / "bundle.json").read_text("utf-8"))
    shown = window.model_panel.model_name.text()
    assert f"{manifest['default_variant']} model" in shown and "dev F1" not in shown  # exported without metrics
    assert manifest["default_variant_reason"] in window.model_panel.model_name.toolTip()
    window.model_panel.predict_all.click()
    assert window.model_panel.progress.isVisible() and not any(action.isEnabled() for action in predict)
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert all(action.isEnabled() for action in predict)
    with Project.open(path) as project:
        predicted = {(s.mention(project.document(1).text), s.label) for s in project.spans(1, source="pred")}
        statuses = {project.document(i).status for i in project.document_ids()}
    assert ("张伟", "PER") in predicted and ("北京大学", "ORG") in predicted
    assert statuses == {"predicted"}
    assert any(s.source == "pred" for s in window.view.spans) or window.model_panel.min_score > 0.99
    assert not window.model_panel.progress.isVisible()


def test_cancel_stops_a_long_prediction(qtbot, make_window, tmp_path, tiny_bundle):
    path = tmp_path / "cancel.nerdesk"
    with Project.create(path) as project:
        project.add_documents(unannotated(sentence_documents()) * 150)
    window = make_window()
    window.open_project(path)
    window.load_model(tiny_bundle)
    window.predict_all()
    worker = window.worker
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        window.model_panel.cancel.click()
    qtbot.waitUntil(lambda: window.worker is None)
    with Project.open(path) as project:
        predicted_documents = project.count_documents(status="predicted")
    assert predicted_documents < 1200
    assert window.model_panel.predict_all.isEnabled()


def test_predict_all_leaves_documents_of_another_script_alone(qtbot, make_window, tmp_path, tiny_bundle,
                                                               tmp_path_factory):
    from fixtures_english import SENTENCES, tiny_english_bundle

    from nerdesk.workflows.models import activate, register_bundle

    english = [text for text, _ in SENTENCES[:3]]
    path = tmp_path / "mixed.nerdesk"
    with Project.create(path) as project:
        project.add_documents(unannotated(sentence_documents()) + [Document(text) for text in english])
        activate(project, register_bundle(project, tiny_english_bundle(tmp_path_factory)))
        found_in_english = {doc.text: doc.predictions for doc in project.all_documents() if doc.text in english}
    assert any(found_in_english.values())
    window = make_window()
    window.open_project(path)
    window.load_model(tiny_bundle)  # the Chinese model becomes the active one
    window.model_panel.predict_all.click()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    with Project.open(path) as project:
        after = {doc.text: doc.predictions for doc in project.all_documents()}
        chinese_model = project.active_model().name
    assert {text: after[text] for text in english} == found_in_english
    assert {span.model_version for doc in sentence_documents() for span in after[doc.text]} == {chinese_model}
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Predicted {len(sentence_documents())} documents; 3 Latin-script documents left as "
                              "they are")


def test_predict_all_leaves_reviewed_documents_as_they_were_reviewed(qtbot, make_window, tmp_path, tiny_bundle):
    # Predict all put pending predictions back into documents whose predictions were rejected with Ctrl+Enter.
    path = tmp_path / "reviewed.nerdesk"
    documents = unannotated(sentence_documents())
    documents[0].status = "reviewed"
    with Project.create(path) as project:
        project.add_documents(documents)
    window = make_window()
    window.open_project(path)
    window.load_model(tiny_bundle)
    window.model_panel.predict_all.click()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    with Project.open(path) as project:
        assert project.spans(1, source="pred") == [] and project.document(1).status == "reviewed"
        assert project.count_documents(status="predicted") == len(documents) - 1
    assert window.statusBar().currentMessage() == (f"Predicted {len(documents) - 1} documents; 1 reviewed document "
                                                   "left as reviewed")


def test_a_document_reviewed_while_predict_all_runs_keeps_its_spans(qtbot, make_window, tmp_path, tiny_bundle,
                                                                    monkeypatch):
    # Ctrl+Enter on a document while Predict all ran: its predictions arrived after and stood pending in it.
    path = tmp_path / "meanwhile.nerdesk"
    documents = unannotated(sentence_documents())
    with Project.create(path) as project:
        project.add_documents(documents)
    window = make_window()
    window.open_project(path)
    window.load_model(tiny_bundle)
    taken, go_on = texts_taken_then_held(monkeypatch)
    window.model_panel.predict_all.click()
    qtbot.waitUntil(taken.is_set)  # the worker has read the texts; each chunk is stored in this thread later
    window.session.set_status([1], "reviewed")
    go_on.set()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    with Project.open(path) as project:
        assert project.spans(1, source="pred") == [] and project.document(1).status == "reviewed"
        assert project.count_documents(status="predicted") == len(documents) - 1
    assert window.statusBar().currentMessage() == (f"Predicted {len(documents) - 1} documents; 1 document reviewed "
                                                   "meanwhile left as reviewed")


def texts_taken_then_held(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Predict all's choice of documents, made to say when it has read them and to wait for a go."""
    taken, go_on = threading.Event(), threading.Event()
    choose = prediction_commands.unreviewed_for

    def choosing(project, bundle, **options):
        targets = choose(project, bundle, **options)
        taken.set()
        go_on.wait(30)
        return targets

    monkeypatch.setattr(prediction_commands, "unreviewed_for", choosing)
    return taken, go_on


def test_predict_all_reads_the_documents_outside_the_window_thread(qtbot, make_window, tmp_path, tiny_bundle,
                                                                   monkeypatch):
    """Reading and judging the script of 52,000 documents froze the window for 5 s before the run began."""
    path = tmp_path / "many.nerdesk"
    with Project.create(path) as project:
        project.add_documents(unannotated(sentence_documents()))
    window = make_window()
    window.open_project(path)
    window.load_model(tiny_bundle)
    threads = []
    choose = prediction_commands.unreviewed_for
    monkeypatch.setattr(prediction_commands, "unreviewed_for",
                        lambda project, bundle, **options: threads.append(threading.current_thread())
                        or choose(project, bundle, **options))
    window.model_panel.predict_all.click()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert threads and threads[0] is not threading.main_thread()
    assert window.statusBar().currentMessage() == f"Predicted {len(sentence_documents())} documents"


def test_loading_a_model_gives_every_one_of_its_labels_a_row_and_a_key(make_window, tmp_path, tiny_bundle):
    path = tmp_path / "labels.nerdesk"
    with Project.create(path) as project:
        project.add_documents(unannotated(sentence_documents()))
        project.add_label("PER")
    window = make_window()
    window.open_project(path)
    window.load_model(tiny_bundle)  # PER, LOC, ORG: nothing predicted yet
    assert window.session.labels.names == ["PER", "LOC", "ORG"]
    assert all(label.key for label in window.session.labels)
    assert window.palette.table.rowCount() == 3
