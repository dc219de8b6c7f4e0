"""A record whose ``spans`` is not a list is refused, as ``--format jsonl`` refuses it (E110 inside E100), not read
as CLUENER with ``spans`` kept as metadata."""

from __future__ import annotations

import json

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import read_file


@pytest.mark.parametrize("spans", ["x", 3, True])  # a dict is spaCy's span groups
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_spans_that_are_not_a_list_are_refused(tmp_path, spans, suffix):
    path = tmp_path / f"in{suffix}"
    records = [{"text": "plain"}, {"text": "abc", "spans": spans}]
    path.write_text("\n".join(map(json.dumps, records)) if suffix == ".jsonl" else json.dumps(records), "utf-8")
    with pytest.raises(ImportProblems) as refused:
        read_file(path)
    assert refused.value.code == "E100"
    assert [(p.code, p.record) for p in refused.value.problems] == [("E110", 2)]
    assert "'spans' must be a list" in refused.value.problems[0].reason


def test_spans_null_is_a_record_without_spans(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "abc", "spans": None}) + "\n", "utf-8")
    assert [doc.spans for doc in read_file(path).documents] == [[]]
