"""What Label Studio annotators attach to a region (its meta text, per-region TextArea and Choices answers,
relations between regions) comes back on export with the region it belongs to, checked with label-studio-sdk's
LabelInterface. These results were skipped on import with a count, so a round trip through nerdesk lost them."""

from __future__ import annotations

import json

import pytest

from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

label_interface = pytest.importorskip("label_studio_sdk.label_interface")

CONFIG = """<View>
  <Relations><Relation value="works_at"/></Relations>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels>
  <Text name="text" value="$text"/>
  <TextArea name="norm" toName="text" perRegion="true"/>
  <Choices name="certainty" toName="text" perRegion="true"><Choice value="sure"/><Choice value="unsure"/></Choices>
</View>"""
TEXT = "Tim Cook 👨‍💻 runs Apple in Cupertino.\r\n東京でも。"


def region(region_id, mention, label, **more):
    start = TEXT.index(mention)
    return {"id": region_id, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": start + len(mention), "text": mention, "labels": [label]}, **more}


def per_region(region_id, mention, tag, kind, answer):
    start = TEXT.index(mention)
    key = "text" if kind == "textarea" else "choices"
    return {"id": region_id, "from_name": tag, "to_name": "text", "type": kind, "origin": "manual",
            "value": {"start": start, "end": start + len(mention), key: answer}}


RESULTS = [
    region("a1", "Tim Cook", "PER", meta={"text": ["CEO since 2011"]}),
    region("a2", "Apple", "ORG"),
    region("a3", "東京", "LOC"),
    per_region("a1", "Tim Cook", "norm", "textarea", ["Timothy D. Cook"]),
    per_region("a2", "Apple", "certainty", "choices", ["sure"]),
    {"from_id": "a1", "to_id": "a2", "type": "relation", "direction": "right", "labels": ["works_at"]},
]


def exported(tmp_path, edit=None):
    source = tmp_path / "export.json"
    source.write_text(json.dumps([{"id": 5, "data": {"text": TEXT}, "annotations": [
        {"id": 9, "completed_by": 1, "result": RESULTS}]}], ensure_ascii=False), encoding="utf-8")
    imported = read_file(source)
    if edit:
        edit(imported.documents[0])
    out = tmp_path / "out.json"
    warnings = write_file(imported.documents, out, "label-studio")
    return imported, warnings, json.loads(out.read_text("utf-8"))[0]["annotations"][0]


def test_region_meta_answers_and_relations_come_back(tmp_path):
    imported, warnings, annotation = exported(tmp_path)
    assert imported.warnings == [] and warnings == []
    assert label_interface.LabelInterface(CONFIG).validate_annotation(annotation) is True
    by_id = {}
    for item in annotation["result"]:
        by_id.setdefault(item.get("id"), []).append(item)
    regions = {item["value"]["text"]: item for item in annotation["result"] if item["type"] == "labels"}
    tim, apple = regions["Tim Cook"], regions["Apple"]
    assert tim["meta"] == {"text": ["CEO since 2011"]}
    assert [i["value"]["text"] for i in by_id[tim["id"]] if i["type"] == "textarea"] == [["Timothy D. Cook"]]
    assert [i["value"]["choices"] for i in by_id[apple["id"]] if i["type"] == "choices"] == [["sure"]]
    (relation,) = [i for i in annotation["result"] if i["type"] == "relation"]
    assert (relation["from_id"], relation["to_id"], relation["labels"]) == (tim["id"], apple["id"], ["works_at"])
    assert len(annotation["result"]) == len(RESULTS)


def test_what_belongs_to_a_deleted_span_is_not_written_and_said(tmp_path):
    def delete_apple(doc):
        doc.spans = [s for s in doc.spans if s.label != "ORG"] + [Span(0, 3, "PER")]

    _, warnings, annotation = exported(tmp_path, delete_apple)
    assert warnings == ["2 region annotations (meta, per-region answers, relations) belong to spans no "
                        "longer there and were not written"]
    assert {item["type"] for item in annotation["result"]} == {"labels", "textarea"}
    assert label_interface.LabelInterface(CONFIG).validate_annotation(annotation) is True
