"""spaCy v2 JSON: malformed documents end in a problem naming the record, never another exception."""

from __future__ import annotations

import json

import pytest

from nerdesk.core.errors import NerdeskError
from nerdesk.formats import read_file


def token(orth="Ann", ner="U-PER", **more):
    return {"orth": orth, "ner": ner, **more}


def paragraph(*tokens, **more):
    return {"sentences": [{"tokens": list(tokens)}], **more}


@pytest.mark.parametrize("paragraphs", [
    [{"sentences": "x"}], [paragraph(token(orth=5))], [paragraph(token(ner="X-Y"))], [paragraph(token(ner=3))],
    [paragraph(token(), cats={"A": 1})], [paragraph(5)], [5], [{"sentences": [5]}],
])
def test_malformed_paragraphs_are_problems(tmp_path, paragraphs):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"id": 1, "paragraphs": paragraphs}]), encoding="utf-8")
    with pytest.raises(NerdeskError, match="record 1"):
        read_file(path, format="spacy-v2")


def test_odd_but_readable_parts(tmp_path):
    path = tmp_path / "odd.json"
    data = [{"paragraphs": [paragraph(token(), links=5, raw=5), {"sentences": []},
                            {**paragraph(token()), "sentences": [{"tokens": [token()], "brackets": 3}]}]}]
    path.write_text(json.dumps(data), encoding="utf-8")
    result = read_file(path)
    assert [(d.text, [s.key for s in d.spans]) for d in result.documents] == [("Ann", [(0, 3, "PER")])] * 2
    assert result.warnings == ["1 paragraph without tokens was skipped"]
