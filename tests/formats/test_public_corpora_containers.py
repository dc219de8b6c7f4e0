"""Corpora as they are downloaded packed (CoNLL-2002's ner.tgz, Few-NERD's supervised.zip) or as Hugging Face
tables (Parquet, Arrow): the import names what the file is and what to do, instead of listing the encodings that
failed to decode it. A nerdesk project given as a file to import is named too."""

from __future__ import annotations

import gzip
import io
import sqlite3
import tarfile
import zipfile

import pytest

from nerdesk.core.errors import FormatError
from nerdesk.formats import detect_format, read_file

CONLL = "EU\tB-ORG\nrejects\tO\n"


def gzipped(path):
    path.write_bytes(gzip.compress(CONLL.encode()))


def zipped(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("train.txt", CONLL)


def tarred(path):
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("train.txt")
        info.size = len(CONLL)
        archive.addfile(info, io.BytesIO(CONLL.encode()))


def parquet(path):  # the magic, a thrift page header byte, and the footer's magic
    path.write_bytes(b"PAR1\x15\x04\x15\x80\x01" + bytes(range(200)) + b"PAR1")


def arrow_stream(path):  # Dataset.save_to_disk's data-00000-of-00001.arrow: an IPC stream
    path.write_bytes(b"\xff\xff\xff\xff\x10\x01\x00\x00" + bytes(range(256)))


def project(path):
    sqlite3.connect(path).execute("create table documents (id integer)").connection.commit()


@pytest.mark.parametrize(("name", "make", "said"), [
    ("ner.conll.gz", gzipped, "gzip-compressed file, not a text file: unpack it"),
    ("supervised.zip", zipped, "ZIP archive, not a text file: unpack it \\(unzip"),
    ("ner.tar", tarred, "tar archive, not a text file: unpack it \\(tar xf"),
    ("train-00000-of-00001.parquet", parquet, "Parquet table"),
    ("data-00000-of-00001.arrow", arrow_stream, "Arrow table"),
    ("other.nerdesk", project, "nerdesk export OTHER --format jsonl"),
])
def test_a_container_is_named_with_what_to_do(tmp_path, name, make, said):
    path = tmp_path / name
    make(path)
    with pytest.raises(FormatError, match=said):
        detect_format(path)
    with pytest.raises(FormatError, match=said):
        read_file(path, "conll")


def test_a_conll_file_whose_first_token_is_par1_is_text(tmp_path):
    path = tmp_path / "odd.conll"
    path.write_text("PAR1\tO\nx\tO\n", encoding="utf-8")
    assert [doc.text for doc in read_file(path).documents] == ["PAR1 x"]
