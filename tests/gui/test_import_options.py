"""Reader options through the window, as ``nerdesk import`` has them: a Label Studio file whose text field
cannot be guessed asks which field holds the text and imports it; Prodigy's rejected and ignored examples
are imported as not reviewed when the import dialog says all examples."""

from __future__ import annotations

import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nerdesk.gui.import_choices import TextFieldDialog
from nerdesk.gui.transfer_dialogs import ImportDialog, WarningsDialog
from nerdesk.storage.project import Project

TASKS = [{"id": 1, "data": {"title": "Paris trip", "body": "Greta flew to Paris on Monday."}},
         {"id": 2, "data": {"title": "Rome", "body": "Marco stayed in Rome."}}]
PRODIGY = [{"text": "Greta flew to Paris.", "spans": [{"start": 0, "end": 5, "label": "PER"}], "answer": "accept"},
           {"text": "Paris is nice.", "spans": [], "answer": "reject"},
           {"text": "Not sure about Rome.", "spans": [], "answer": "ignore"}]


def visible(kind):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)


def when_shown(kind, act, tries: int = 100):
    """Run ``act`` on the dialog of ``kind`` once it is shown (a modal dialog blocks the caller); give up
    after ``tries`` looks 20 ms apart."""
    def attempt(left: int):
        dialog = visible(kind)
        if dialog is not None:
            act(dialog)
        elif left:
            QTimer.singleShot(20, lambda: attempt(left - 1))
    QTimer.singleShot(20, lambda: attempt(tries))


def documents(path):
    with Project.open(path) as project:
        return sorted(project.all_documents(), key=lambda doc: doc.text)


def window_on_new_project(make_window, project):
    """A window on a new, empty project at ``project``, ready to import into."""
    window = make_window()
    window.new_project(project)
    return window


def json_lines_file(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def ambiguous_file(tmp_path):
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(TASKS), encoding="utf-8")
    return source


def test_an_undecided_text_field_is_asked_for_and_the_chosen_field_imported(make_window, tmp_path):
    source, project = ambiguous_file(tmp_path), tmp_path / "ls.nerdesk"
    window = window_on_new_project(make_window, project)
    offered = []

    def choose_title(dialog):
        offered.extend(dialog.fields.item(row).data(256) for row in range(dialog.fields.count()))
        assert dialog.chosen_field() == "body"  # the longest text is chosen to begin with
        dialog.fields.setCurrentRow(offered.index("title"))
        dialog.accept()

    when_shown(TextFieldDialog, choose_title)
    window.import_files([str(source)], "label-studio")
    assert offered == ["title", "body"]
    docs = documents(project)
    assert [doc.text for doc in docs] == ["Paris trip", "Rome"]
    assert docs[0].meta["data"] == {"body": "Greta flew to Paris on Monday."}
    assert "field title" in window.statusBar().currentMessage()
    assert visible(WarningsDialog) is None


def test_the_field_can_be_chosen_from_the_import_dialog_path_too(make_window, tmp_path):
    source, project = ambiguous_file(tmp_path), tmp_path / "ls.nerdesk"
    window = window_on_new_project(make_window, project)

    def fill_in(dialog):
        dialog.files.edit.setText(str(source))
        dialog.format.setCurrentIndex(dialog.format.findData("label-studio"))
        assert not dialog.answers.isEnabled()  # a Prodigy option, not Label Studio's
        dialog.accept()

    when_shown(ImportDialog, fill_in)
    when_shown(TextFieldDialog, lambda dialog: dialog.accept())
    window.actions.import_files.trigger()
    assert [doc.text for doc in documents(project)] == ["Greta flew to Paris on Monday.", "Marco stayed in Rome."]


def test_cancelling_the_choice_imports_nothing_and_shows_no_error(make_window, tmp_path):
    source, project = ambiguous_file(tmp_path), tmp_path / "ls.nerdesk"
    window = window_on_new_project(make_window, project)
    when_shown(TextFieldDialog, lambda dialog: dialog.reject())
    window.import_files([str(source)], "label-studio")
    assert documents(project) == []
    assert visible(WarningsDialog) is None
    assert "cancelled" in window.statusBar().currentMessage()


