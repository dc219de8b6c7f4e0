"""A failed import lists every bad record in a list that scrolls and copies; a missing file is called missing."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from nerdesk.gui.transfer_dialogs import WarningsDialog


def test_three_hundred_bad_records_are_all_listed_and_copied(qtbot, make_window, tmp_path):
    bad = tmp_path / "bad.json"
    lines = [json.dumps({"text": f"record {n}", "label": {"PER": {"xyz": [[0, 2]]}}}) for n in range(300)]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    window = make_window()
    window.new_project(tmp_path / "bad.nerdesk")
    window.import_files([str(bad)], "cluener")
    dialog = window.findChild(WarningsDialog, "warningsDialog")
    assert dialog is not None and dialog.windowTitle() == "Import failed: 300 bad records"
    listed = dialog.text.toPlainText().splitlines()
    assert len(listed) == 300 and listed[299].startswith("E005 line 300, record 300: ")  # each with its code, as the CLI
    summary = dialog.findChild(QLabel).text()
    assert str(bad) in summary  # the file is named once, above the list
    assert "E100" in summary
    assert "more" not in dialog.text.toPlainText()
    assert dialog.text.verticalScrollBar().maximum() > 0  # it scrolls
    copy = next(b for b in dialog.findChildren(QDialogButtonBox)[0].buttons() if b.text() == "Copy all")
    copy.click()
    assert QApplication.clipboard().text().splitlines() == listed
    dialog.grab().save("/tmp/shots/import-problems.png")
    assert window.documents.model.total == 0


def test_a_missing_file_is_reported_as_missing(make_window, tmp_path):
    window = make_window()
    window.new_project(tmp_path / "p.nerdesk")
    window.import_files([str(tmp_path / "nowhere.jsonl")])
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and box.text().startswith("File not found:") and "nowhere.jsonl" in box.text()
    assert "bad record" not in box.text()
    assert window.findChild(WarningsDialog) is None
    assert window.documents.model.total == 0
