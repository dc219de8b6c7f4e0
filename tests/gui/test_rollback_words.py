"""A roll-back in Model versions is said in the Retrain panel and the status bar with the version's short
name (v1, as nerdesk activate takes it), and counts only the documents predicted again."""

from __future__ import annotations

import shutil

from fixtures_bundle import sentence_documents, shared_tiny_bundle

from nerdesk.core import Document
from nerdesk.storage import Project

OLDER, NEWER = "v1-20261204-230208@3fa2aa", "v2-20261205-010101@4bb1cc"


def test_a_roll_back_names_the_version_it_made_active(qtbot, make_window, tmp_path_factory, tmp_path):
    bundle = shared_tiny_bundle(tmp_path_factory)
    path = tmp_path / "notes.nerdesk"
    with Project.create(path) as project:
        documents = sentence_documents()[:2]
        for document in documents:
            document.status, document.split = "reviewed", "eval"
        project.add_documents([*documents, Document("李娜去了上海。")])
        older = project.register_model(name=OLDER, bundle_path=bundle, metrics={}, settings={}, trained_on={})
        newer = project.register_model(name=NEWER, bundle_path=shutil.copytree(bundle, tmp_path / "v2"),
                                       metrics={}, settings={}, trained_on={})
        project.set_active_model(newer)
    window = make_window()
    window.open_project(path)
    panel = window.retrain_panel

    with qtbot.waitSignal(panel.repredicted, timeout=60_000) as predicted:
        window.versions_panel.activate(older)
        assert panel.status.text() == "v1 is now the active model. Predicting the unreviewed documents…"

    assert predicted.args == [1]
    assert panel.status.text() == "v1 is now the active model. 1 unreviewed document predicted again."
    assert window.statusBar().currentMessage() == "v1 active; 1 unreviewed document predicted again"
