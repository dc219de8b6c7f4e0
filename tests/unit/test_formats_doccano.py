"""doccano's export shapes (1.4 to 1.8): detection, reading, and writing back what doccano imports."""

from __future__ import annotations

import json
from pathlib import Path

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
    assert record["cats"] == ["book_flight"] and record["label"] == [[10, 14, "CITY"]]


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
    assert any("1 relation(s)" in w for w in warnings)