def test_a_text_field_given_as_an_option_asks_nothing(make_window, tmp_path):
    source, project = ambiguous_file(tmp_path), tmp_path / "ls.nerdesk"
    window = window_on_new_project(make_window, project)
    window.import_files([str(source)], "label-studio", text_field="body")
    assert [doc.text for doc in documents(project)] == ["Greta flew to Paris on Monday.", "Marco stayed in Rome."]


def prodigy_file(tmp_path):
    return json_lines_file(tmp_path / "prodigy.jsonl", PRODIGY)


def test_prodigy_all_answers_from_the_import_dialog_keeps_rejected_ones_not_reviewed(make_window, tmp_path):
    source, project = prodigy_file(tmp_path), tmp_path / "prodigy.nerdesk"
    window = window_on_new_project(make_window, project)

    def fill_in(dialog):
        dialog.files.edit.setText(str(source))
        dialog.format.setCurrentIndex(dialog.format.findData("cluener"))
        assert not dialog.answers.isEnabled()
        dialog.format.setCurrentIndex(dialog.format.findData(None))  # detection may find Prodigy
        assert dialog.answers.isEnabled()
        dialog.answers.setCurrentIndex(dialog.answers.findData("all"))
        dialog.accept()

    when_shown(ImportDialog, fill_in)
    window.actions.import_files.trigger()
    status = {doc.text: (doc.status, doc.meta.get("answer")) for doc in documents(project)}
    assert status == {"Greta flew to Paris.": ("reviewed", None), "Paris is nice.": ("new", "reject"),
                      "Not sure about Rome.": ("new", "ignore")}


def test_prodigy_answers_default_to_accepted_and_pass_as_an_option(make_window, tmp_path):
    source = prodigy_file(tmp_path)
    window = make_window()
    window.new_project(tmp_path / "accepted.nerdesk")
    window.import_files([str(source)], "spacy")
    assert [doc.text for doc in documents(tmp_path / "accepted.nerdesk")] == ["Greta flew to Paris."]
    window.new_project(tmp_path / "all.nerdesk")
    window.import_files([str(source)], "spacy", answers="all")
    docs = documents(tmp_path / "all.nerdesk")
    assert [doc.status for doc in docs] == ["reviewed", "new", "new"]


FAMILY = "👨‍👩‍👧 met Zoë"  # doccano counting grapheme clusters: the family is one, so Zoë is 6..9 (UTF-16: 11..14)


def test_doccano_grapheme_offsets_from_the_import_and_export_dialogs(make_window, tmp_path):
    from nerdesk.gui.transfer_dialogs import ExportDialog

    source, project = tmp_path / "doccano.jsonl", tmp_path / "doccano.nerdesk"
    json_lines_file(source, [{"text": FAMILY, "label": [[6, 9, "PER"]]}])
    window = window_on_new_project(make_window, project)

    def fill_in(dialog):
        dialog.files.edit.setText(str(source))
        dialog.format.setCurrentIndex(dialog.format.findData("cluener"))
        assert not dialog.offsets.isEnabled()
        dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
        dialog.offsets.setCurrentIndex(dialog.offsets.findData("graphemes"))
        assert dialog.chosen_options() == {"offsets": "graphemes"}
        dialog.accept()

    when_shown(ImportDialog, fill_in)
    window.actions.import_files.trigger()
    (document,) = documents(project)
    assert [span.mention(document.text) for span in document.spans] == ["Zoë"]

    target = tmp_path / "again.jsonl"

    def export_in_graphemes(dialog):
        dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
        dialog.path.edit.setText(str(target))
        dialog.offsets.setCurrentIndex(dialog.offsets.findData("graphemes"))
        dialog.accept()

    when_shown(ExportDialog, export_in_graphemes)
    window.actions.export_files.trigger()
    written = json.loads(target.read_text(encoding="utf-8"))
    assert [span[:2] for span in written["label"]] == [[6, 9]]
