"""Which existing paths an output file may replace.

An export or a prediction writes a new file over whatever ``--out`` names. It must never replace a
project (an SQLite database, whatever its name), the journal files SQLite keeps next to one
(``-wal``, ``-shm``, ``-journal``), or something that is not a regular file: a device such as
``/dev/full``, a FIFO, a socket or a folder. ``check_output_file`` refuses those with ``E126`` before
anything is written; a path that does not exist yet, or an ordinary file, passes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NoReturn

from nerdesk.core.errors import FormatError

SQLITE_HEADER = b"SQLite format 3\0"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
         (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def is_sqlite_database(path: str | Path) -> bool:
    """Whether ``path`` is a regular file starting with SQLite's header (a nerdesk project is one)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def check_output_file(path: str | Path, *, project: str | Path | None = None, folder_ok: bool = False) -> None:
    """Raise ``FormatError`` (``E126``) when writing a file at ``path`` would replace something it must not.

    Refused: ``project`` itself or its journal files, any SQLite database or its journal files, and an
    existing path that is not a regular file (links are followed). ``folder_ok`` lets a folder pass, for
    the formats that write one (brat).
    """
    path = Path(path)
    if project is not None and _names_database(path, Path(project)):
        _refuse(path, "is the project itself (or one of its journal files)")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not (folder_ok and stat.S_ISDIR(mode)):
        kind = next((name for test, name in KINDS if test(mode)), "a special file")
        _refuse(path, f"is {kind}, not a regular file", "give the path of a file")
    if mode is not None and is_sqlite_database(path):
        _refuse(path, "is an SQLite database (a nerdesk project?), which nerdesk never writes over")
    base = _journal_of(path)
    if base is not None and is_sqlite_database(base):
        _refuse(path, f"is a journal file of the SQLite database {base.name} (a nerdesk project?)")


def _names_database(path: Path, database: Path) -> bool:
    """Whether ``path`` is ``database`` or one of its journal files, links and ``..`` resolved."""
    target, base = Path(os.path.realpath(path)), Path(os.path.realpath(database))
    return target == base or any(target == base.with_name(base.name + side) for side in SQLITE_SIDE_FILES)


def _journal_of(path: Path) -> Path | None:
    """The database ``path`` would be a journal file of, by its name (``p.nerdesk-wal``: ``p.nerdesk``)."""
    resolved = Path(os.path.realpath(path))
    for side in SQLITE_SIDE_FILES:
        if resolved.name.endswith(side) and len(resolved.name) > len(side):
            return resolved.with_name(resolved.name[:-len(side)])
    return None


def _refuse(path: Path, reason: str, advice: str = "choose another output file") -> NoReturn:
    raise FormatError(f"{reason}; nothing was written: {advice}", path=str(path), code="E126")
