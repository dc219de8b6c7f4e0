"""CMeEE (CBLUE) as its copies circulate: the official JSON array, and the same records as JSON lines.
Synthetic records in that shape (end_idx inclusive)."""

from __future__ import annotations

import json

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
