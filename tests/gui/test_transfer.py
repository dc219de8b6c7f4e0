"""Import, export, bulk accept and preferences through the window."""

from __future__ import annotations

import json

from nerdesk import formats
from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project
from tests.conftest import dataset_file

TEXT = "张伟在北京大学读书。"


def test_import_a_real_cluener_file_then_export_it(make_window, tmp_path):
    source = dataset_file("cluener", "dev.json")
    window = make_window()
    window.new_project(tmp_path / "cluener.nerdesk")
    window.import_files([str(source)], "cluener")
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert window.documents.model.total == len(lines)
    first = window.session.document
    assert first.text == lines[0]["text"]
    for label, mentions in lines[0]["label"].items():
        for mention, positions in mentions.items():
            for start, end_inclusive in positions:
                assert Span(start, end_inclusive + 1, label) in first.spans
                assert first.text[start:end_inclusive + 1] == mention
    target = tmp_path / "out.jsonl"
    window.transfer.export_files("jsonl", target)
    exported = formats.read_files([target], "jsonl").documents
    assert len(exported) == len(lines) and exported[0].text == first.text
    assert {s.key for s in exported[0].spans} == {s.key for s in first.spans}


def test_bad_import_file_shows_the_error_and_changes_nothing(make_window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": "abc", "label": {"PER": {"xyz": [[0, 2]]}}}\n', encoding="utf-8")
    window = make_window()
    window.new_project(tmp_path / "bad.nerdesk")
    window.import_files([str(bad)], "cluener")
    from nerdesk.gui.transfer_dialogs import WarningsDialog

    dialog = window.findChild(WarningsDialog, "warningsDialog")
    assert dialog is not None and "span 0..3" in dialog.text.toPlainText()
    assert dialog.windowTitle() == "Import failed: 1 bad record"
    assert window.documents.model.total == 0


def test_accept_all_predictions_above_a_score_is_one_undo_step(make_window, tmp_path):
    path = tmp_path / "accept.nerdesk"
    with Project.create(path) as project:
        (doc_id,) = project.add_documents([Document(TEXT)])
        project.replace_predictions(doc_id, [Span(0, 2, "PER", "pred", 0.9), Span(3, 7, "ORG", "pred", 0.4)], "m")
    window = make_window()
    window.open_project(path)
    window.accept_all_predictions(min_score=0.5, label=None, all_documents=True)
    with Project.open(path) as project:
        assert {(s.key, s.source) for s in project.spans(doc_id)} == {((0, 2, "PER"), "gold"),
                                                                       ((3, 7, "ORG"), "pred")}
    assert window.statusBar().currentMessage() == "Accepted 1 prediction"
    window.session.undo_stack.undo()
    with Project.open(path) as project:
        assert {s.source for s in project.spans(doc_id)} == {"pred"}
    window.accept_all_predictions(min_score=0.95, label=None, all_documents=True)
    assert window.statusBar().currentMessage() == "No prediction to accept at that minimum score"


def test_preferences_and_recent_projects_survive_a_restart(make_window, tmp_path):
    path = tmp_path / "prefs.nerdesk"
    window = make_window()
    window.new_project(path)
    window.model_panel.set_min_score(0.8)
    window.close()
    assert json.loads((tmp_path / "preferences.json").read_text())["min_score"] == 0.8
    again = make_window()
    assert again.model_panel.min_score == 0.8
    assert again.recent.paths() == [str(path.resolve())]


def test_import_and_export_through_the_dialogs_showing_warnings(qtbot, make_window, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nerdesk.gui.transfer_dialogs import ExportDialog, ImportDialog, WarningsDialog

    source = tmp_path / "notes.txt"
    source.write_text("第一行：上海。\n\nSecond paragraph with 😀.\n", encoding="utf-8")
    window = make_window()
    window.new_project(tmp_path / "dialog.nerdesk")

    def visible(kind):
        return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())

    def fill_in_import():
        dialog = visible(ImportDialog)
        dialog.files.edit.setText(str(source))
        dialog.format.setCurrentIndex(dialog.format.findData("text"))
        dialog.accept()

    QTimer.singleShot(100, fill_in_import)
    window.actions.import_files.trigger()
    with Project.open(tmp_path / "dialog.nerdesk") as project:
        texts = "".join(d.text for d in project.all_documents())
    assert "上海" in texts and "😀" in texts
    window.session.add_span(0, 2, "NOTE")

    target = tmp_path / "out.txt"

    def fill_in_export():
        dialog = visible(ExportDialog)
        dialog.format.setCurrentIndex(dialog.format.findData("text"))
        dialog.path.edit.setText(str(target))
        dialog.accept()

    QTimer.singleShot(100, fill_in_export)
    window.actions.export_files.trigger()
    assert "上海" in target.read_text(encoding="utf-8")
    warnings = window.findChild(WarningsDialog, "warningsDialog")
    assert warnings is not None and warnings.isVisible()
    assert any("keeps no spans" in warning for warning in window.transfer.last_warnings)
    count = len(window.transfer.last_warnings)
    assert warnings.windowTitle() == f"Export: {count} warning{'' if count == 1 else 's'}"
    warnings.close()

    # The same file again: skipped as nerdesk import skips it (File > Import added every document twice).
    with Project.open(tmp_path / "dialog.nerdesk") as project:
        before = project.count_documents()
    QTimer.singleShot(100, fill_in_import)
    window.actions.import_files.trigger()
    with Project.open(tmp_path / "dialog.nerdesk") as project:
        assert project.count_documents() == before
    assert any(w.startswith(f"skipped {before} documents whose text and metadata equal one already in the project")
               for w in window.transfer.last_warnings)


def test_export_with_no_file_chosen_writes_nothing(qtbot, make_window, tmp_path, monkeypatch):
    # Path("") is the current folder: an empty File field wrote a brat folder's files into it.
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from nerdesk.gui.transfer_dialogs import ExportDialog

    monkeypatch.chdir(tmp_path)
    window = make_window()
    window.new_project(tmp_path / "empty-path.nerdesk")
    window.session.add_documents([Document("上海")])
    def leave_the_file_empty():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible())
        dialog.format.setCurrentIndex(dialog.format.findData("brat"))
        dialog.accept()

    QTimer.singleShot(100, leave_the_file_empty)
    window.actions.export_files.trigger()
    assert not [p.name for p in tmp_path.iterdir() if p.suffix in (".txt", ".ann", ".conf")]
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and box.text() == "choose a file to export to" and box.informativeText() == "Error E604"


