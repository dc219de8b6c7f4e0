"""Import and export of every file format nerdesk reads and writes.

``read_file`` / ``read_files`` turn files into ``Document``s (all-or-nothing: a file with any bad
record imports nothing and raises ``ImportProblems`` listing every bad record), ``write_file`` writes
documents atomically as UTF-8 and returns warnings about anything the format could not keep
(``write_documents`` also counts the spans the file holds).
``FORMATS`` describes each format (reader, writer, extensions, what it keeps and loses, offsets).
Inside nerdesk offsets are code points, end exclusive; each format converts at its border.

Each format module declares its own ``SPECS`` (``registry`` collects them), ``detect`` tells formats
apart, and ``pipeline`` is what every import and export goes through.
"""

from __future__ import annotations

from nerdesk.formats._base import FormatSpec, ImportResult
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.encoding import decode_bytes
from nerdesk.formats.pipeline import (
    WriteResult,
    normalize_newlines,
    read_file,
    read_files,
    write_documents,
    write_file,
)
from nerdesk.formats.registry import ALIASES, FORMATS, detect_format, format_for_suffix, resolve_format

__all__ = [
    "ALIASES", "FORMATS", "FormatSpec", "ImportResult", "atomic_write_text", "decode_bytes", "detect_format",
    "format_for_suffix", "normalize_newlines", "read_file", "read_files", "resolve_format",
    "write_documents", "write_file", "WriteResult",
]
