"""The JSON-lines formats read their records as one JSON array or as objects printed over several lines.

Detection judged such files by their first records and named the format, and the reader then parsed
them line by line: a valid CLUENER array of 50 records gave over a thousand "not valid JSON" errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError
from nerdesk.formats import detect_format, read_file

CLUENER_DEV = Path("/work/shared/datasets/cluener/dev.json")

# doccano's documentation of its relation-extraction export (data_export/pipeline/examples), as printed there
DOCCANO_RELATION_EXAMPLE = """{
    "text": "Google was founded on September 4, 1998, by Larry Page and Sergey Brin.",
    "entities": [
        {"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"},
        {"id": 1, "start_offset": 22, "end_offset": 39, "label": "DATE"},
        {"id": 2, "start_offset": 44, "end_offset": 54, "label": "PERSON"},
        {"id": 3, "start_offset": 59, "end_offset": 70, "label": "PERSON"}
    ],
    "relations": [
        {"id": 0, "from_id": 0, "to_id": 1, "type": "foundedAt"},
        {"id": 1, "from_id": 0, "to_id": 2, "type": "foundedBy"}
    ]
}
{
    "text": "Ann lives in Oslo.",
    "entities": [{"id": 4, "start_offset": 13, "end_offset": 17, "label": "LOC"}],
    "relations": []
}
"""

RECORDS = {
    "cluener": [{"text": "浙商银行企业信贷部叶老桂", "label": {"company": {"浙商银行": [[0, 3]]}, "name": {"叶老桂": [[9, 11]]}}},
                {"text": "生生不息CSOL", "label": {"game": {"CSOL": [[4, 7]]}}}],
    "doccano": [{"text": "EU rejects German call", "label": [[0, 2, "ORG"], [11, 17, "MISC"]]},
                {"text": "Peter Blackburn", "label": [[0, 15, "PER"]]}],
    "genia": [{"doc_id": "d1", "sent_id": "s1", "text": "IL-2 gene expression",
               "entities": [{"start": 0, "end": 9, "type": "DNA", "text": "IL-2 gene"}]}],
    "spacy": [{"text": "Apple is in Cupertino", "spans": [{"start": 0, "end": 5, "label": "ORG"}],
               "answer": "accept", "_input_hash": 1}],
}


def mentions(path: Path) -> list[tuple[str, str]]:
    return [(span.mention(doc.text), span.label) for doc in read_file(path).documents for span in doc.gold]


@pytest.mark.parametrize("fmt", sorted(RECORDS))
@pytest.mark.parametrize("layout", ["array", "one-line array", "pretty objects", "lines"])
def test_every_layout_reads_the_same_spans(tmp_path, fmt, layout):
    records = RECORDS[fmt]
    text = {"array": json.dumps(records, ensure_ascii=False, indent=2),
            "one-line array": json.dumps(records, ensure_ascii=False),
            "pretty objects": "\n".join(json.dumps(r, ensure_ascii=False, indent=4) for r in records),
            "lines": "\n".join(json.dumps(r, ensure_ascii=False) for r in records)}[layout]
    path = tmp_path / f"{fmt}.json"
    path.write_text(text, encoding="utf-8")
    expected = tmp_path / f"{fmt}.jsonl"
    expected.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert detect_format(path) == fmt
    assert mentions(path) == mentions(expected) != []


@pytest.mark.skipif(not CLUENER_DEV.exists(), reason="needs the CLUENER corpus")
def test_a_real_cluener_file_saved_as_a_json_array(tmp_path):
    records = [json.loads(line) for line in CLUENER_DEV.read_text(encoding="utf-8").splitlines()[:200]]
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    result = read_file(path)
    assert result.format == "cluener" and len(result.documents) == 200
    spans = sum(len(positions) for r in records for mentions in r["label"].values() for positions in mentions.values())
    assert sum(len(doc.spans) for doc in result.documents) == spans


def test_doccano_documentation_example_with_relations(tmp_path):
    path = tmp_path / "relation.jsonl"
    path.write_text(DOCCANO_RELATION_EXAMPLE, encoding="utf-8")
    first, second = read_file(path).documents
    assert [s.mention(first.text) for s in first.gold] == ["Google", "September 4, 1998", "Larry Page", "Sergey Brin"]
    assert [r["type"] for r in first.meta["relations"]] == ["foundedAt", "foundedBy"]
    assert [s.mention(second.text) for s in second.gold] == ["Oslo"]


def test_records_keep_the_line_they_start_on(tmp_path):
    records = [{"text": "Ann", "label": [[0, 3, "PER"]]}, {"text": "Bob", "label": [[0, 9, "PER"]]}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_file(path, format="doccano")
    [problem] = caught.value.problems
    assert (problem.line, problem.record) == (12, 2)


def test_a_broken_array_is_one_error_where_it_breaks(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n {"text": "Ann", "label": [[0, 3, "PER"]]}\n {"text": "Bob", "label": []}\n]\n',
                    encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_file(path, format="doccano")
    assert caught.value.code == "E111" and caught.value.line == 3


def test_json_lines_with_a_bad_line_still_name_that_line(tmp_path):
    path = tmp_path / "one_bad.jsonl"
    path.write_text('{"text": "Ann", "label": [[0, 3, "PER"]]}\n{"text": "Bob", \n', encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_file(path, format="doccano")
    assert [(p.code, p.line) for p in caught.value.problems] == [("E111", 2)]


def test_files_saved_with_a_byte_order_mark_and_joined(tmp_path):
    """``cat a.jsonl b.jsonl`` of files a Windows editor saved: the second file's mark starts a line."""
    one = '\ufeff{"text": "Ann", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept"}\n'
    two = '\ufeff{"text": "Bob", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept"}\n'
    path = tmp_path / "joined.jsonl"
    path.write_text(one + two, encoding="utf-8")
    assert [d.text for d in read_file(path).documents] == ["Ann", "Bob"]  # was E111 "Unexpected UTF-8 BOM"


