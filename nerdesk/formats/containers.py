"""Files that hold a corpus without being one: archives, Parquet and Arrow tables, SQLite databases.

A corpus is often downloaded packed (CoNLL-2002's ``ner.tgz``, Few-NERD's ``supervised.zip``) or, from the
Hugging Face hub, as a Parquet or Arrow table. None of them is text, so the import would only say that no encoding
decodes it; ``refuse_container`` names what the file is and what to do with it instead.
"""

from __future__ import annotations

from nerdesk.core.errors import FormatError

_TO_JSON = ("write it as JSON lines with the datasets library ({load}.to_json(\"train.jsonl\")) and import that, "
            "with --tag-names if its tags are numbers")
_UNPACK = "unpack it ({how}) and import the files inside"


def _kind(data: bytes) -> tuple[str, str] | None:
    """``(what the file is, what to do)`` for the containers recognised by their first (or last) bytes."""
    if data.startswith(b"\x1f\x8b"):
        return "a gzip-compressed file", _UNPACK.format(how="gunzip FILE, or tar xzf FILE for a .tar.gz or .tgz")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a ZIP archive", _UNPACK.format(how="unzip FILE")
    if data.startswith(b"\xfd7zXZ\x00") or (data.startswith(b"BZh") and data[4:10] == b"1AY&SY"):
        return "an xz or bzip2-compressed file", _UNPACK.format(how="tar xf FILE, unxz FILE or bunzip2 FILE")
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "a 7-Zip archive", _UNPACK.format(how="7z x FILE")
    if data[257:262] == b"ustar":
        return "a tar archive", _UNPACK.format(how="tar xf FILE")
    if data.startswith(b"PAR1") and len(data) > 4 and data[4] < 0x20 and data[4] not in b"\t\n\r":
        return ("a Parquet table (as the Hugging Face hub serves datasets)",
                _TO_JSON.format(load='datasets.load_dataset("parquet", data_files="FILE")["train"]'))
    if data.startswith((b"ARROW1", b"\xff\xff\xff\xff")):
        return ("an Arrow table (as the Hugging Face datasets library saves them)",
                _TO_JSON.format(load='datasets.Dataset.from_file("FILE")'))
    if data.startswith(b"SQLite format 3\x00"):
        return ("a SQLite database (a nerdesk project?)",
                "to bring in another project's documents, export them from it (nerdesk export OTHER --format jsonl "
                "--out docs.jsonl) and import that file")
    return None


def refuse_container(data: bytes, path: str | None) -> None:
    """Raise a ``FormatError`` (E106) naming the container ``data`` is and what to do, if it is one."""
    kind = _kind(data)
    if kind is not None:
        what, todo = kind
        raise FormatError(f"{what}, not a text file: {todo}", path=path, code="E106")
