"""Writing an output file whole or not at all: a temporary file in the same folder, then ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from nerdesk.core.errors import FormatError
from nerdesk.core.output_paths import check_output_file


def atomic_write_text(path: Path, content: str) -> None:
    """Write UTF-8 text to ``path`` through a temporary file in the same directory and ``os.replace``."""
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError as error:
        raise FormatError(f"cannot write a lone surrogate (U+{ord(error.object[error.start]):04X}) as UTF-8 at "
                          f"character {error.start}; fix the text first", path=str(path), code="E122") from error
    atomic_write_bytes(path, data)


def atomic_write_bytes(path: Path, content: bytes) -> None:
    """Write ``content`` through a temporary file and ``os.replace``, with the mode a plain ``open`` gives.

    ``mkstemp`` creates files readable by the owner only; the file gets the mode the umask allows
    (``0666 & ~umask``), or keeps the mode of the file it replaces. Only a new path or a regular file is
    replaced (``nerdesk.core.output_paths``): an SQLite database (a project) or its journal files, a
    device (``/dev/full``, ``/dev/stdout`` on a terminal or pipe), a FIFO or a folder is refused with
    ``E126`` and left as it was. A symbolic link is followed: the file it points to is replaced, the link
    stays.
    """
    check_output_file(path)
    path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        blocking = _file_for_a_folder(directory)
        why = f"{blocking} is a file, not a folder" if blocking else error.strerror or str(error)
        raise FormatError(f"cannot write here: {why}", path=str(path), code="E109") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as error:
        _remove_quietly(tmp)
        raise FormatError(f"cannot write the file: {error.strerror or error}", path=str(path), code="E109") from error
    except BaseException:
        _remove_quietly(tmp)
        raise


def _file_for_a_folder(directory: Path) -> Path | None:
    """The nearest of ``directory`` and its parents that exists, when it is not a folder ("File exists" is what
    the system says when ``out.txt/x.jsonl`` is asked for and ``out.txt`` is a file)."""
    for folder in (directory, *directory.parents):
        if os.path.lexists(folder):
            return None if folder.is_dir() else folder
    return None


def _mode_for(path: Path) -> int:
    """The mode of the file being replaced, else what the umask leaves of ``0666``."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask, read without changing it where the system tells it (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
