"""A project that cannot be written says so as it opens, before the annotator's first key is refused."""

from __future__ import annotations

import os
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.storage.project import Project


def test_a_read_only_project_is_marked_in_the_title_and_the_status_bar(make_window, tmp_path, monkeypatch):
    """As root every file is writable, so the permission check is made to answer as for a user."""
    path = tmp_path / "shared.nerdesk"
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "p")
        project.add_documents([Document("Greta flew to Paris.")])
    writable = tmp_path / "mine.nerdesk"
    with Project.create(writable) as project:
        project.add_documents([Document("Rome.")])
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path and mode == os.W_OK
                        else real_access(p, mode))
    window = make_window()
    window.open_project(path)
    assert "shared.nerdesk (read-only)" in window.windowTitle()
    assert window.read_only_mark.isVisible()
    message = window.statusBar().currentMessage()
    assert "the file cannot be written" in message and "copy the project" in message
    window.open_project(writable)
    assert "(read-only)" not in window.windowTitle() and not window.read_only_mark.isVisible()
