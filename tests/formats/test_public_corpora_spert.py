"""SpERT's data files (lavis-nlp/spert: CoNLL04, SciERC, ADE): ``tokens``, ``entities`` with token ``start`` and
exclusive ``end``, ``relations`` by entity place. Records in that shape."""

from __future__ import annotations

import json

from nerdesk.core.spans import Span
from nerdesk.formats import detect_format, read_file, write_file

CONLL04 = [{"tokens": ["John", "Wilkes", "Booth", ",", "who", "assassinated", "President", "Lincoln", ",", "was",
                       "an", "actor", "."],
            "entities": [{"type": "Peop", "start": 0, "end": 3}, {"type": "Peop", "start": 6, "end": 8}],
            "relations": [{"type": "Kill", "head": 0, "tail": 1}], "orig_id": 5178}]


def test_spert_entities_and_relations_round_trip(tmp_path):
    path = tmp_path / "conll04_train.json"
    path.write_text(json.dumps(CONLL04), encoding="utf-8")
    assert detect_format(path) == "spert"
    [doc] = read_file(path).documents
    assert doc.name == "5178"
    assert [(span.mention(doc.text), span.label) for span in doc.spans] == [
        ("John Wilkes Booth", "Peop"), ("President Lincoln", "Peop")]
    out = tmp_path / "out.json"
    write_file([doc], out, "spert")
    assert json.loads(out.read_text(encoding="utf-8")) == CONLL04


def test_relations_of_changed_entities_are_left_out_with_a_count(tmp_path):
    path = tmp_path / "conll04_train.json"
    path.write_text(json.dumps(CONLL04), encoding="utf-8")
    [doc] = read_file(path).documents
    doc.spans = [doc.spans[0], Span(doc.text.index("Lincoln"), doc.text.index("Lincoln") + 7, "Peop")]
    out = tmp_path / "out.json"
    warnings = write_file([doc], out, "spert")
    [record] = json.loads(out.read_text(encoding="utf-8"))
    assert record["relations"] == [] and record["entities"][1] == {"type": "Peop", "start": 7, "end": 8}
    assert any("1 relation" in warning for warning in warnings)
