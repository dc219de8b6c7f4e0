"""Prodigy's db-out of a multi-annotator task holds each annotator's example of an input (same _input_hash and
text, its own _annotator_id). Each became a reviewed document of its own, so a text two annotators disagreed on
taught the next model both answers."""

from __future__ import annotations

import json

from nerdesk.formats import read_file

TEXT = "Tim Cook runs Apple in 東京 😀."


def example(annotator, *spans, answer="accept", input_hash=11):
    return {"text": TEXT, "spans": [{"start": TEXT.index(m), "end": TEXT.index(m) + len(m), "label": label}
                                    for m, label in spans],
            "_input_hash": input_hash, "_task_hash": hash(annotator) % 1000, "answer": answer,
            "_annotator_id": f"ner-{annotator}", "_session_id": f"ner-{annotator}", "_view_id": "ner_manual"}


def read(tmp_path, *records):
    path = tmp_path / "db-out.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return read_file(path)


def test_annotators_who_differ_give_one_document_to_review(tmp_path):
    result = read(tmp_path, example("alice", ("Tim Cook", "PER")),
                  example("bob", ("Tim Cook", "PER"), ("Apple", "ORG"), ("東京", "LOC")))
    (doc,) = result.documents
    assert sorted(s.mention(TEXT) for s in doc.spans) == ["Apple", "Tim Cook", "東京"]
    assert doc.status == "in-progress"
    assert doc.meta == {"_input_hash": 11, "_view_id": "ner_manual"}
    assert result.warnings == ["1 text accepted by several annotators (different _annotator_id) was imported once, "
                               "the annotators' spans merged; 1 where they differ is left in progress to be reviewed"]


def test_annotators_who_agree_give_one_reviewed_document(tmp_path):
    result = read(tmp_path, example("alice", ("Apple", "ORG")), example("bob", ("Apple", "ORG")),
                  example("carol", ("Apple", "ORG")))
    assert [(d.status, len(d.spans)) for d in result.documents] == [("reviewed", 1)]
    assert "0 where they differ are left in progress" in result.warnings[0]


def test_other_inputs_answers_and_one_annotator_twice_stay_apart(tmp_path):
    path = tmp_path / "db-out.jsonl"
    records = [example("alice", ("Apple", "ORG")), example("alice", ("Tim Cook", "PER")),
               example("bob", ("Apple", "ORG"), input_hash=12), example("carol", ("Apple", "PER"), answer="reject")]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = read_file(path, answers="all")
    assert [d.status for d in result.documents] == ["reviewed", "reviewed", "reviewed", "new"]
    assert not any("several annotators" in w for w in result.warnings)
