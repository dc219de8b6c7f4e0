"""The whole window driven as a user would, against a real project file, checked in the database."""

from __future__ import annotations

from pathlib import Path

from conftest import click_character, press, press_shortcut, select_with_keyboard
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nerdesk import formats
from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.storage.project import Project

TEXT = "王小明在北京大学 🎓 读书。\r\nAnna joined New York University 😀 in 2020.\r\n"
SECOND = "Second document about 上海."


def write_import_file(folder: Path) -> Path:
    path = folder / "incoming.jsonl"
    formats.write_file([Document(TEXT, name="first"), Document(SECOND, name="second")], path, "jsonl")
    return path


def db_spans(path: Path, doc_id: int) -> set[tuple]:
    with Project.open(path) as project:
        return {(s.start, s.end, s.label, s.source) for s in project.spans(doc_id)}


def test_annotate_undo_redo_accept_and_find_it_all_in_the_file(qtbot, make_window, tmp_path):
    project_path = tmp_path / "demo.nerdesk"
    window = make_window()
    window.new_project(project_path)
    for name in ("ORG", "LOC", "PER"):
        window.add_label(_label(name))
    window.import_files([str(write_import_file(tmp_path))], "jsonl")
    assert window.documents.model.rowCount() == 2
    view, session = window.view, window.session
    assert session.document is not None and session.document.text == TEXT
    doc_id = session.document.id

    university = TEXT.index("北京大学")
    select_with_keyboard(qtbot, view, university, 4)
    press(view, Qt.Key.Key_1, "1")  # ORG
    select_with_keyboard(qtbot, view, university, 2)
    press(view, Qt.Key.Key_2, "2")  # LOC, nested inside the ORG
    nyu = TEXT.index("New York University")
    select_with_keyboard(qtbot, view, nyu, len("New York University"))
    press(view, Qt.Key.Key_3, "3")  # PER (wrong on purpose)
    press(view, Qt.Key.Key_1, "1")  # relabel the selected span as ORG
    emoji = TEXT.index("😀")
    select_with_keyboard(qtbot, view, emoji, 1)
    press(view, Qt.Key.Key_3, "3")
    press(view, Qt.Key.Key_Delete)  # delete the emoji span again
    expected = {(university, university + 4, "ORG", "gold"), (university, university + 2, "LOC", "gold"),
                (nyu, nyu + 19, "ORG", "gold")}
    assert db_spans(project_path, doc_id) == expected

    press_shortcut(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the delete
    assert (emoji, emoji + 1, "PER", "gold") in db_spans(project_path, doc_id)
    press_shortcut(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # redo it
    assert db_spans(project_path, doc_id) == expected

    york = TEXT.index("New York")
    session.project.replace_predictions(doc_id, [Span(york, york + 8, "LOC", "pred", 0.93)], "tiny-1")
    session.open_document(doc_id)
    click_character(qtbot, view, york)
    assert view.selected_span() == Span(york, york + 8, "LOC", "pred", 0.93, "tiny-1")
    press(view, Qt.Key.Key_A, "a")  # accept the prediction
    expected.add((york, york + 8, "LOC", "gold"))
    assert db_spans(project_path, doc_id) == expected

    window.close()
    reopened = make_window()
    reopened.open_project(project_path)
    assert reopened.session.document.id == doc_id
    assert {(s.start, s.end, s.label, s.source) for s in reopened.view.spans} == expected
    assert {TEXT[s.start:s.end] for s in reopened.view.spans} == {"北京大学", "北京", "New York University",
                                                                 "New York"}


def test_undo_works_after_switching_documents(qtbot, make_window, tmp_path):
    project_path = tmp_path / "two.nerdesk"
    with Project.create(project_path) as project:
        project.add_label("LOC")
        first, second = project.add_documents([Document(TEXT), Document(SECOND)])
    window = make_window()
    window.open_project(project_path)
    shanghai = SECOND.index("上海")
    window.open_document(second)
    select_with_keyboard(qtbot, window.view, shanghai, 2)
    press(window.view, Qt.Key.Key_1, "1")
    window.open_document(first)
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_spans(project_path, second) == set()
    assert window.session.doc_id == second  # undo shows the document it changed


def test_mark_reviewed_and_next_with_ctrl_enter(qtbot, make_window, tmp_path):
    project_path = tmp_path / "review.nerdesk"
    with Project.create(project_path) as project:
        first, second = project.add_documents([Document(TEXT), Document(SECOND)])
    window = make_window()
    window.open_project(project_path)
    press_shortcut(qtbot, window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == second
    with Project.open(project_path) as project:
        assert project.document(first).status == "reviewed"
    press_shortcut(qtbot, window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Project.open(project_path) as project:
        assert project.document(first).status == "new"


def test_errors_become_message_boxes(qtbot, make_window, tmp_path):
    window = make_window()
    window.open_project(tmp_path / "missing.nerdesk")
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "does not exist" in box.text()


def _label(name):
    from nerdesk.core.labels import Label

    return Label(name, {"ORG": "#e6194b", "LOC": "#3cb44b", "PER": "#4363d8"}[name], None)


def test_the_window_process_never_loads_torch_or_transformers(tmp_path):
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from nerdesk.gui.app import create_application\n"
        "app = create_application([])\n"
        "from nerdesk.gui.main_window import MainWindow\n"
        f"window = MainWindow(QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat), "
        f"{str(tmp_path / 'p.json')!r})\n"
        f"window.new_project({str(tmp_path / 'p.nerdesk')!r})\n"
        "window.show(); app.processEvents()\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout
    assert output.strip().splitlines()[-1] == "[]"


def test_retrain_tooltips_promise_activation_only_through_the_evaluation_set(make_window):
    window = make_window()
    for tip in (window.actions.retrain.statusTip(), window.retrain_panel.retrain_button.toolTip()):
        assert "only if it scores better on the evaluation set" in tip
        assert "make it active" not in tip
