"""The script-mismatch notice in the Model panel keeps to one line, so the Labels and Spans tables keep their rows.

At 1280x720 the notice wrapped to three lines above its own *Use …* line and took about 100 px for as long as
an English document was open under the Chinese model (the demo project), leaving the Labels table under five
rows. It is now one line, cut short with "…", its button beside it; the whole text is in its tooltip and a click
unfolds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_english import install_english_model
from PySide6.QtCore import Qt

from nerdesk.core.document import Document
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import GENERAL_EN, GENERAL_ZH, MODELS_ENV, embedded_model, models_dir
from nerdesk.workflows.models import register_bundle

ENGLISH = "However, the patient was given interleukin 2 at the hospital in Boston last week."
CHINESE = "张伟在北京大学读书，后来去了上海工作。"
LABELS = ["PER", "LOC", "ORG", "MISC", "DATE", "TIME", "MONEY", "PERCENT", "EVENT"]


@pytest.fixture
def english_under_chinese_model(tmp_path, monkeypatch, tmp_path_factory) -> Path:
    """A project with the embedded Chinese model active, nine labels, and one English document (its first)."""
    real = models_dir() / GENERAL_ZH
    if not (real / "bundle.json").is_file():
        pytest.skip(f"the embedded model {GENERAL_ZH} is not built")
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / GENERAL_ZH).symlink_to(real.resolve(), target_is_directory=True)
    install_english_model(folder, tmp_path_factory)
    monkeypatch.setenv(MODELS_ENV, str(folder))
    path = tmp_path / "notice.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(ENGLISH), Document(CHINESE)])
        register_bundle(project, embedded_model(GENERAL_ZH), activate=True)
        for name in LABELS:
            project.add_label(name)
    return path


def shown_rows(table) -> float:
    return table.viewport().height() / table.sizeHintForRow(0)


def test_the_notice_is_one_line_beside_its_button_and_unfolds_on_a_click(make_window, english_under_chinese_model,
                                                                          qtbot):
    window = make_window()
    window.resize(1280, 720)
    window.open_project(english_under_chinese_model)
    window.open_document(window.documents.model.doc_id(0))
    panel = window.model_panel
    notice, button = panel.script_notice, panel.use_suggested
    qtbot.waitUntil(notice.isVisible)
    qtbot.wait(50)
    window.grab().save(str(english_under_chinese_model.with_suffix(".png")))
    line = notice.fontMetrics().height()
    assert notice.height() < 2 * line  # one line (and its padding), not three
    assert button.isVisible() and button.text() == f"Use {GENERAL_EN}"
    assert abs(button.geometry().center().y() - notice.geometry().center().y()) < line  # on the same line
    assert "Chinese (CJK) text" in notice.toolTip() and f"{GENERAL_EN} fits this document" in notice.toolTip()
    assert notice.width() < notice.fontMetrics().horizontalAdvance(notice.text())  # cut short, not widening
    assert shown_rows(window.palette.table) >= 6.5
    assert window.script_warning.isVisible()  # the status bar's mark stays as well

    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notice.height() > 2 * line)
    assert notice.height() >= notice.heightForWidth(notice.width())  # unfolded: every line of it shows
    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notice.height() < 2 * line)
