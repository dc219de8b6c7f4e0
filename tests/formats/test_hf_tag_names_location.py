"""The problem for numeric Hugging Face tags says where the dataset keeps their names, for the field the file has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import read_file

ONTONOTES = {  # the shape of datasets' conll2012_ontonotesv5 (english_v4) to_json: a document a line
    "document_id": "bc/cctv/00/cctv_0001",
    "sentences": [{"part_id": 0, "words": ["Ada", "visited", "Turin", "."], "pos_tags": [22, 38, 22, 7],
                   "named_entities": [1, 0, 5, 0], "speaker": "Speaker#1"}],
}


def problems_of(path: Path, record: dict) -> list[str]:
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ImportProblems) as raised:
        read_file(path)
    return [str(problem) for problem in raised.value.problems]


def test_ontonotes_sentences_point_at_their_named_entities_feature(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "test.jsonl", ONTONOTES)
    assert "features['sentences'][0]['named_entities'].feature.names" in problem
    assert "features['ner_tags']" not in problem


@pytest.mark.parametrize("key", ["ner_tags", "tags", "labels"])
def test_token_records_point_at_the_feature_of_their_tag_field(tmp_path: Path, key: str) -> None:
    [problem] = problems_of(tmp_path / "train.jsonl", {"id": "0", "tokens": ["Ada", "."], key: [1, 0]})
    assert f"features['{key}'].feature.names" in problem
