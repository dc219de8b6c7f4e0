"""Status bar messages longer than the room beside its permanent marks end with "…" and are whole in its tooltip."""

from __future__ import annotations

from nerdesk.core.document import Document
from nerdesk.storage.project import Project

LONG = ("Latin-script document, but the active model was trained on Chinese (CJK) text: expect wrong predictions. "
        "The embedded model en-general-conll fits this document; en-bio-genia is also trained on such text.")


def test_a_long_message_is_elided_and_whole_in_the_tooltip(make_window, qtbot, tmp_path):
    path = tmp_path / "bar.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("Phil Simmons took four for 38 on Friday.")])
    window = make_window()
    window.resize(1280, 720)
    window.open_project(path)
    window.script_warning.setVisible(True)  # the scripts mark takes its room too
    bar = window.statusBar()
    qtbot.waitUntil(lambda: window.script_warning.width() > 100, timeout=2000)
    bar.showMessage(LONG, 6000)
    shown = bar.shown_message()
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= window.script_warning.x()  # ends before the mark
    assert bar.toolTip() == LONG and bar.currentMessage() == LONG
    bar.showMessage("Document 1 marked reviewed", 6000)
    assert bar.shown_message() == "Document 1 marked reviewed" and not bar.toolTip()
    bar.showMessage(LONG, 6000)
    bar.clearMessage()
    assert not bar.toolTip() and bar.currentMessage() == ""