RECORD_TEXTS = st.text(alphabet=st.sampled_from(["a", "北", "😀", " ", "\n", '"', "\\", "[", "]", "{", "}", ",",
                                                 "\u2028", "\ufeff"]), min_size=1, max_size=12)


@st.composite
def doccano_files(draw):
    records = []
    for text in draw(st.lists(RECORD_TEXTS, min_size=1, max_size=4)):
        units = len(text.encode("utf-16-le")) // 2
        spans = [[0, units, "X"]] if text.strip() and draw(st.booleans()) else []
        records.append({"text": text, "label": spans})
    layout = draw(st.sampled_from(["array", "one-line array", "pretty objects", "lines"]))
    content = {"array": json.dumps(records, ensure_ascii=False, indent=2),
               "one-line array": json.dumps(records, ensure_ascii=False),
               "pretty objects": "\n".join(json.dumps(r, ensure_ascii=False, indent=4) for r in records),
               "lines": "\n".join(json.dumps(r, ensure_ascii=False) for r in records)}[layout]
    return records, content


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(doccano_files(), st.floats(0.0, 1.0), st.sampled_from(["", "x", "]", "}", ",", "\n{", "\ufeff"]))
def test_layouts_read_whole_or_fail_clearly(tmp_path, case, cut, garbage):
    records, content = case
    path = tmp_path / "records.json"
    path.write_text(content, encoding="utf-8")
    docs = read_file(path, "doccano").documents
    assert [(d.text, [s.key for s in d.spans]) for d in docs] == [
        (r["text"], [(0, len(r["text"]), "X")] if r["label"] else []) for r in records]
    damaged = content[:int(len(content) * cut)] + garbage
    path.write_text(damaged, encoding="utf-8")
    try:
        read_file(path, "doccano")
    except NerdeskError as error:
        assert error.code not in (None, "E118")
