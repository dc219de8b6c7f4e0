"""Label names are one line of visible text of at most 100 characters: control characters, line breaks, empty
names, spaces at the ends and longer names are refused where labels are created, renamed and imported, with an
error naming the label (and the record, on import) that changes nothing stored."""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main
from nerdesk.core import Document, NerdeskError, Span
from nerdesk.core.errors import SpanError
from nerdesk.core.labels import NAME_LIMIT, Label, LabelSet, label_name_problem
from nerdesk.storage import Project

REFUSED = {
    "NUL": ("P\x00R", "holds the control character U+0000 at character 1"),
    "newline": ("PER\nSON", "holds the control character U+000A at character 3"),
    "carriage return": ("PER\r", "has spaces at its start or end"),
    "inner carriage return": ("PE\rR", "holds the control character U+000D at character 2"),
    "tab": ("A\tB", "holds the control character U+0009 at character 1"),
    "next line": ("A\x85B", "holds the control character U+0085 at character 1"),
    "line separator": ("A\u2028B", "holds the control character U+2028 at character 1"),
    "DEL": ("A\x7f", "holds the control character U+007F at character 1"),
    "empty": ("", "is empty"),
    "blank": ("   ", "is empty"),
    "leading space": (" PER", "has spaces at its start or end"),
    "trailing space": ("PER ", "has spaces at its start or end"),
    "too long": ("X" * (NAME_LIMIT + 1), f"has {NAME_LIMIT + 1} characters; keep it to {NAME_LIMIT}"),
    "ten thousand": ("X" * 10_000, f"has 10000 characters; keep it to {NAME_LIMIT}"),
    "not text": (7, "is int, not text"),
}
ACCEPTED = ["PER", "X" * NAME_LIMIT, "疾病", "B-cell line", "X,Y", "a/b: c", "😀 emoji", "é"]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_name_is_refused_with_what_is_wrong(case):
    name, problem = REFUSED[case]
    assert label_name_problem(name) == problem
    with pytest.raises(NerdeskError) as caught:
        LabelSet().add(name)
    assert caught.value.code == "E011" and problem in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_names_are_accepted(name):
    assert label_name_problem(name) is None
    assert LabelSet().add(name).name == name


def test_a_rename_is_checked_and_a_stored_name_can_still_be_recoloured():
    labels = LabelSet([Label("A\tB", "#000000"), Label("PER", "#111111")])  # written before names were checked
    with pytest.raises(NerdeskError, match="U\\+000A") as caught:
        labels.update("PER", name="PER\nX")
    assert caught.value.code == "E011" and labels.names == ["A\tB", "PER"]
    assert labels.update("A\tB", color="#222222").color == "#222222"
    assert labels.add("A\tB").color == "#222222"  # an existing label is found, not refused
    assert labels.update("A\tB", name="A B").name == "A B"


def test_the_project_refuses_a_bad_label_and_keeps_its_own(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_label("PER")
        for name in ("P\x00R", " LOC", "X" * 101):
            with pytest.raises(NerdeskError) as caught:
                project.add_label(name)
            assert caught.value.code == "E011"
        with pytest.raises(NerdeskError):
            project.update_label("PER", new_name="PER\n")
        assert project.label_set().names == ["PER"]


def test_storing_documents_with_a_bad_span_label_names_the_document_and_stores_nothing(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_documents([Document("kept", [Span(0, 4, "PER")])])
        good, bad = Document("Alice", [Span(0, 5, "PER")]), Document("Bob", [Span(0, 3, "P\x00R")])
        with pytest.raises(SpanError) as caught:
            project.add_documents([good, bad])
        assert caught.value.code == "E011"
        assert str(caught.value) == ("document 2: span 0..3: label name 'P\\x00R' holds the control character "
                                     "U+0000 at character 1; fix the source file, nothing was stored")
        with pytest.raises(NerdeskError) as declared:
            project.add_documents([good], labels=["LOC", "A\nB"])
        assert declared.value.code == "E011" and "declares the label 'A\\nB'" in str(declared.value)
        assert [doc.text for doc in project.all_documents()] == ["kept"] and project.label_set().names == ["PER"]


@pytest.mark.parametrize(("label", "expected"), [
    ("P\u0000R", "label name 'P\\x00R' holds the control character U+0000"),
    ("A\nB", "label name 'A\\nB' holds the control character U+000A"),
    ("X" * 10_000, "has 10000 characters; keep it to 100"),
], ids=["NUL", "newline", "long"])
def test_importing_a_file_with_a_bad_label_says_which_and_changes_nothing(tmp_path, capsys, label, expected):
    project = tmp_path / "p.nerdesk"
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "PER"}]}) + "\n",
                    encoding="utf-8")
    assert main(["import", str(project), str(good)]) == 0
    bad = tmp_path / "bad.jsonl"
    records = [{"text": "Carol", "spans": [{"start": 0, "end": 5, "label": "PER"}]},
               {"text": "Dave met Bob.", "spans": [{"start": 9, "end": 12, "label": label}]}]
    bad.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(project), str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "nerdesk: error E100: 1 bad record; nothing was imported:"  # each bad record listed, as others
    assert err[1].startswith(f"  E011 {bad}, line 2, record 2: ") and expected in err[1] and len(err) == 2
    with Project.open(project) as opened:
        assert [doc.text for doc in opened.all_documents()] == ["Alice met Bob."]
        assert opened.label_set().names == ["PER"]


def test_every_bad_label_and_lone_surrogate_of_several_files_is_listed_with_its_place(tmp_path, capsys):
    # Only the first was reported, as "document 502" counted across files, without its file or line.
    good = tmp_path / "a.jsonl"
    good.write_text(json.dumps({"text": "a b", "spans": []}) + "\n", encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"text": f"doc {n}", "spans": [{"start": 0, "end": 3, "label": label}]}) + "\n"
                              for n, label in enumerate(["X", "L" * 101, "X\tY", "X"])), encoding="utf-8")
    lone = tmp_path / "lone.jsonl"
    lone.write_text(json.dumps({"text": "ab\udc00c", "spans": []}) + "\n", encoding="utf-8")
    assert main(["import", str(tmp_path / "p.nerdesk"), str(good), str(labels), str(lone)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "nerdesk: error E100: 3 bad records; nothing was imported:"
    assert [line.split(":")[0] for line in err[1:]] == [f"  E011 {labels}, line 2, record 2",
                                                        f"  E011 {labels}, line 3, record 3", f"  E233 {lone}, record 1"]
    assert not (tmp_path / "p.nerdesk").exists()
