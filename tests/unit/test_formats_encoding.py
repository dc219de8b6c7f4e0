"""Encodings (UTF-8 with and without BOM, UTF-16 with BOM, GB18030/GBK) and \\r\\n handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.errors import FormatError
from nerdesk.formats import read_file, write_file
from nerdesk.formats.encoding import decode_bytes

RECORD = {"text": "彭小军在北京😀工作", "label": {"name": {"彭小军": [[0, 2]]}, "address": {"北京": [[4, 5]]}}}


def write(path: Path, content: str, encoding: str) -> Path:
    path.write_bytes(content.encode(encoding))
    return path


@pytest.mark.parametrize(("codec", "reported"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
])
def test_unicode_encodings_are_detected(tmp_path: Path, codec: str, reported: str) -> None:
    path = write(tmp_path / "data.json", json.dumps(RECORD, ensure_ascii=False) + "\n", codec)
    result = read_file(path)  # detection of the format works through the BOM too
    assert result.format == "cluener"
    assert result.encoding == reported
    doc = result.documents[0]
    assert doc.text == RECORD["text"]  # no BOM left in the text
    assert {(s.mention(doc.text), s.label) for s in doc.spans} == {("彭小军", "name"), ("北京", "address")}


@pytest.mark.parametrize(("codec", "extra"), [("gbk", ""), ("gb18030", "𠀀")])  # 𠀀 is outside GBK
def test_gb_encodings_are_detected(tmp_path: Path, codec: str, extra: str) -> None:
    text = "彭小军在北京，工作" + extra
    content = json.dumps({**RECORD, "text": text}, ensure_ascii=False)
    path = write(tmp_path / "data.json", content + "\n", codec)
    result = read_file(path, "cluener")
    assert result.encoding == "gb18030"  # GB18030 is a superset of GBK: one strict attempt reads both
    assert result.documents[0].text == text
    assert [s.mention(text) for s in result.documents[0].spans] == ["彭小军", "北京"]


def test_gb18030_conll(tmp_path: Path) -> None:
    path = write(tmp_path / "data.bio", "北 B-LOC\n京 I-LOC\n欢 O\n\n上 B-LOC\n海 I-LOC\n", "gb18030")
    result = read_file(path)
    assert (result.format, result.encoding) == ("conll", "gb18030")
    assert [d.text for d in result.documents] == ["北京欢", "上海"]


def test_encoding_can_be_chosen(tmp_path: Path) -> None:
    path = write(tmp_path / "data.txt", "北京\n上海\n", "gbk")
    result = read_file(path, "text", encoding="gbk")
    assert result.encoding == "gbk" and [d.text for d in result.documents] == ["北京", "上海"]
    with pytest.raises(FormatError) as caught:
        read_file(path, "text", encoding="utf-8")
    assert caught.value.code == "E106"
    with pytest.raises(FormatError) as caught:
        read_file(path, "text", encoding="no-such-codec")
    assert caught.value.code == "E107"


@pytest.mark.parametrize(("encoding", "code"), [("rot13", "E107"), ("base64", "E107"), ("zlib", "E107"),
                                                ("punycode", "E106"), ("idna", "E106")])
def test_codecs_that_are_not_of_text_or_that_fail_their_own_way_get_their_codes(tmp_path: Path, encoding, code):
    path = write(tmp_path / "data.txt", "北京\n上海\n", "gbk")
    with pytest.raises(FormatError) as caught:
        read_file(path, "text", encoding=encoding)
    assert caught.value.code == code, caught.value


def test_undecodable_input_says_which_encodings_were_tried(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(FormatError) as error:
        read_file(path, "text")
    message = str(error.value)
    assert error.value.code == "E106"
    assert "encodings tried" in message and "utf-8" in message and str(path) in message


def test_writers_write_utf8(tmp_path: Path) -> None:
    result = read_file(write(tmp_path / "in.json", json.dumps(RECORD, ensure_ascii=False) + "\n", "utf-16"))
    out = tmp_path / "out.json"
    write_file(result.documents, out, "cluener")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "彭小军".encode() in raw


CRLF_DOC = {"text": "第一行\r\n北京\r\n\r\n上海 end", "spans": [
    {"start": 5, "end": 7, "label": "LOC"}, {"start": 11, "end": 13, "label": "LOC"},
    {"start": 0, "end": 13, "label": "ALL"}]}


def test_crlf_is_kept_by_default(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_text(json.dumps(CRLF_DOC, ensure_ascii=False) + "\n", encoding="utf-8")
    result = read_file(path, "spacy")
    doc = result.documents[0]
    assert doc.text == CRLF_DOC["text"]
    assert sorted(s.key for s in doc.spans) == [(0, 13, "ALL"), (5, 7, "LOC"), (11, 13, "LOC")]
    assert not any("normalis" in w for w in result.warnings)


def test_crlf_normalize_shifts_offsets(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_text(json.dumps(CRLF_DOC, ensure_ascii=False) + "\n", encoding="utf-8")
    result = read_file(path, "spacy", newline="normalize")
    doc = result.documents[0]
    assert doc.text == "第一行\n北京\n\n上海 end"
    assert sorted(s.key for s in doc.spans) == [(0, 10, "ALL"), (4, 6, "LOC"), (8, 10, "LOC")]
    assert sorted((s.label, s.mention(doc.text)) for s in doc.spans) == [
        ("ALL", "第一行\n北京\n\n上海"), ("LOC", "上海"), ("LOC", "北京")]
    assert any("normalised 3 line breaks" in w for w in result.warnings)


def test_crlf_in_a_brat_text_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("one\r\n北京 two".encode())
    (tmp_path / "a.ann").write_text("T1\tLOC 5 7\t北京\n", encoding="utf-8")
    kept = read_file(tmp_path, "brat")
    assert kept.documents[0].spans[0].key == (5, 7, "LOC")
    normalised = read_file(tmp_path, "brat", newline="normalize")
    assert normalised.documents[0].text == "one\n北京 two"
    assert normalised.documents[0].spans[0].key == (4, 6, "LOC")
    with pytest.raises(FormatError, match="newline") as caught:
        read_file(tmp_path, "brat", newline="unix")
    assert caught.value.code == "E108"


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be", "gb18030", "utf-16"])
@pytest.mark.parametrize("shift", [0, 1, 2])
def test_files_longer_than_the_peek_are_detected_in_their_encoding(tmp_path: Path, codec: str, shift: int) -> None:
    """Detection peeks at 256 KiB, which may cut a character; it decodes as the reader does."""
    record = dict(RECORD, text=RECORD["text"] + "彭" * shift)  # moves where the peek cuts
    line = json.dumps(record, ensure_ascii=False) + "\n"
    path = write(tmp_path / "big.json", line * (300_000 // len(line.encode(codec)) + 1), codec)
    assert path.stat().st_size > 256 * 1024
    result = read_file(path)
    assert result.format == "cluener"
    assert result.documents[0].text == record["text"]
    assert result.encoding == codec  # "utf-16" has a byte-order mark; the others are told from the bytes



def test_utf8_with_an_emoji_written_as_two_utf16_halves_is_read_as_the_emoji():
    data = "看".encode() + "\ud83d".encode("utf-8", "surrogatepass") + "\ude0d".encode("utf-8", "surrogatepass")
    assert decode_bytes(data + "吧\r\n".encode()) == ("看😍吧\r\n", "utf-8")


def test_a_lone_utf16_half_in_a_text_file_is_refused_and_nothing_is_stored(tmp_path, capsys):
    from nerdesk.cli import main

    path = tmp_path / "notes.txt"
    path.write_bytes("第一行\n坏".encode() + "\ud83d".encode("utf-8", "surrogatepass") + b"\n")
    assert main(["import", str(tmp_path / "p.nerdesk"), str(path)]) == 1
    assert "lone surrogate \\ud83d" in capsys.readouterr().err
    assert not (tmp_path / "p.nerdesk").exists()
