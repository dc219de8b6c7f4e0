"""The inputs that crashed or stalled a reader (found with tests/unit/test_formats_fuzz_records.py), and devices.

Each is now refused with the record and what is wrong in it, on one line per problem, and nothing is stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from nerdesk.cli import main
from nerdesk.core import Document, Span
from nerdesk.core.errors import FormatError, ImportProblems
from nerdesk.formats import FORMATS, read_file, write_file


def _line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


RELATION_RECORD = {"text": "北京😀 ab", "entities": [{"id": 1, "label": "LOC", "start_offset": 0, "end_offset": 2},
                                                    {"id": 2, "label": "X", "start_offset": 5, "end_offset": 7}],
                   "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "in"}]}
LS_RESULT = {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 2, "text": "北京", "labels": ["LOC"]}}


def _relation(**changes: object) -> bytes:
    return _line({**RELATION_RECORD, "relations": [{**RELATION_RECORD["relations"][0], **changes}]})


def _entity_id(first: object, second: object = 2) -> bytes:
    first_entity, second_entity = RELATION_RECORD["entities"]
    return _line({**RELATION_RECORD, "entities": [{**first_entity, "id": first}, {**second_entity, "id": second}]})


def _ls_task(to_name: object) -> bytes:
    task = {"id": 1, "data": {"text": "北京😀 ab"}, "annotations": [{"result": [{**LS_RESULT, "to_name": to_name}]}]}
    return json.dumps([task], ensure_ascii=False).encode("utf-8")


# name -> (format, file name, content, code of the problem, what the problem says)
CRASHERS = {
    "doccano entity id is a list": ("doccano", "in.jsonl", _entity_id([1]), "E110",
                                    "an entity's 'id' must be an integer or a string, got [1]"),
    "doccano entity id is an object": ("doccano", "in.jsonl", _entity_id({"a": 1}), "E110",
                                       "an entity's 'id' must be an integer or a string"),
    "doccano two entities with one id": ("doccano", "in.jsonl", _entity_id(1, 1), "E110",
                                         "two entities have the id 1"),
    "doccano relation to_id is an object": ("doccano", "in.jsonl", _relation(to_id={"a": 1}), "E110",
                                            "does not point at two entities of this record"),
    "doccano relation from_id is a list": ("doccano", "in.jsonl", _relation(from_id=[]), "E110",
                                           "does not point at two entities of this record"),
    "label-studio to_name is a list": ("label-studio", "in.json", _ls_task([None]), "E110",
                                       "a result's 'to_name' must be the name of the text's tag, got [None]"),
    "label-studio to_name is an object": ("label-studio", "in.json", _ls_task({"LOC": []}), "E110",
                                          "a result's 'to_name' must be the name of the text's tag"),
    "brat offset of 5,000 digits": ("brat", "doc.ann", ("T1\tLOC 0 " + "9" * 5000 + "\tab\n").encode(), "E003",
                                    "offset 999999999999... (5,000 digits) is outside the text of length 2"),
}


def write_case(folder: Path, name: str) -> Path:
    _, file_name, content, _, _ = CRASHERS[name]
    path = folder / file_name
    path.write_bytes(content)
    if path.suffix == ".ann":
        path.with_suffix(".txt").write_text("ab", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(CRASHERS))
@pytest.mark.parametrize("detect", [False, True], ids=["format given", "format detected"])
def test_a_former_crasher_is_refused_naming_its_record(tmp_path, name, detect):
    fmt, _, _, code, says = CRASHERS[name]
    path = write_case(tmp_path, name)
    with pytest.raises(ImportProblems) as caught:
        read_file(path, None if detect else fmt)
    [problem] = caught.value.problems
    assert problem.code == code and says in str(problem), str(problem)
    assert (problem.line or problem.record) == 1 and problem.path == str(path)


@pytest.mark.parametrize("name", ["doccano relation to_id is an object", "label-studio to_name is a list",
                                  "brat offset of 5,000 digits", "doccano entity id is a list"])
def test_the_command_line_prints_one_line_per_problem_and_stores_nothing(tmp_path, capsys, name):
    path = write_case(tmp_path, name)
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0] == "nerdesk: error E100: 1 bad record; nothing was imported:"
    assert len(lines) == 2 and lines[1].startswith(f"  {CRASHERS[name][3]} {path}")
    assert "Traceback" not in captured.err + captured.out
    assert not project.exists()


def test_a_label_with_a_line_break_in_a_problem_is_printed_on_its_line(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_line({"text": "ab", "spans": [{"start": 0, "end": 9, "label": "A\nB\u2028C"}]}))
    assert main(["import", str(tmp_path / "p.nerdesk"), str(path), "--format", "jsonl"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[1] == (f"  E011 {path}, line 1, record 1: label name 'A\\nB\\u2028C' holds the control character "
                        "U+000A at character 1")


def test_a_relation_between_entities_with_string_ids_is_kept(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_relation(from_id="a", to_id="b").replace(b'"id": 1, "label"', b'"id": "a", "label"')
                     .replace(b'"id": 2, "label"', b'"id": "b", "label"'))
    [doc] = read_file(path, "doccano").documents
    assert doc.meta["relations"] == [{"id": 1, "type": "in", "from": [0, 2, "LOC"], "to": [4, 6, "X"]}]


def test_many_label_studio_results_on_a_long_text_read_in_linear_time(tmp_path):
    text = "北京 " * 40_000
    results = [{**LS_RESULT, "value": {"start": 3 * i, "end": 3 * i + 2, "text": "北京", "labels": ["LOC"]}}
               for i in range(3_000)]
    path = tmp_path / "long.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"result": results}]}]),
                    encoding="utf-8")
    started = time.perf_counter()
    [doc] = read_file(path, "label-studio").documents
    assert len(doc.spans) == 3_000
    assert time.perf_counter() - started < 5  # 28 s when each result mapped the whole text to UTF-16 again


# -- devices and pipes ---------------------------------------------------------------------------------

DEVICE_SCRIPT = """
import sys
from nerdesk.formats import FORMATS, read_file
from nerdesk.core.errors import NerdeskError
for fmt in [None, *FORMATS]:
    try:
        read_file(sys.argv[1], fmt)
        print(fmt, "read")
    except NerdeskError as error:
        print(fmt, error.code, error)
