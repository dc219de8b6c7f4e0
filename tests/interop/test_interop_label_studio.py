"""Label Studio files against label-studio-sdk: its LabelInterface validates what nerdesk writes and its
converter reads it; real-export quirks (display text, UTF-16, several data fields) import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems
from nerdesk.core.spans import GOLD, PRED, Span
from nerdesk.formats import read_file, write_file

label_interface = pytest.importorskip("label_studio_sdk.label_interface")
converter = pytest.importorskip("label_studio_sdk.converter")

CONFIG = """<View>
  <Labels name="ner" toName="content"><Label value="LOC"/><Label value="PER"/><Label value="ORG"/></Labels>
  <Text name="content" value="$content"/>
</View>"""


def result(start, end, mention, label, from_name="ner", to_name="content"):
    return {"from_name": from_name, "to_name": to_name, "type": "labels",
            "value": {"start": start, "end": end, "text": mention, "labels": [label]}}


def put(path: Path, tasks) -> Path:
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def test_display_text_differs_offsets_are_trusted(tmp_path):
    text = "Visit  New\nYork and Paris."
    tasks = [{"id": 1, "data": {"content": text}, "annotations": [{"result": [
        result(5, 15, " New York", "LOC"),  # collapsed: two spaces and a break shown as one space
        result(7, 15, "New\\nYork", "LOC"),  # the break arrives as a literal backslash-n
        result(20, 25, "Paris", "LOC")]}]}]
    imported = read_file(put(tmp_path / "ls.json", tasks))
    doc = imported.documents[0]
    assert sorted(s.key for s in doc.spans) == [(5, 15, "LOC"), (7, 15, "LOC"), (20, 25, "LOC")]
    assert any("2 spans have a value.text that differs" in w for w in imported.warnings)


def test_real_mismatch_is_still_refused(tmp_path):
    tasks = [{"data": {"text": "Visit Paris"}, "annotations": [{"result": [result(6, 11, "Rome", "LOC")]}]}]
    with pytest.raises(ImportProblems, match="Rome") as caught:
        read_file(put(tmp_path / "ls.json", tasks))
    assert caught.value.code == "E100"


def test_utf16_offsets_near_the_end_of_a_text_with_astral_characters(tmp_path):
    text = "😀😀 Berlin"  # Berlin is 3..9 in code points, 5..11 in UTF-16 units (past the code-point length)
    tasks = [{"data": {"text": text}, "annotations": [{"result": [result(5, 11, "Berlin", "LOC")]}]}]
    imported = read_file(put(tmp_path / "ls.json", tasks))
    assert [s.key for s in imported.documents[0].spans] == [(3, 9, "LOC")]
    assert any("UTF-16" in w for w in imported.warnings)


def test_several_data_fields_pick_to_name_and_keep_names(tmp_path):
    tasks = [{"id": 42, "data": {"title": "A title", "content": "Ann lives in Oslo"},
              "annotations": [{"result": [result(0, 3, "Ann", "PER"), result(13, 17, "Oslo", "LOC")]}]}]
    doc = read_file(put(tmp_path / "ls.json", tasks)).documents[0]
    assert doc.text == "Ann lives in Oslo"
    assert doc.meta["data"] == {"title": "A title"}
    write_file([doc], tmp_path / "out.json", "label-studio")
    task = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]
    assert task["id"] == 42 and task["data"] == {"title": "A title", "content": "Ann lives in Oslo"}
    results = task["annotations"][0]["result"]
    assert {(r["from_name"], r["to_name"]) for r in results} == {("ner", "content")}
    interface = label_interface.LabelInterface(CONFIG)
    assert interface.validate_annotation(task["annotations"][0]) is True


def test_export_validates_and_converts_with_the_sdk(tmp_path):
    gold = Document(text="Ann met Bob in Oslo", spans=[Span(0, 3, "PER"), Span(15, 19, "LOC")],
                    meta={"doc_id": "d1", "sent_id": "d1.s1", "tokens": ["Ann", "met", "Bob", "in", "Oslo"],
                          "data": {}, "text_key": "content", "label_studio": {"from_name": "ner"}},
                    status="reviewed")
    pred = Document(text="Eve in Rome", spans=[Span(0, 3, "PER"), Span(7, 11, "LOC", PRED, 0.9, "m1")],
                    meta={"text_key": "content", "label_studio": {"from_name": "ner"}}, status="in-progress")
    path = tmp_path / "tasks.json"
    write_file([gold, pred], path, "label-studio")
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert [t["id"] for t in tasks] == [1, 2]
    assert tasks[0]["meta"] == {"doc_id": "d1", "sent_id": "d1.s1", "tokens": ["Ann", "met", "Bob", "in", "Oslo"]}
    assert "doc_id" not in tasks[0] and "tokens" not in tasks[0]
    interface = label_interface.LabelInterface(CONFIG)
    assert interface.validate_annotation(tasks[0]["annotations"][0]) is True
    # the unreviewed gold span (a pre-annotation) and the model's prediction
    assert tasks[1]["annotations"] == [] and len(tasks[1]["predictions"]) == 2
    assert all(interface.validate_prediction(p, return_errors=True) == [] for p in tasks[1]["predictions"])

    conv = converter.Converter(config=CONFIG, project_dir=str(tmp_path))
    conv.convert(str(path), str(tmp_path / "min"), "JSON_MIN", is_dir=False)
    records = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    assert records[0]["id"] == 1
    assert [(e["start"], e["end"], e["labels"]) for e in records[0]["ner"]] == [(0, 3, ["PER"]), (15, 19, ["LOC"])]
    conv.convert(str(path), str(tmp_path / "conll"), "CONLL2003", is_dir=False)
    conll = (tmp_path / "conll" / "result.conll").read_text(encoding="utf-8")
    assert "Ann -X- _ B-PER" in conll and "Oslo -X- _ B-LOC" in conll

    back = read_file(path).documents
    assert back[0].meta["doc_id"] == "d1" and back[0].meta["tokens"][0] == "Ann"
    assert [(s.key, s.source) for s in back[0].spans] == [((0, 3, "PER"), GOLD), ((15, 19, "LOC"), GOLD)]
    assert [(d.status, sorted((s.key, s.source) for s in d.spans)) for d in back[1:]] == [
        ("in-progress", [((0, 3, "PER"), GOLD), ((7, 11, "LOC"), PRED)])]


def test_the_sdks_json_min_export_reads_back(tmp_path):
    docs = [Document(text="Zoë 😀 met Ann in São Paulo", spans=[Span(0, 3, "PER"), Span(10, 13, "PER"),
                                                               Span(17, 26, "LOC")],
                     meta={"text_key": "content", "data": {"title": "t1"}, "label_studio": {"from_name": "ner"}},
                     status="reviewed"),
            Document(text="Nothing here", meta={"text_key": "content", "data": {"title": "t2"},
                                                "label_studio": {"from_name": "ner"}}, status="reviewed")]
    write_file(docs, tmp_path / "tasks.json", "label-studio")
    conv = converter.Converter(config=CONFIG, project_dir=str(tmp_path))
    conv.convert(str(tmp_path / "tasks.json"), str(tmp_path / "min"), "JSON_MIN", is_dir=False)
    back = read_file(tmp_path / "min" / "result.json")
    assert back.format == "label-studio"
    # JSON-MIN tells a checked task without spans from an unchecked one only by its annotation_id, which
    # Label Studio gives every annotation and nerdesk's files (imported into Label Studio) do not carry.
    assert [(d.text, d.status, d.meta["data"]) for d in back.documents] == [
        (docs[0].text, "reviewed", {"title": "t1"}), (docs[1].text, "new", {"title": "t2"})]
    assert [s.key for s in back.documents[0].spans] == [s.key for s in docs[0].spans]


def test_json_min_answers_of_choices_and_text_areas_do_not_split_a_task(tmp_path):
    # JSON-MIN flattens each control tag's answer into the record under its name (Choices -> "Positive"), so
    # the records of one task's two annotations differ in those fields: they are answers, not task data.
    text = "Apple 🍎 opened in 北京 and Paris.\nTim Cook spoke."
    spans = [result(text.index(m), text.index(m) + len(m), m, label) for m, label in
             [("Apple", "ORG"), ("北京", "LOC"), ("Tim Cook", "PER")]]
    answers = [{"from_name": "sentiment", "to_name": "content", "type": "choices", "value": {"choices": ["Positive"]}},
               {"from_name": "notes", "to_name": "content", "type": "textarea", "value": {"text": ["check 北京"]}}]
    tasks = [{"id": 7, "data": {"content": text, "lang": "en"}, "annotations": [
        {"id": 70, "completed_by": 1, "lead_time": 5.0, "result": spans + answers},
        {"id": 71, "completed_by": 2, "lead_time": 4.0, "result": spans[:1]}]}]
    config = CONFIG.replace("</View>", '<Choices name="sentiment" toName="content"><Choice value="Positive"/>'
                                       '</Choices><TextArea name="notes" toName="content"/></View>')
    conv = converter.Converter(config=config, project_dir=str(tmp_path))
    conv.convert(str(put(tmp_path / "tasks.json", tasks)), str(tmp_path / "min"), "JSON_MIN", is_dir=False)
    back = read_file(tmp_path / "min" / "result.json")
    (doc,) = back.documents
    assert doc.text == text and doc.status == "reviewed" and doc.meta["data"] == {"lang": "en"}
    assert sorted(s.mention(text) for s in doc.spans) == ["Apple", "Tim Cook", "北京"]
    assert "2 results that are not text spans (choices, relations, ...) were skipped" in back.warnings
