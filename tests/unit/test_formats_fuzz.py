"""Malformed input of any kind ends in a NerdeskError (or imports), never in another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems, NerdeskError
from nerdesk.core.spans import PRED, Span
from nerdesk.formats import FORMATS, read_file, write_file

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE_FORMATS = [name for name in FORMATS if name != "brat"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["text", "label", "labels", "entities", "spans", "start", "end",
                                       "start_idx", "end_idx", "type", "entity", "data", "annotations",
                                       "predictions", "result", "value", "documents", "format", "version",
                                       "meta", "status", "source", "score", "id", "tokens", "x"]),
                      children, max_size=5),
    max_leaves=20,
)


def attempt(content: bytes, fmt: str | None, name: str = "input.json") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        if fmt == "brat":
            path.with_suffix(".txt").write_text("北京 text 😀 more text", encoding="utf-8")
        try:
            read_file(path, fmt)
        except NerdeskError as error:
            assert str(error) and error.code is not None and error.code.startswith(("E0", "E1"))
            if isinstance(error, ImportProblems):
                assert error.problems and all(p.path for p in error.problems)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from([None, *FILE_FORMATS]))
def test_random_bytes(data, fmt):
    attempt(data, fmt)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_as_brat_annotations(data):
    attempt(data, "brat", "doc.ann")


@SETTINGS
@given(json_values, st.sampled_from([None, *FILE_FORMATS]), st.booleans())
def test_random_json(value, fmt, as_lines):
    if as_lines and isinstance(value, list):
        content = "\n".join(json.dumps(v, ensure_ascii=False) for v in value)
    else:
        content = json.dumps(value, ensure_ascii=False)
    attempt(content.encode("utf-8"), fmt, "input.jsonl" if as_lines else "input.json")


@SETTINGS
@given(st.text(alphabet="BIOMESL-_ \t\nXY北😀#", max_size=200))
def test_random_tag_columns(content):
    attempt(content.encode("utf-8"), "conll", "input.bio")
    attempt(content.encode("utf-8"), "brat", "doc.ann")


def _valid_file(fmt: str, directory: Path) -> Path:
    docs = [
        Document("北京医院😀\r\nab 👩\u200d👩\u200d👧 c", [Span(0, 4, "LOC"), Span(0, 2, "LOC"),
                                                   Span(2, 4, "ORG", PRED, 0.9, "m1")]),
        Document("second text here", [Span(0, 6, "X")]),
    ]
    path = directory / f"valid{FORMATS[fmt].extensions[0]}"
    write_file(docs[:1] if fmt == "webanno-tsv" else docs, path, fmt)  # WebAnno TSV: one document per file
    return path


@SETTINGS
@given(st.sampled_from(FILE_FORMATS), st.floats(0.0, 1.0), st.booleans())
def test_truncated_valid_files(fmt, fraction, garble):
    with tempfile.TemporaryDirectory() as tmp:
        data = _valid_file(fmt, Path(tmp)).read_bytes()
    cut = int(len(data) * fraction)
    content = data[:cut]
    if garble and content:
        content = content[:-1] + bytes([content[-1] ^ 0x5A])
    attempt(content, fmt, f"cut{FORMATS[fmt].extensions[0]}")
    attempt(content, None, f"cut{FORMATS[fmt].extensions[0]}")


def test_a_bad_file_imports_nothing_and_lists_every_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        '{"text": "北京欢迎你", "label": {"LOC": {"北京": [[0, 1]]}}}\n'
        '{"text": "上海", "label": {"LOC": {"上海": [[0, 5]]}}}\n'
        'not json\n'
        '{"text": "广州", "label": {"LOC": {"深圳": [[0, 1]]}}}\n',
        encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_file(path, "cluener")
    problems = caught.value.problems
    assert [p.line for p in problems] == [2, 3, 4]
    assert caught.value.code == "E100" and [p.code for p in problems] == ["E003", "E111", "E005"]
    assert "outside the text" in str(problems[0])
    assert "not valid JSON" in str(problems[1])
    assert "'深圳'" in str(problems[2]) and "'广州'" in str(problems[2])
    assert all(p.path == str(path) for p in problems)
