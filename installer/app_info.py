"""Names, version and paths shared by the build script, the PyInstaller spec, the platform recipes and
their tests, so that each value has one home. The version is read from ``pyproject.toml``."""

from __future__ import annotations

import platform
import re
from pathlib import Path

INSTALLER_DIR = Path(__file__).resolve().parent
ROOT = INSTALLER_DIR.parent
RESOURCES = ROOT / "resources"
MODELS = ROOT / "models"

NAME = "nerdesk"
DISPLAY_NAME = "nerdesk"
SUMMARY = "Named-entity annotation with nested spans, GlobalPointer models and offline prediction"
BUNDLE_ID = "org.nerdesk.nerdesk"
PROJECT_SUFFIX = ".nerdesk"
PROJECT_MIME_TYPE = "application/x-nerdesk-project"

# Default output folders, relative to the repository root (both are git-ignored).
DIST_DIR = ROOT / "dist"
WORK_DIR = ROOT / "build" / "pyinstaller"


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """``[project] version`` of pyproject.toml (read without tomllib, which Python 3.10 lacks)."""
    in_project = False
    for line in pyproject.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_project = stripped == "[project]"
        elif in_project and (match := re.fullmatch(r'version\s*=\s*"([^"]+)"', stripped)):
            return match.group(1)
    raise SystemExit(f"{pyproject}: no version in its [project] table; add version = \"X.Y.Z\"")


VERSION = project_version()


def machine() -> str:
    """The CPU architecture as archive names spell it (x86_64, aarch64, ...)."""
    name = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(name, name)


def linux_archive_stem(version: str = VERSION) -> str:
    """``nerdesk-<version>-linux-<arch>``: the tarball's name without ``.tar.gz`` and its top folder."""
    return f"{NAME}-{version}-linux-{machine()}"


def shipped_models(models_dir: Path = MODELS) -> list[Path]:
    """The model bundles in ``models/`` (folders holding ``bundle.json``); scripts there are not shipped."""
    if not models_dir.is_dir():
        return []
    return sorted(path for path in models_dir.iterdir() if (path / "bundle.json").is_file())
