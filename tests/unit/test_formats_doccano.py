"""doccano's export shapes (1.4 to 1.8): detection, reading, and writing back what doccano imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.formats import detect_format, read_file, write_file


def put(path: Path, *records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_intent_and_slot_shape_is_doccano_not_genia(tmp_path):
    path = put(tmp_path / "intent.jsonl",
               {"text": "fly to 😀 Oslo", "entities": [[10, 14, "CITY"]], "cats": ["book_flight"]})
    assert detect_format(path) == "doccano"
    doc = read_file(path).documents[0]
    assert [(s.mention(doc.text), s.label) for s in doc.spans] == [("Oslo", "CITY")]
    write_file([doc], tmp_path / "out.jsonl", "doccano")
    record = lines(tmp_path / "out.jsonl")[0]
    # doccano imports intent-and-slot projects with CategoryAndSpanDataset, which reads "cats" and
    # "entities" only: the "label" this test expected before lost the slots on import into doccano.
    assert record["cats"] == ["book_flight"] and record["entities"] == [[10, 14, "CITY"]]
    assert "label" not in record


def test_data_keyed_records_are_detected_and_written_once(tmp_path):
    path = put(tmp_path / "old.jsonl", {"id": 3, "data": "Ann in Oslo", "label": [[7, 11, "LOC"]]})
    assert detect_format(path) == "doccano"
    doc = read_file(path).documents[0]
    assert doc.text == "Ann in Oslo" and doc.meta == {"id": 3}
    write_file([doc], tmp_path / "out.jsonl", "doccano")
    assert lines(tmp_path / "out.jsonl") == [{"id": 3, "text": "Ann in Oslo", "label": [[7, 11, "LOC"]]}]


def test_relations_point_at_entities_written_with_ids(tmp_path):
    path = put(tmp_path / "rel.jsonl", {
        "id": 9, "text": "Ann works at Acme",
        "entities": [{"id": 101, "label": "PER", "start_offset": 0, "end_offset": 3},
                     {"id": 102, "label": "ORG", "start_offset": 13, "end_offset": 17}],
        "relations": [{"id": 7, "from_id": 101, "to_id": 102, "type": "works_at"}]})
    doc = read_file(path, "doccano").documents[0]
    doc.spans.append(Span(4, 9, "ACT"))  # an edit between import and export
    write_file([doc], tmp_path / "out.jsonl", "doccano")
    record = lines(tmp_path / "out.jsonl")[0]
    ids = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]}
    assert len(ids) == 3
    (relation,) = record["relations"]
    assert ids[relation["from_id"]] == (0, 3, "PER") and ids[relation["to_id"]] == (13, 17, "ORG")
    assert relation["type"] == "works_at"
    again = read_file(tmp_path / "out.jsonl", "doccano").documents[0]
    assert again.meta["relations"] == doc.meta["relations"]


def test_relation_to_a_deleted_span_is_dropped_with_a_warning(tmp_path):
    doc = Document(text="Ann works at Acme", spans=[Span(0, 3, "PER")],
                   meta={"relations": [{"id": 1, "type": "works_at", "from": [0, 3, "PER"], "to": [13, 17, "ORG"]}]})
    warnings = write_file([doc], tmp_path / "out.jsonl", "doccano")
    assert lines(tmp_path / "out.jsonl")[0]["relations"] == []
    assert any("1 relation points at spans that are no longer there and was not written" in w for w in warnings)


def test_every_record_of_a_relation_project_export_keeps_entities_and_relations(tmp_path):
    # doccano's RelationExtractionDataset reads only "entities" and "relations": records written with
    # "label" (those without relations, or documents added since) came back into doccano without spans.
    path = put(tmp_path / "rel.jsonl",
               {"id": 1, "text": "Nothing here.", "entities": [], "relations": [], "Comments": []},
               {"id": 4, "text": "Bob 😀 visited Rome.", "relations": [], "Comments": [], "entities": [
                   {"id": 20, "label": "PER", "start_offset": 0, "end_offset": 3},
                   {"id": 21, "label": "LOC", "start_offset": 15, "end_offset": 19}]})
    docs = [*read_file(path, "doccano").documents, Document(text="Ann in Oslo", spans=[Span(7, 11, "LOC")])]
    write_file(docs, tmp_path / "out.jsonl", "doccano")
    records = lines(tmp_path / "out.jsonl")
    assert all("label" not in r and r["relations"] == [] for r in records)
    assert [[(e["start_offset"], e["end_offset"], e["label"]) for e in r["entities"]] for r in records] == [
        [], [(0, 3, "PER"), (15, 19, "LOC")], [(7, 11, "LOC")]]
    assert [[s.key for s in d.spans] for d in read_file(tmp_path / "out.jsonl").documents] == [
        [s.key for s in d.spans] for d in docs]


def test_a_sequence_labelling_export_keeps_label(tmp_path):
    write_file([Document(text="Ann in Oslo", spans=[Span(7, 11, "LOC")])], tmp_path / "out.jsonl", "doccano")
    assert lines(tmp_path / "out.jsonl") == [{"text": "Ann in Oslo", "label": [[7, 11, "LOC"]]}]


def test_relations_without_ids_are_written_with_numbers_doccano_accepts(tmp_path):
    # doccano's own example (data_import/pipeline/examples/relation_extraction/example.jsonl) gives relations no
    # id; its RelationLabel declares "id: int = -1", so an "id": null fails validation and doccano drops the
    # relation without a word (LabelMaker.make catches the ValueError).
    path = put(tmp_path / "rel.jsonl", {
        "text": "Google was founded on September 4, 1998, by Larry Page and Sergey Brin.",
        "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"},
                     {"id": 1, "start_offset": 22, "end_offset": 39, "label": "DATE"},
                     {"id": 2, "start_offset": 44, "end_offset": 54, "label": "PERSON"}],
        "relations": [{"from_id": 0, "to_id": 1, "type": "foundedAt"}, {"from_id": 0, "to_id": 2, "type": "foundedBy"}]})
    write_file(read_file(path, "doccano").documents, tmp_path / "out.jsonl", "doccano")
    relations = lines(tmp_path / "out.jsonl")[0]["relations"]
    assert [type(relation["id"]) for relation in relations] == [int, int]
    assert len({relation["id"] for relation in relations}) == 2


def test_a_reversed_span_is_reported_in_the_files_own_utf16_offsets(tmp_path):
    from nerdesk.core.errors import ImportProblems

    path = put(tmp_path / "r.jsonl", {"text": "😀ab", "label": [[3, 2, "X"]]})
    with pytest.raises(ImportProblems) as caught:
        read_file(path, "doccano")
    (problem,) = caught.value.problems
    assert problem.code == "E004" and "span 3..2" in problem.reason  # not the code points 2..1


# doccano 1.0-1.2's export, as in doccano-transformer's tests/data/labeling/labeling.jsonl: labels by id, each
# user's annotations. It was detected as CLUENER and imported without a span and without a warning.
OLD_EXPORT = {
    "id": 2578, "text": "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .\nNadim Ladki\nAL-AIN , United Arab Emirates",
    "annotations": [{"label": 12, "start_offset": 9, "end_offset": 14, "user": 1},
                    {"label": 13, "start_offset": 58, "end_offset": 69, "user": 1},
                    {"label": 12, "start_offset": 9, "end_offset": 14, "user": 2},
                    {"label": 12, "start_offset": 79, "end_offset": 99, "user": 2}],
    "meta": {}, "annotation_approver": None}


def test_doccano_1_0_annotations_are_read_with_label_ids_as_names(tmp_path):
    path = put(tmp_path / "labeling.jsonl", {"id": 2577, "text": "Not annotated yet", "annotations": [], "meta": {}},
               OLD_EXPORT)
    assert detect_format(path) == "doccano"
    result = read_file(path)
    empty, doc = result.documents
    assert empty.spans == []
    assert [(s.mention(doc.text), s.label) for s in doc.spans] == [
        ("JAPAN", "12"), ("Nadim Ladki", "13"), ("United Arab Emirates", "12")]
    assert any("1 record had annotations of several users" in w for w in result.warnings)
    assert "annotations" not in doc.meta and doc.meta["annotation_approver"] is None
    write_file([doc], tmp_path / "out.jsonl", "doccano")
    assert lines(tmp_path / "out.jsonl")[0]["label"] == [[9, 14, "12"], [58, 69, "13"], [79, 99, "12"]]


def test_doccano_1_0_classification_is_refused_as_not_spans(tmp_path):
    path = put(tmp_path / "classification.jsonl",
               {"id": 2591, "text": "Terrible customer service.", "annotations": [{"label": 15, "user": 1}]})
    from nerdesk.core.errors import ImportProblems
    with pytest.raises(ImportProblems, match="text-classification labels are not spans"):
        read_file(path)
