"""A new search or filter starts at the top of the document list."""

from __future__ import annotations

from nerdesk.core.document import Document
from nerdesk.storage.project import Project


def open_window(make_window, tmp_path, documents):
    path = tmp_path / "keys.nerdesk"
    with Project.create(path) as project:
        project.add_label("GPE", "#0072b2", "g")
        project.add_label("PER", "#e69f00", "p")
        project.add_documents(documents)
    window = make_window()
    window.open_project(path)
    return window


def test_a_new_search_shows_the_top_of_the_list(qtbot, make_window, tmp_path):
    documents = [Document(f"{n} Paris" + (" Rome" if n % 2 else "")) for n in range(120)]
    window = open_window(make_window, tmp_path, documents)
    scroll_bar = window.documents.table.verticalScrollBar()
    scroll_bar.setValue(scroll_bar.maximum())
    assert scroll_bar.value() > 0
    qtbot.keyClicks(window.documents.search, "Rome")
    qtbot.waitUntil(lambda: window.documents.model.total == 60, timeout=3000)
    assert scroll_bar.value() == 0
