"""Label display names and descriptions in the project file: the schema step that adds them, an
older project opening and migrating, the storage API, and names brought by a model bundle."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from nerdesk.core import Document, Span
from nerdesk.core.errors import ProjectError
from nerdesk.core.labels import Label
from nerdesk.storage import SCHEMA_VERSION, Project
from nerdesk.storage.labels import DISPLAY_NAME_LIMIT
from nerdesk.storage.schema import create_base_schema


def version_one_project(path) -> None:
    """A project file exactly as nerdesk wrote it before labels had display names (schema version 1)."""
    db = Database(sqlite3.connect(path))
    with db.conn:
        create_base_schema(db)
        db.table("labels").insert_all([{"name": "sym", "color": "#0072b2", "key": "1", "position": 0},
                                       {"name": "dis", "color": "#e69f00", "key": "2", "position": 1}])
        db.table("documents").insert({"text": "头痛三天。", "status": "reviewed", "length": 5, "meta": "{}",
                                      "created": "2026-01-01T00:00:00", "updated": "2026-01-01T00:00:00"})
        db.table("spans").insert({"doc_id": 1, "start": 0, "end": 2, "label": "sym", "source": "gold"})
    db.conn.close()


def test_an_old_project_opens_migrates_and_keeps_its_labels(tmp_path):
    path = tmp_path / "old.nerdesk"
    version_one_project(path)
    with Project.open(path) as project:
        assert project.schema_version == SCHEMA_VERSION >= 2
        labels = project.label_set()
        assert [(label.name, label.key, label.display_name, label.description) for label in labels] == \
            [("sym", "1", "", ""), ("dis", "2", "", "")]
        assert labels.get("sym").title == "sym"
        assert project.document(1).spans == [Span(0, 2, "sym")]
        project.update_label("sym", display_name="symptom", description="What the patient feels")
    assert path.with_name("old.nerdesk.bak-v1").is_file()
    with Project.open(path) as project:
        label = project.label_set().get("sym")
        assert (label.display_name, label.description, label.title) == \
            ("symptom", "What the patient feels", "sym — symptom")


def test_add_update_and_rename_keep_the_display_name(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_label("bod", display_name="body part", description="Organs, tissues, body regions")
        project.update_label("bod", new_name="body", color="#009e73")
        label = project.label_set().get("body")
        assert (label.display_name, label.description, label.color) == \
            ("body part", "Organs, tissues, body regions", "#009e73")
        project.update_label("body", display_name="")
        assert project.label_set().get("body").title == "body"


@pytest.mark.parametrize("fields, problem", [
    ({"display_name": "two\nlines"}, "one line"),
    ({"display_name": "x" * (DISPLAY_NAME_LIMIT + 1)}, f"keep it to {DISPLAY_NAME_LIMIT}"),
    ({"description": "y" * 501}, "keep it to 500"),
    ({"display_name": "bad \ud800"}, "lone surrogate"),
])
def test_unusable_display_names_are_refused_and_change_nothing(tmp_path, fields, problem):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_label("sym", display_name="symptom")
        with pytest.raises(ProjectError, match=problem) as caught:
            project.update_label("sym", **fields)
        assert caught.value.code == "E237"
        with pytest.raises(ProjectError, match=problem) as caught:
            project.add_label("dis", **fields)
        assert caught.value.code == "E237"
        assert project.label_set().labels == [Label("sym", project.label_set().get("sym").color, "1", "symptom")]


def test_names_a_model_brings_go_to_present_and_future_labels_but_not_over_the_users(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_label("sym", display_name="my symptom")
        project.add_label("dis")
        given = project.remember_label_names({"sym": ("symptom", ""), "dis": ("disease", "Diagnosed illness"),
                                              "dru": ("drug", "")})
        assert given == 1
        labels = project.label_set()
        assert labels.get("sym").display_name == "my symptom"
        assert (labels.get("dis").display_name, labels.get("dis").description) == ("disease", "Diagnosed illness")
        project.add_documents([Document("服用阿司匹林。", [Span(2, 6, "dru")])])  # the label joins with the span
        assert project.label_set().get("dru").title == "dru — drug"
    with Project.open(tmp_path / "p.nerdesk") as project:
        assert project.known_label_names()["dis"] == ("disease", "Diagnosed illness")


def test_a_bundle_that_names_its_labels_gives_the_names_to_the_project(tmp_path):
    import json
    import shutil

    from nerdesk.workflows.default_models import MEDICAL_ZH, embedded_model
    from nerdesk.workflows.models import register_bundle

    bundle = shutil.copytree(embedded_model(MEDICAL_ZH), tmp_path / "medical")
    manifest = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    for record in manifest["labels"]:
        record.pop("display_name", None)
        record.pop("description", None)
        if record["name"] == "sym":
            record.update(display_name="symptom", description="What the patient reports or shows")
    (bundle / "bundle.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_label("sym")
        register_bundle(project, bundle)
        assert project.label_set().get("sym").title == "sym — symptom"
        project.add_documents([Document("胸痛。", [Span(0, 2, "dis")])])
        assert project.label_set().get("dis").title == "dis"  # the bundle names only sym


def test_editing_a_display_name_is_one_undoable_step(tmp_path):
    from nerdesk.workflows.session import EditingSession

    path = tmp_path / "p.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document("头痛三天。", [Span(0, 2, "sym")])])
    session = EditingSession()
    session.open_project(path)
    session.update_label("sym", display_name="symptom", description="What the patient feels")
    assert session.labels.get("sym").title == "sym — symptom"
    session.update_label("sym", color="#009e73")  # keeps the display name
    assert session.labels.get("sym").description == "What the patient feels"
    assert session.undo() and session.undo()
    assert session.labels.get("sym").title == "sym"
    assert session.redo() and session.project.label_set().get("sym").display_name == "symptom"
    session.delete_label("sym")
    assert session.undo() and session.labels.get("sym").title == "sym — symptom"  # undone delete keeps it
    session.close_project()


def test_the_embedded_medical_model_names_its_abbreviated_labels():
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.workflows.default_models import MEDICAL_ZH, embedded_model

    labels = Bundle.load(embedded_model(MEDICAL_ZH)).labels
    titles = {label.name: label.title for label in labels}
    assert titles["sym"] == "sym — symptom"
    assert all(label.display_name for label in labels), titles
