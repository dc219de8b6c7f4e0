"""A file that is UTF-8 but for a few bytes is refused, naming the first bad byte and its line, instead of being
read in a guessed encoding (cp1252 made "Zürich" "ZÃ¼rich"); its encoding can still be given. Devices such as
/dev/zero, which never end, and files over the size limit are refused before reading."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nerdesk.core.errors import FormatError
from nerdesk.formats import encoding, read_file

CITIES = "Müller, Köln, Genève, Mälaren, Ærø, señor, São Paulo, façade\n"  # enough UTF-8 to outweigh GB18030


def write(tmp_path: Path, data: bytes, name: str = "in.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read_file(path, "text")
    assert caught.value.code == "E106" and "\n" not in str(caught.value)
    return caught.value


def test_a_latin_utf8_file_with_one_bad_byte_names_the_byte_and_its_line(tmp_path):
    path = write(tmp_path, "Zürich\ncafé au lait\n".encode() + b"cr\xe8me\n" + CITIES.encode())
    assert str(refused(path)) == (
        f"{path}: the file is UTF-8 but for 1 byte (0xE8) at byte 24 (line 3): it may be damaged or "
        "mix two encodings; fix those bytes, or give its encoding (--encoding) if the whole file is in another one")
    with pytest.raises(FormatError):  # asked for UTF-8, strictly
        read_file(path, "text", encoding="utf-8")
    mixed = read_file(path, "text", encoding="cp1252")
    assert [d.text for d in mixed.documents] == ["ZÃ¼rich", "cafÃ© au lait", "crème",
                                                  CITIES.encode().decode("cp1252").strip()]


def test_a_short_file_with_a_byte_no_encoding_tried_reads_is_refused_too(tmp_path):
    path = write(tmp_path, "Zürich café".encode() + b"\xff\n")
    assert "UTF-8 but for 1 byte (0xFF) at byte 13 (line 1)" in str(refused(path))


def test_a_chinese_utf8_file_with_one_bad_byte_is_not_read_as_gb18030(tmp_path):
    lines = ["张伟在北京大学读书。", "李娜去了上海。", "王芳在华为公司工作。"] * 20
    data = "\n".join(lines).encode()
    at = data.index("上海".encode())
    path = write(tmp_path, data[:at] + b"\xff" + data[at:])
    assert "for 1 byte (0xFF) at byte " + str(at) + " (line 2)" in str(refused(path))


def test_a_file_cut_inside_its_last_character_is_refused(tmp_path):
    data = "北京欢迎你\n上海".encode()
    path = write(tmp_path, data[:-1])
    assert f"the first (0xE6) at byte {len(data) - 3} (line 2)" in str(refused(path))


@pytest.mark.parametrize("text", ["专家观看书画作品", "彭小军在北京，工作\n李娜去了上海。\n"])
def test_gbk_text_with_a_few_valid_utf8_sequences_by_chance_is_still_gbk(tmp_path, text):
    result = read_file(write(tmp_path, text.encode("gbk")), "text", split="document")
    assert result.encoding == "gb18030" and result.documents[0].text == text


def test_a_legacy_single_byte_file_without_utf8_in_it_is_still_read(tmp_path):
    result = read_file(write(tmp_path, "Café München Zürich\nÉcole\n".encode("latin-1")), "text")
    assert [d.text for d in result.documents] == ["Café München Zürich", "École"]


def test_reading_dev_zero_is_refused_at_once(tmp_path):
    command = [sys.executable, "-m", "nerdesk", "import", str(tmp_path / "p.nerdesk"), "/dev/zero", "--format", "text"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == ("nerdesk: error E105: /dev/zero: is not a file but a device or a socket, which nerdesk "
                           "cannot read as text; give a regular file\n")
    assert not (tmp_path / "p.nerdesk").exists()


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, b"one\ntwo\n" * 4)
    monkeypatch.setattr(encoding, "MAX_INPUT_BYTES", 16)
    with pytest.raises(FormatError) as caught:
        read_file(path, "text")
    assert caught.value.code == "E105"
    assert str(caught.value) == f"{path}: the file has 32 bytes; nerdesk reads at most 16 bytes from one file: split " \
                                "it into smaller files"


def test_a_pipe_is_read_to_its_end(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as handle:
            handle.write("北京\n上海\n".encode())

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        assert [d.text for d in read_file(fifo, "text").documents] == ["北京", "上海"]
    finally:
        writer.join(timeout=10)


def mostly_english_conll(latin1_words: list[str]) -> bytes:
    """CoNLL rows, mostly ASCII, five place names in UTF-8, then words some other tool wrote in Latin-1."""
    rows = [b"The O\nmeeting O\nin O\nParis B-LOC\n\n" * 300]
    rows += [word.encode("utf-8") + b" B-LOC\n\n" for word in ["Zürich", "Café", "Köln", "José", "Málaga"]]
    rows += [word.encode("latin-1") + b" B-PER\n\n" for word in latin1_words]
    return b"".join(rows)


@pytest.mark.parametrize("latin1_words", [["Müller"], ["Müller", "Gödel"]])
def test_a_few_utf8_words_and_a_latin1_one_are_refused_not_read_as_gb18030(tmp_path, latin1_words):
    # The UTF-8 letters make valid GB18030 pairs: the file was read as GB18030 without a word ("Z眉rich",
    # "M谩laga", "M黮ler"), since a tenth of its non-ASCII characters were bytes that are not UTF-8.
    path = write(tmp_path, mostly_english_conll(latin1_words), "mixed.conll")
    with pytest.raises(FormatError, match=r"UTF-8 but for \d+ bytes?.*line 1511") as caught:
        read_file(path)
    assert caught.value.code == "E106"


def test_chinese_with_latin_words_still_reads_as_gb18030(tmp_path):
    text = "iPhone手机在NBA球星中流行，A股上涨。Zürich是城市。\n" * 20
    path = write(tmp_path, text.encode("gbk"))
    result = read_file(path, "text")
    assert result.encoding == "gb18030" and result.documents[0].text == text.splitlines()[0]
