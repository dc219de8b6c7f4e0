"""Prodigy JSON lines: its ``answer`` and nerdesk's review status, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file


def examples(*answers: str | None) -> list[dict]:
    """One db-out record per answer (None: a source record, not annotated yet)."""
    records = []
    for number, answer in enumerate(answers, start=1):
        record: dict = {"text": f"Anna {number} lives in Oslo", "_input_hash": number, "_task_hash": 10 + number,
                        "spans": [{"start": 0, "end": 4, "label": "PER"}]}
        if answer is not None:
            record["answer"] = answer
        records.append(record)
    return records


def put(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_accepted_examples_are_reviewed_and_others_are_not(tmp_path: Path) -> None:
    result = read_file(put(tmp_path / "db.jsonl", examples("accept", None, "reject", "ignore")))
    assert [(d.status, d.meta) for d in result.documents] == [
        ("reviewed", {"_input_hash": 1, "_task_hash": 11}), ("new", {"_input_hash": 2, "_task_hash": 12})]
    assert any("1 ignore, 1 reject" in w for w in result.warnings)


def test_reject_and_ignore_kept_with_answers_all_are_not_reviewed(tmp_path: Path) -> None:
    docs = read_file(put(tmp_path / "db.jsonl", examples("reject", "ignore")), answers="all").documents
    assert [(d.status, d.meta["answer"], [s.key for s in d.spans]) for d in docs] == [
        ("new", "reject", [(0, 4, "PER")]), ("new", "ignore", [(0, 4, "PER")])]
    # A rejected span is one an annotator said is wrong: a prediction to look at, never gold to learn from.
    assert [(s.source, s.model_version) for d in docs for s in d.spans] == [
        ("pred", "prodigy:reject"), ("pred", "prodigy:ignore")]


def test_a_prodigy_file_round_trips_with_its_answers(tmp_path: Path) -> None:
    records = examples("accept", None, "reject", "ignore")
    docs = read_file(put(tmp_path / "db.jsonl", records), answers="all").documents
    write_file(docs, tmp_path / "out.jsonl", "spacy")
    assert lines(tmp_path / "out.jsonl") == [without_task_hash(record) for record in records]
    assert [d.status for d in read_file(tmp_path / "out.jsonl", answers="all").documents] == [
        "reviewed", "new", "new", "new"]


def without_task_hash(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "_task_hash"}


def test_a_corrected_example_is_written_without_its_stale_task_hash(tmp_path: Path) -> None:
    # Prodigy's _task_hash hashes the spans it was given; Prodigy's db-in computes a new one for a record without.
    docs = read_file(put(tmp_path / "db.jsonl", examples("accept"))).documents
    docs[0].spans = [Span(13, 17, "LOC")]
    write_file(docs, tmp_path / "out.jsonl", "prodigy")
    assert lines(tmp_path / "out.jsonl") == [{"text": "Anna 1 lives in Oslo", "_input_hash": 1,
                                              "spans": [{"start": 13, "end": 17, "label": "LOC"}],
                                              "answer": "accept"}]


def test_export_writes_accept_for_reviewed_documents_only(tmp_path: Path) -> None:
    spans = [Span(0, 3, "PER")]
    docs = [Document(text="Ann", spans=spans, status="reviewed"),
            Document(text="Ann", spans=spans, status="in-progress"),
            Document(text="Ann", spans=spans, status="predicted", meta={"answer": "accept"}),  # no longer reviewed
            Document(text="Ann", spans=spans, status="reviewed", meta={"answer": "reject"}),  # reviewed since
            Document(text="Ann", spans=spans, status="new", meta={"answer": "ignore"})]
    write_file(docs, tmp_path / "out.jsonl", "prodigy")
    assert [record.get("answer") for record in lines(tmp_path / "out.jsonl")] == [
        "accept", None, None, "accept", "ignore"]
    back = read_file(tmp_path / "out.jsonl").documents  # the ignored one is skipped by default
    assert [(d.status, d.meta) for d in back] == [("reviewed", {}), ("new", {}), ("new", {}), ("reviewed", {})]


# What spaCy 3.8's Doc.to_json() gives for a blank "zh" pipeline: entities in "ents", span groups in a
# "spans" dict (here "sc", holding the entity again and two nested spans), offsets in code points.
DOC_JSON = {"text": "张伟👩‍👩‍👧在北京大学\r\n读书",
            "ents": [{"start": 0, "end": 2, "label": "PER"}],
            "spans": {"sc": [{"start": 0, "end": 2, "label": "PER", "kb_id": ""},
                             {"start": 8, "end": 12, "label": "ORG", "kb_id": ""},
                             {"start": 8, "end": 10, "label": "LOC", "kb_id": ""}]},
            "sents": [{"start": 0, "end": 16}],
            "tokens": [{"id": 0, "start": 0, "end": 1}, {"id": 1, "start": 1, "end": 2}]}


def test_spacy_doc_to_json_records_are_detected_and_keep_their_entities_and_span_groups(tmp_path: Path) -> None:
    # They were read as GENIA (a "tokens" key), and their entities were lost without a word.
    ents_only = {"text": "Anna lives in Oslo", "ents": [{"start": 0, "end": 4, "label": "PER"},
                                                         {"start": 14, "end": 18, "label": "LOC"}]}
    result = read_file(put(tmp_path / "docs.jsonl", [ents_only, DOC_JSON]))
    assert result.format == "spacy" and result.warnings == []
    assert [sorted((span.mention(doc.text), span.label) for span in doc.spans) for doc in result.documents] == [
        [("Anna", "PER"), ("Oslo", "LOC")], [("北京", "LOC"), ("北京大学", "ORG"), ("张伟", "PER")]]
    assert all(doc.meta == {} for doc in result.documents)


def test_a_span_group_that_is_not_a_list_is_named(tmp_path: Path) -> None:
    broken = {**DOC_JSON, "spans": {"sc": "北京"}}
    with pytest.raises(ImportProblems, match="an item of 'spans' must be an object"):
        read_file(put(tmp_path / "docs.jsonl", [broken]))


def test_a_real_spacy_doc_to_json_reads_back_with_its_spans(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    doc = spacy.blank("en")("Anna moved to New York City in 2020.")
    doc.ents = [doc.char_span(0, 4, "PER"), doc.char_span(14, 27, "GPE")]
    doc.spans["sc"] = [doc.char_span(14, 22, "CITY")]
    back = read_file(put(tmp_path / "doc.jsonl", [doc.to_json()])).documents[0]
    assert sorted(span.key for span in back.spans) == [(0, 4, "PER"), (14, 22, "CITY"), (14, 27, "GPE")]


# Records as Prodigy's textcat.teach and textcat.manual write them (explosion/prodigy-recipes example-datasets):
# the answer says whether the label fits the text, not that the text has no entities.
TEXTCAT = [
    {"text": "Improve docs", "meta": {"source": "GitHub"}, "label": "DOCUMENTATION", "_input_hash": 1,
     "_task_hash": 2, "answer": "accept"},
    {"text": "Crash on start", "label": "DOCUMENTATION", "_input_hash": 3, "_task_hash": 4, "answer": "reject"},
    {"text": "You are a fool", "label": "INSULT", "score": 0.7, "spans": [], "_input_hash": 5, "_task_hash": 6,
     "answer": "accept"},
    {"text": "We share our dataset", "label": "new-dataset", "_view_id": "classification", "_input_hash": 7,
     "_task_hash": 8, "answer": "accept", "_annotator_id": "a1"},
]


def test_text_classification_examples_are_prodigy_and_not_reviewed(tmp_path):
    path = put(tmp_path / "textcat.jsonl", TEXTCAT)
    result = read_file(path)
    assert result.format == "spacy"  # was read as CLUENER, refusing every record: 'label' must be an object
    docs = result.documents
    assert [d.text for d in docs] == ["Improve docs", "You are a fool", "We share our dataset"]
    assert {d.status for d in docs} == {"new"}  # reviewed with no span would teach "no entity here"
    assert [(d.meta["label"], d.meta["answer"]) for d in docs] == [
        ("DOCUMENTATION", "accept"), ("INSULT", "accept"), ("new-dataset", "accept")]
    assert any("3 Prodigy text-classification examples" in w for w in result.warnings)


def test_ner_examples_without_entities_stay_reviewed(tmp_path):
    path = put(tmp_path / "ner.jsonl", [{"text": "Nothing here", "spans": [], "_input_hash": 1, "answer": "accept"}])
    [doc] = read_file(path).documents
    assert doc.status == "reviewed"
