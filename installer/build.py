"""Build the nerdesk desktop package for the platform this runs on.

    pip install -e ".[installer]"        # PyInstaller 6, once
    python installer/build.py            # -> dist/nerdesk/ and the platform package

- Linux: ``dist/nerdesk/`` (one folder) and ``dist/nerdesk-<version>-linux-<arch>.tar.gz`` holding that
  folder, the menu entry, icons, the project file type and ``install.sh`` (see docs/installing.md).
- Windows: ``dist\\nerdesk\\``, then ``dist\\nerdesk-<version>-windows-x64-setup.exe`` when Inno Setup's
  ``iscc`` is on PATH (installer/windows/nerdesk.iss).
- macOS: ``dist/nerdesk.app``; ``installer/macos/make_dmg.sh`` wraps it in a disk image.

Each run writes ``dist/build-report.json``: build time, folder and archive sizes, and the largest parts
of the folder (torch dominates), the figures quoted in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_info  # noqa: E402

LINUX_DIR = app_info.INSTALLER_DIR / "linux"
ISS_FILE = app_info.INSTALLER_DIR / "windows" / "nerdesk.iss"
SPEC_FILE = app_info.INSTALLER_DIR / "nerdesk.spec"
ICON_FILES = ("app-icon.svg", "app-icon.png", "app-icon-256.png", "app-icon.ico", "app-icon.icns")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=app_info.DIST_DIR, help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=app_info.WORK_DIR,
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    parser.add_argument("--skip-freeze", action="store_true",
                        help="reuse an existing dist/nerdesk/ and only make the platform package")
    parser.add_argument("--no-package", action="store_true", help="stop after the one-folder build")
    return parser.parse_args(argv)


def check_icons() -> None:
    missing = [name for name in ICON_FILES if not (app_info.RESOURCES / name).is_file()]
    if missing:
        raise SystemExit(f"resources/ lacks {', '.join(missing)}; run python installer/make_icons.py first")


def freeze(dist: Path, work: Path) -> float:
    """Run PyInstaller on the spec; returns the seconds it took."""
    command = [sys.executable, "-m", "PyInstaller", str(SPEC_FILE), "--noconfirm", "--clean",
               "--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN"]
    print("+", " ".join(command), flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=app_info.ROOT)
    return time.perf_counter() - started


def folder_size(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file() and not entry.is_symlink())


def largest_parts(folder: Path, count: int = 8) -> dict[str, int]:
    """Sizes of the biggest top-level entries of the folder and of its ``_internal`` folder."""
    internal = folder / "_internal"
    entries = [*folder.iterdir(), *(internal.iterdir() if internal.is_dir() else [])]
    sizes = {str(entry.relative_to(folder)): folder_size(entry) if entry.is_dir() else entry.stat().st_size
             for entry in entries if entry != internal and not entry.is_symlink()}
    return dict(sorted(sizes.items(), key=lambda item: -item[1])[:count])


def glibc_required(folder: Path) -> str | None:
    """The newest ``GLIBC_x.y`` symbol version any executable or library of the folder asks for."""
    versions = set()
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and (".so" in path.name or os.access(path, os.X_OK)):
            with path.open("rb") as stream:
                if stream.read(4) != b"\x7fELF":
                    continue
                versions.update(re.findall(rb"GLIBC_(2\.\d+)", stream.read()))
    newest = max(versions, key=lambda v: tuple(int(part) for part in v.split(b".")), default=None)
    return newest.decode() if newest else None


def linux_share_files() -> dict[str, Path]:
    """Archive path (under the top folder) -> source file, for everything besides the program folder."""
    return {
        "install.sh": LINUX_DIR / "install.sh",
        "share/applications/nerdesk.desktop": LINUX_DIR / "nerdesk.desktop",
        "share/mime/packages/nerdesk.xml": LINUX_DIR / "nerdesk-mime.xml",
        "share/icons/hicolor/scalable/apps/nerdesk.svg": app_info.RESOURCES / "app-icon.svg",
        "share/icons/hicolor/256x256/apps/nerdesk.png": app_info.RESOURCES / "app-icon-256.png",
        "share/icons/hicolor/512x512/apps/nerdesk.png": app_info.RESOURCES / "app-icon.png",
        "README.txt": LINUX_DIR / "README.txt",
    }


def make_linux_tarball(program_folder: Path, dist: Path, version: str = app_info.VERSION) -> Path:
    """``<dist>/nerdesk-<version>-linux-<arch>.tar.gz``: the program folder plus the desktop integration."""
    stem = app_info.linux_archive_stem(version)
    archive = dist / f"{stem}.tar.gz"
    partial = archive.with_name(archive.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(program_folder, arcname=f"{stem}/{app_info.NAME}")
        for name, source in linux_share_files().items():
            info = tar.gettarinfo(source, arcname=f"{stem}/{name}")
            info.mode = 0o755 if name.endswith(".sh") else 0o644
            with source.open("rb") as stream:
                tar.addfile(info, stream)
    os.replace(partial, archive)
    return archive


def make_windows_installer(dist: Path) -> Path | None:
    compiler = shutil.which("iscc") or shutil.which("ISCC")
    if compiler is None:
        print("iscc (Inno Setup 6) is not on PATH: skipping the setup program; dist\\nerdesk\\ is ready")
        return None
    subprocess.run([compiler, f"/DAppVersion={app_info.VERSION}", f"/DDistDir={dist}", f"/O{dist}",
                    str(ISS_FILE)], check=True)
    return dist / f"{app_info.NAME}-{app_info.VERSION}-windows-x64-setup.exe"


def make_package(dist: Path) -> Path | None:
    if sys.platform.startswith("linux"):
        return make_linux_tarball(dist / app_info.NAME, dist)
    if sys.platform.startswith("win"):
        return make_windows_installer(dist)
    print(f"macOS: {dist / (app_info.NAME + '.app')} is built; installer/macos/make_dmg.sh makes the disk image")
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_icons()
    program_folder = args.dist / app_info.NAME
    freeze_seconds = None if args.skip_freeze else freeze(args.dist, args.work)
    if not program_folder.is_dir():
        raise SystemExit(f"{program_folder} does not exist; run without --skip-freeze")
    started = time.perf_counter()
    package = None if args.no_package else make_package(args.dist)
    report = {
        "version": app_info.VERSION, "platform": sys.platform, "machine": app_info.machine(),
        "freeze_seconds": round(freeze_seconds, 1) if freeze_seconds is not None else None,
        "package_seconds": round(time.perf_counter() - started, 1),
        "folder_bytes": folder_size(program_folder),
        "package": str(package) if package else None,
        "package_bytes": package.stat().st_size if package and package.is_file() else None,
        "largest_parts": largest_parts(program_folder),
        "glibc_required": glibc_required(program_folder) if sys.platform.startswith("linux") else None,
        "models": [path.name for path in app_info.shipped_models()],
    }
    (args.dist / "build-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
