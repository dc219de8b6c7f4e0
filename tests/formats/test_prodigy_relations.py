"""Prodigy ``rel.manual`` examples: their relations name tokens by index (``head``, ``child``), so the tokens and
the spans' token positions go out as they came in."""

from __future__ import annotations

import json
from dataclasses import replace

from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

TEXT = ("The up-regulation of IL-1beta message could be mediated by the latent membrane protein-1, EBV nuclear "
        "proteins 2, 3, 4, and 6 genes.")
# spaCy's English tokenizer on TEXT: (token, followed by a space)
WORDS = [("The", 1), ("up", 0), ("-", 0), ("regulation", 1), ("of", 1), ("IL-1beta", 1), ("message", 1),
         ("could", 1), ("be", 1), ("mediated", 1), ("by", 1), ("the", 1), ("latent", 1), ("membrane", 1),
         ("protein-1", 0), (",", 1), ("EBV", 1), ("nuclear", 1), ("proteins", 1), ("2", 0), (",", 1), ("3", 0),
         (",", 1), ("4", 0), (",", 1), ("and", 1), ("6", 1), ("genes", 0), (".", 0)]


def prodigy_tokens() -> list[dict]:
    tokens, start = [], 0
    for number, (word, space) in enumerate(WORDS):
        tokens.append({"text": word, "start": start, "end": start + len(word), "id": number, "ws": bool(space),
                       "disabled": number == 0})
        start += len(word) + space
    return tokens


HEAD = {"start": 63, "end": 88, "token_start": 12, "token_end": 14, "label": "GGP"}
CHILD = {"start": 21, "end": 29, "token_start": 5, "token_end": 5, "label": "GGP"}
# The example of Prodigy's documentation of rel.manual's output (a BioNLP 2011 GENIA sentence).
EXAMPLE = {"text": TEXT, "spans": [CHILD, HEAD], "meta": {"source": "BioNLP 2011 Genia Shared Task, PMID-9878621.txt"},
           "_input_hash": -400334998, "_task_hash": 1861007191, "tokens": prodigy_tokens(), "_view_id": "relations",
           "relations": [{"head": 14, "child": 5, "head_span": HEAD, "child_span": CHILD, "color": "#ffd882",
                          "label": "Pos-Reg"}], "answer": "accept"}


def test_a_rel_manual_example_keeps_its_tokens_and_token_positions(tmp_path):
    source = tmp_path / "rel.jsonl"
    source.write_text(json.dumps(EXAMPLE) + "\n", encoding="utf-8")
    docs = read_file(source).documents
    write_file(docs, tmp_path / "out.jsonl", "spacy")
    written = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert written == {key: value for key, value in EXAMPLE.items() if key != "_task_hash"}
    tokens = written["tokens"]
    relation = written["relations"][0]
    assert (tokens[relation["head"]]["text"], tokens[relation["child"]]["text"]) == ("protein-1", "IL-1beta")


def test_a_span_added_later_gets_its_tokens_and_one_inside_a_token_none(tmp_path):
    source = tmp_path / "rel.jsonl"
    source.write_text(json.dumps(EXAMPLE) + "\n", encoding="utf-8")
    doc = read_file(source).documents[0]
    doc = replace(doc, spans=[*doc.spans, Span(90, 110, "GGP"), Span(21, 23, "GGP")])  # EBV nuclear proteins; IL
    write_file([doc], tmp_path / "out.jsonl", "spacy")
    spans = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["spans"]
    assert {"start": 90, "end": 110, "token_start": 16, "token_end": 18, "label": "GGP"} in spans
    assert {"start": 21, "end": 23, "label": "GGP"} in spans


def test_spacy_doc_to_json_tokens_are_not_kept(tmp_path):
    source = tmp_path / "doc.jsonl"
    record = {"text": "Anna lives", "ents": [{"start": 0, "end": 4, "label": "PER"}],
              "tokens": [{"id": 0, "start": 0, "end": 4}, {"id": 1, "start": 5, "end": 10}]}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert "tokens" not in read_file(source).documents[0].meta


def test_a_relation_whose_span_was_deleted_is_not_written(tmp_path):
    source = tmp_path / "rel.jsonl"
    source.write_text(json.dumps(EXAMPLE) + "\n", encoding="utf-8")
    doc = read_file(source).documents[0]
    doc = replace(doc, spans=[span for span in doc.spans if span.start != 21])  # IL-1beta, the relation's child
    warnings = write_file([doc], tmp_path / "out.jsonl", "spacy")
    written = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert written["relations"] == []
    assert any("1 relation (rel.manual) between spans deleted or changed" in warning for warning in warnings)