"""


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_at_once_in_every_format_and_by_detection():
    done = subprocess.run([sys.executable, "-c", DEVICE_SCRIPT, "/dev/zero"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    said = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert set(said) == {"None", *FORMATS}
    for fmt, answer in said.items():
        if fmt == "brat":
            assert answer.startswith("E125 "), answer  # brat reads a directory, a .txt or a .ann
        else:
            assert answer == "E105 /dev/zero: is not a file but a device or a socket, which nerdesk cannot read " \
                             "as text; give a regular file", (fmt, answer)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_importing_dev_zero_as_jsonl_ends_at_once(tmp_path):
    command = [sys.executable, "-m", "nerdesk", "import", str(tmp_path / "p.nerdesk"), "--format", "jsonl",
               "/dev/zero"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (1, "nerdesk: error E105: /dev/zero: is not a file but a device or a "
                                                 "socket, which nerdesk cannot read as text; give a regular file\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_detection_names_a_pipe_and_a_missing_file_for_what_they_are(tmp_path):
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    with pytest.raises(FormatError) as caught:
        read_file(pipe)
    assert caught.value.code == "E102" and "is a pipe, not a regular file" in str(caught.value)
    with pytest.raises(FormatError) as missing:
        read_file(tmp_path / "gone.jsonl")
    assert missing.value.code == "E104"


# -- spaCy DocBin --------------------------------------------------------------------------------------

def _docbin(tmp_path: Path, change) -> Path:
    pytest.importorskip("spacy")
    import srsly
    path = tmp_path / "in.spacy"
    write_file([Document("北京 ab", [Span(0, 2, "LOC")]), Document("hello world", [Span(6, 11, "X")])], path,
               "spacy")
    fields = srsly.msgpack_loads(zlib.decompress(path.read_bytes()))
    change(fields, srsly)
    path.write_bytes(zlib.compress(srsly.msgpack_dumps(fields)))
    return path


def _span_field(group: bytes, offset: int, value: int) -> bytes:
    """A span group whose first span has ``value`` at ``offset``: spaCy packs a span as id, kb_id and label (8
    bytes each), then start and end tokens, start_char and end_char (4 bytes each), big-endian."""
    at = group.index(b"\xc4(") + 2 + offset  # msgpack's bin8 header of the span's 40 bytes
    return group[:at] + value.to_bytes(4, "big") + group[at + 4:]


def test_a_docbin_whose_span_does_not_fit_its_text_is_refused(tmp_path):
    def moved(fields, _):  # spaCy keeps a span's stored start_char (a big-endian int after 32 bytes) unchecked
        fields["span_groups"][0] = _span_field(fields["span_groups"][0], 32, 12_288)
    with pytest.raises(ImportProblems) as caught:
        read_file(_docbin(tmp_path, moved))
    [problem] = caught.value.problems
    assert problem.record == 1 and problem.code == "E004" and "span 12288..2 (LOC) is empty or reversed" in str(problem)


def test_a_docbin_with_a_damaged_span_group_is_refused_naming_the_document(tmp_path):
    def damaged(fields, _):  # the first span's end token (a big-endian int after 28 bytes) past the document
        fields["span_groups"][0] = _span_field(fields["span_groups"][0], 28, 99)
    with pytest.raises(ImportProblems) as caught:
        read_file(_docbin(tmp_path, damaged))
    [problem] = caught.value.problems
    assert problem.code == "E117" and problem.record == 1 and "the DocBin's document is damaged" in str(problem)
    assert "\n" not in str(problem)


def test_a_docbin_whose_metadata_is_not_json_is_refused(tmp_path):
    def binary_meta(fields, srsly):
        fields["user_data"][0] = srsly.msgpack_dumps({"nerdesk": {"meta": {"a": b"\xff"}, "status": "new"}})
    with pytest.raises(ImportProblems) as caught:
        read_file(_docbin(tmp_path, binary_meta))
    assert "metadata (user_data) is not plain JSON" in str(caught.value.problems[0])


def test_a_docbin_that_inflates_past_the_limit_is_refused_before_spacy_inflates_it(tmp_path, monkeypatch):
    """A small .spacy file can hold gigabytes of zeros; it is refused (E105) instead of filling the memory."""
    from nerdesk.formats import docbin

    bomb = tmp_path / "bomb.spacy"
    bomb.write_bytes(zlib.compress(b"\0" * 5_000_000, 9))
    assert bomb.stat().st_size < 10_000
    monkeypatch.setattr(docbin._check_inflated_size, "__defaults__", (1_000_000,))
    with pytest.raises(FormatError) as caught:
        read_file(bomb)
    assert caught.value.code == "E105" and "inflates to more than 1,000,000 bytes" in str(caught.value)
    small = tmp_path / "small.spacy"
    small.write_bytes(zlib.compress(b"\0" * 1000))
    with pytest.raises(FormatError) as caught:
        read_file(small)
    assert caught.value.code == "E117", "under the limit, spaCy's own reading judges the file"
