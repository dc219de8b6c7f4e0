"""Hugging Face token classification records ({"tokens", "ner_tags"}): string and numeric tags, characters,
round trips, and what transformers' run_ner.py and datasets read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, ImportProblems
from nerdesk.core.spans import Span
from nerdesk.formats import detect_format, read_file, write_file

# datasets' conll2003 features["ner_tags"].feature.names
CONLL2003_NAMES = "O,B-PER,I-PER,B-ORG,I-ORG,B-LOC,I-LOC,B-MISC,I-MISC"
NUMERIC = [  # the shape of Dataset.to_json() for conll2003 (our own sentences)
    {"id": "0", "tokens": ["Ada", "Lovelace", "visited", "Turin", "."], "pos_tags": [22, 22, 38, 22, 7],
     "ner_tags": [1, 2, 0, 5, 0]},
    {"id": "1", "tokens": ["The", "Royal", "Society", "met", "."], "pos_tags": [12, 22, 22, 38, 7],
     "ner_tags": [0, 3, 4, 0, 0]},
]


def put_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def mentions(doc: Document) -> list[tuple[str, str]]:
    return [(span.mention(doc.text), span.label) for span in doc.spans]


def test_numeric_tags_are_read_with_their_names(tmp_path: Path) -> None:
    path = put_lines(tmp_path / "train.jsonl", NUMERIC)
    assert detect_format(path) == "hf-tokens"
    docs = read_file(path, tag_names=CONLL2003_NAMES).documents
    assert [(doc.name, doc.text, mentions(doc)) for doc in docs] == [
        ("0", "Ada Lovelace visited Turin .", [("Ada Lovelace", "PER"), ("Turin", "LOC")]),
        ("1", "The Royal Society met .", [("Royal Society", "ORG")])]
    assert docs[0].meta == {"pos_tags": [22, 22, 38, 22, 7], "tokens": ["Ada", "Lovelace", "visited", "Turin", "."]}


def test_numeric_tags_without_names_say_how_to_give_them(tmp_path: Path) -> None:
    with pytest.raises(ImportProblems, match="--tag-names O,B-PER,I-PER"):
        read_file(put_lines(tmp_path / "train.jsonl", NUMERIC))
    with pytest.raises(ImportProblems, match="tag number 5 has no name: 3 tag names given"):
        read_file(put_lines(tmp_path / "train.jsonl", NUMERIC), tag_names="O,B-PER,I-PER")
    with pytest.raises(FormatError, match="tag_names must name tags"):
        read_file(put_lines(tmp_path / "train.jsonl", NUMERIC), "hf-tokens", tag_names="person,place")


def test_string_tags_in_a_json_array_and_characters_joined_without_spaces(tmp_path: Path) -> None:
    records = [{"tokens": list("张伟在北京😀工作"), "ner_tags": ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "O", "O"]},
               {"tokens": list("他去了上海"), "tags": ["O", "O", "O", "S-LOC", "E-LOC"]}]
    path = tmp_path / "zh.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = read_file(path, "hf-tokens")
    assert [(doc.text, mentions(doc)) for doc in result.documents] == [
        ("张伟在北京😀工作", [("张伟", "PER"), ("北京", "LOC")]), ("他去了上海", [("上", "LOC"), ("海", "LOC")])]
    assert all("tokens" not in doc.meta for doc in result.documents)  # characters: the text says it all


def test_a_record_whose_tags_do_not_match_its_tokens_is_named(tmp_path: Path) -> None:
    path = put_lines(tmp_path / "bad.jsonl", [{"tokens": ["a", "b"], "ner_tags": ["O"]},
                                              {"tokens": ["a", ""], "ner_tags": ["O", "O"]},
                                              {"tokens": ["a"], "ner_tags": ["X-Y-Z?"]}])
    with pytest.raises(ImportProblems) as caught:
        read_file(path, "hf-tokens")
    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(1, "E110"), (2, "E110"),
                                                                                  (3, "E110")]


def test_export_writes_bio_strings_of_the_outermost_spans_and_reads_back(tmp_path: Path) -> None:
    # Tokens as the CoNLL export makes them: whitespace tokens, a word cut where a span ends inside it ("York.").
    docs = [Document("Ada Lovelace visited New York.", [Span(0, 12, "PER"), Span(21, 29, "LOC"),
                                                        Span(25, 29, "CITY")], name="a1"),
            Document("The Royal Society met.", [Span(4, 17, "ORG")])]
    out = tmp_path / "out.jsonl"
    warnings = write_file(docs, out, "hf-tokens")
    assert [json.loads(line) for line in out.read_text("utf-8").splitlines()] == [
        {"id": "a1", "tokens": ["Ada", "Lovelace", "visited", "New", "York", "."],
         "ner_tags": ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O"]},
        {"id": "1", "tokens": ["The", "Royal", "Society", "met."], "ner_tags": ["O", "B-ORG", "I-ORG", "O"]}]
    assert any("1 nested or overlapping span was dropped" in warning for warning in warnings)
    back = read_file(out, "hf-tokens").documents
    assert [mentions(doc) for doc in back] == [[("Ada Lovelace", "PER"), ("New York", "LOC")],
                                               [("Royal Society", "ORG")]]


def test_imported_tokens_are_written_back_as_they_were(tmp_path: Path) -> None:
    records = [{"id": "7", "tokens": ["U.S.", "-", "based", "Acme", "Corp.", "won", "."],
                "ner_tags": ["B-LOC", "O", "O", "B-ORG", "I-ORG", "O", "O"]}]
    docs = read_file(put_lines(tmp_path / "in.jsonl", records), "hf-tokens").documents
    write_file(docs, tmp_path / "out.jsonl", "hf-tokens")
    assert [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()] == records



def test_per_token_columns_go_back_beside_the_same_tokens(tmp_path: Path) -> None:
    docs = read_file(put_lines(tmp_path / "in.jsonl", NUMERIC), tag_names=CONLL2003_NAMES).documents
    assert write_file(docs, tmp_path / "out.jsonl", "hf-tokens") == []
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [record["pos_tags"] for record in written] == [[22, 22, 38, 22, 7], [12, 22, 22, 38, 7]]
    assert [list(record) for record in written] == [["id", "tokens", "pos_tags", "ner_tags"]] * 2
    # a span ending inside "Lovelace" cuts it in two: the columns no longer fit the tokens and are left out
    docs[0].spans[:] = [Span(4, 8, "PER")]
    warnings = write_file(docs, tmp_path / "cut.jsonl", "hf-tokens", level="token")
    first, second = [json.loads(line) for line in (tmp_path / "cut.jsonl").read_text("utf-8").splitlines()]
    assert "pos_tags" not in first and second["pos_tags"] == [12, 22, 22, 38, 7]
    assert any("the per-token columns (pos_tags, ...) of 1 document were not written" in w for w in warnings)

def test_chinese_characters_go_out_one_per_token(tmp_path: Path) -> None:
    docs = [Document("中国人民银行在北京", [Span(0, 6, "ORG"), Span(0, 2, "LOC"), Span(7, 9, "LOC")])]
    write_file(docs, tmp_path / "zh.jsonl", "hf-tokens")
    record = json.loads((tmp_path / "zh.jsonl").read_text("utf-8"))
    assert record["tokens"] == list("中国人民银行在北京")
    assert record["ner_tags"] == ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "I-LOC"]