def _cancel_the_progress_dialog(window):
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    (dialog,) = window.findChildren(QProgressDialog)
    dialog.findChild(QPushButton).click()


def test_cancel_at_the_end_of_an_import_adds_no_document_and_no_label(make_window, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    source = tmp_path / "few.json"
    source.write_text('{"text": "张伟在北京。", "label": {"PER": {"张伟": [[0, 1]]}}}\n', encoding="utf-8")
    path = tmp_path / "cancel.nerdesk"
    window = make_window()
    window.new_project(path)
    QTimer.singleShot(0, lambda: _cancel_the_progress_dialog(window))  # runs at the last report
    window.import_files([str(source)], "cluener")
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "nothing was added" in box.text()
    with Project.open(path) as project:
        assert project.count_documents() == 0 and project.label_set().names == []
    assert window.documents.model.total == 0 and window.session.labels.names == []


def test_a_text_the_store_cannot_hold_is_a_bad_record_and_adds_no_label(make_window, tmp_path):
    from nerdesk.gui.transfer_dialogs import WarningsDialog

    source = tmp_path / "hostile.jsonl"
    source.write_text('{"text": "ok", "label": [[0, 1, "NEW"]]}\n{"text": "bad \\ud800"}\n', encoding="utf-8")
    path = tmp_path / "hostile.nerdesk"
    window = make_window()
    window.new_project(path)
    window.import_files([str(source)], "jsonl")
    dialog = window.findChild(WarningsDialog, "warningsDialog")
    assert dialog is not None and dialog.windowTitle() == "Import failed: 1 bad record"
    assert any("record 2: text has a lone surrogate" in line for line in window.transfer.last_warnings)
    with Project.open(path) as project:
        assert project.count_documents() == 0 and project.label_set().names == []
    assert window.session.labels.names == []
