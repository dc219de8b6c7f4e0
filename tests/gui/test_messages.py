"""The window's messages count in the singular or plural as English does, and say a failure once."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from nerdesk.storage.project import Project


def test_importing_one_document_says_one_document(make_window, tmp_path):
    source = tmp_path / "one.txt"
    source.write_text("Greta flew from Paris to Rome.\n", encoding="utf-8")
    Project.create(tmp_path / "messages.nerdesk").close()
    window = make_window()
    window.open_project(tmp_path / "messages.nerdesk")
    window.import_files([str(source)])
    message = window.statusBar().currentMessage()
    assert message.startswith("Imported 1 document from 1 file "), message


def test_a_failed_retraining_says_failed_once(qtbot, make_window, tmp_path):
    Project.create(tmp_path / "messages.nerdesk").close()
    window = make_window()
    window.open_project(tmp_path / "messages.nerdesk")
    window.retrain_panel.process.failed.emit("training failed: CUDA out of memory")
    assert window.retrain_panel.status.text() == "Retraining failed: CUDA out of memory"
    box = next(box for box in window.findChildren(QMessageBox) if box.objectName() == "errorBox")
    assert box.windowTitle() == "Retraining failed"
    assert box.text() == "CUDA out of memory"


def test_predicting_one_document_again_after_a_retraining_says_one_document(make_window, tmp_path):
    Project.create(tmp_path / "messages.nerdesk").close()
    window = make_window()
    window.open_project(tmp_path / "messages.nerdesk")
    window.retrain_panel._on_repredicted(1)
    assert window.retrain_panel.status.text() == "1 unreviewed document predicted again with the active model."


def test_retrain_with_nothing_reviewed_says_what_to_do_in_the_panel_without_an_error_box(make_window, tmp_path):
    from nerdesk.core import Document

    with Project.create(tmp_path / "messages.nerdesk") as project:
        project.add_documents([Document("北京欢迎你。", status="reviewed"), Document("上海很大。")])
    window = make_window()
    window.open_project(tmp_path / "messages.nerdesk")
    window.actions.retrain.trigger()
    panel = window.retrain_panel
    assert panel.status.text().startswith("Nothing to train on yet: 1 reviewed document. Review at least 2")
    assert "Ctrl+Enter" in panel.status.text() and "nerdesk import" not in panel.status.text()
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert not panel.busy
