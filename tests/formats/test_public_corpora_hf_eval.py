"""A Hugging Face dump with numeric tags (Dataset.to_json of conll2003, wnut_17...) is scored by ``nerdesk eval``
and trained on by ``nerdesk train --train`` with the tag names given on their command line, as import takes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_bundle import sentence_documents, shared_tiny_bundle

from nerdesk.cli import main
from nerdesk.formats import read_file, write_file

NAMES = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)  # labels PER, LOC, ORG


def numeric_dump(path: Path) -> tuple[Path, int]:
    """The dump with numeric tags, and how many spans its string tags held."""
    write_file(sentence_documents(), path, "hf-tokens")
    spans = sum(len(doc.spans) for doc in read_file(path).documents)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        record["ner_tags"] = [NAMES.index(tag) for tag in record["ner_tags"]]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path, spans


def test_eval_takes_the_tag_names_of_numeric_tags(bundle, tmp_path, capsys):
    data, spans = numeric_dump(tmp_path / "test.jsonl")
    assert main(["eval", "--model", str(bundle), str(data)]) == 1
    assert "--tag-names O,B-PER,I-PER,... of nerdesk import, train or eval" in capsys.readouterr().err
    assert main(["eval", "--model", str(bundle), str(data), "--tag-names", ",".join(NAMES), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sum(row["support"] for row in report["per_label"].values()) == spans > 0
