"""Label Studio tasks with several annotators: a ground-truth annotation (the star Label Studio's reviewers give
the reference annotation) is the gold; without one, the annotations are merged as before."""

from __future__ import annotations

import json

from nerdesk.formats import read_file

TEXT = "Tim Cook visited Apple Park in Cupertino."


def region(start, end, label):
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}}


def annotation(number, *results, ground_truth=False):
    return {"id": number, "completed_by": number, "ground_truth": ground_truth, "was_cancelled": False,
            "result": list(results)}


def read(tmp_path, annotations):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": TEXT}, "annotations": annotations}]), encoding="utf-8")
    return read_file(path)


def test_the_ground_truth_annotation_is_the_gold(tmp_path):
    # The two annotators' spans were merged: "Apple" was both ORG and LOC, "Apple Park" beside "Apple".
    result = read(tmp_path, [annotation(1, region(0, 8, "PER"), region(17, 22, "LOC")),
                             annotation(2, region(0, 8, "PER"), region(17, 27, "ORG"), region(31, 40, "LOC"),
                                        ground_truth=True),
                             annotation(3, region(17, 22, "ORG"))])
    (doc,) = result.documents
    assert sorted(s.key for s in doc.spans) == [(0, 8, "PER"), (17, 27, "ORG"), (31, 40, "LOC")]
    assert doc.status == "reviewed"
    assert result.warnings == ["2 annotations of tasks that have a ground-truth annotation were left out: the "
                               "ground truth is the gold"]


def test_without_ground_truth_the_annotations_are_merged(tmp_path):
    result = read(tmp_path, [annotation(1, region(0, 8, "PER")), annotation(2, region(31, 40, "LOC"))])
    assert sorted(s.key for s in result.documents[0].spans) == [(0, 8, "PER"), (31, 40, "LOC")]
    assert any("several annotations" in w for w in result.warnings)


def test_a_cancelled_ground_truth_does_not_count(tmp_path):
    cancelled = {**annotation(2, region(31, 40, "LOC"), ground_truth=True), "was_cancelled": True}
    result = read(tmp_path, [annotation(1, region(0, 8, "PER")), cancelled])
    assert [s.key for s in result.documents[0].spans] == [(0, 8, "PER")]
