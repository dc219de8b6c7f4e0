"""CMeEE (CBLUE) as its copies circulate: the official JSON array, and the same records as JSON lines.
Synthetic records in that shape (end_idx inclusive)."""

from __future__ import annotations

import json

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import detect_format, read_file

RECORDS = [
    {"text": "（5）房室结消融和起搏器植入作为替代疗法。", "entities": [
        {"start_idx": 3, "end_idx": 7, "type": "pro", "entity": "房室结消融"},
        {"start_idx": 9, "end_idx": 13, "type": "pro", "entity": "起搏器植入"}]},
    {"text": "（6）发作时伴发血流动力学不稳定。", "entities": []},
]


def test_cmeee_records_as_json_lines(tmp_path):
    path = tmp_path / "CMeEE-V2_train.json"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in RECORDS), encoding="utf-8")
    assert detect_format(path) == "cmeee"
    docs = read_file(path).documents
    assert [[(span.mention(doc.text), span.label) for span in doc.spans] for doc in docs] == [
        [("房室结消融", "pro"), ("起搏器植入", "pro")], []]


def test_exclusive_ends_are_refused_saying_so(tmp_path):
    path = tmp_path / "converted.json"
    record = {"text": "（5）房室结消融和起搏器植入。",
              "entities": [{"start_idx": 3, "end_idx": 8, "type": "pro", "entity": "房室结消融"}]}
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportProblems, match="its end looks exclusive, while CMeEE's ends are inclusive"):
        read_file(path)
    cluener = tmp_path / "cluener.json"
    cluener.write_text(json.dumps({"text": "叶老桂博士说", "label": {"name": {"叶老桂": [[0, 3]]}}}, ensure_ascii=False),
                       encoding="utf-8")
    with pytest.raises(ImportProblems, match="CLUENER's ends are inclusive"):
        read_file(cluener)
