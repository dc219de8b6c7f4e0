"""Build the nerdesk desktop package for the platform this runs on.

    pip install -e ".[installer]"        # PyInstaller 6, once
    python installer/build.py            # -> dist/nerdesk/ and the platform package

- Linux: ``dist/nerdesk/`` (one folder), ``dist/nerdesk-<version>-linux-<arch>.tar.gz`` holding that
  folder, the menu entry, icons, the project file type and ``install.sh``, and ``dist/nerdesk_<version>_<arch>.deb``
  (see docs/installing.md). Before packaging, the folder is checked (library_check.py): every library
  dependency resolves inside it or is one every desktop has, no file needs a glibc newer than the floor
  (``--glibc-floor``, 2.31 by default), no CUDA or development leftovers. A failed check stops the build.
- Windows: ``dist\\nerdesk\\``, then ``dist\\nerdesk-<version>-windows-x64-setup.exe`` when Inno Setup's
  ``iscc`` is on PATH (installer/windows/nerdesk.iss).
- macOS: ``dist/nerdesk.app``; ``installer/macos/make_dmg.sh`` wraps it in a disk image.

Each run writes ``dist/build-report.json``: build time, folder and archive sizes, the largest parts of the
folder (torch dominates), the glibc it needs and the checks' findings, the figures quoted in
docs/benchmarks.md. Every package gets a ``.sha256`` file beside it (``sha256sum -c`` checks a download).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_info  # noqa: E402
import deb  # noqa: E402
import library_check  # noqa: E402

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
    parser.add_argument("--glibc-floor", default=library_check.GLIBC_FLOOR, metavar="2.X",
                        help=f"newest glibc any bundled file may need (default {library_check.GLIBC_FLOOR}, "
                             "Ubuntu 20.04); raising it narrows the distributions the package runs on")
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


def check_linux_folder(folder: Path, glibc_floor: str) -> dict:
    """library_check's findings on the program folder; ``problems`` lists what fails the build."""
    files = library_check.elf_files(folder)
    unresolved = library_check.unresolved_dependencies(folder, files)
    above_floor, needed = library_check.symbols_above_floor(folder, glibc_floor, files)
    leftovers = library_check.leftovers(folder)
    problems = [*(f"{name}: needs {', '.join(deps)}" for name, deps in unresolved.items()),
                *(f"{name}: needs {versions}, above the glibc {glibc_floor} floor" for name, versions in
                  above_floor.items()),
                *(f"{name}: a build-machine leftover" for name in leftovers)]
    return {"elf_files": len(files), "glibc_floor": glibc_floor, "glibc_required": needed["glibc"],
            "glibcxx_required": needed["glibcxx"],
            "runs_on": library_check.distributions_for(needed["glibc"]) if needed["glibc"] else None,
            "problems": problems}


def write_sha256(package: Path) -> Path:
    """``<package>.sha256`` in ``sha256sum`` format, so ``sha256sum -c`` verifies a download."""
    digest = hashlib.sha256()
    with package.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    checksum = package.with_name(package.name + ".sha256")
    checksum.write_text(f"{digest.hexdigest()}  {package.name}\n", encoding="utf-8")
    return checksum


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


def readme_text(template: Path, glibc: str | None) -> str:
    """The tarball's README with the glibc the build needs and the distributions that have it."""
    glibc = glibc or library_check.GLIBC_FLOOR
    return template.read_text(encoding="utf-8").format(glibc=glibc,
                                                       distributions=library_check.distributions_for(glibc))


def make_linux_tarball(program_folder: Path, dist: Path, version: str = app_info.VERSION,
                       glibc: str | None = None) -> Path:
    """``<dist>/nerdesk-<version>-linux-<arch>.tar.gz``: the program folder plus the desktop integration."""
    stem = app_info.linux_archive_stem(version)
    archive = dist / f"{stem}.tar.gz"
    partial = archive.with_name(archive.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(program_folder, arcname=f"{stem}/{app_info.NAME}")
        for name, source in linux_share_files().items():
            data = source.read_bytes()
            if name == "README.txt":
                data = readme_text(source, glibc).encode("utf-8")
            info = tar.gettarinfo(source, arcname=f"{stem}/{name}")
            info.mode, info.size = (0o755 if name.endswith(".sh") else 0o644), len(data)
            tar.addfile(info, io.BytesIO(data))
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


def make_packages(dist: Path, glibc: str | None) -> list[Path]:
    if sys.platform.startswith("linux"):
        folder = dist / app_info.NAME
        return [make_linux_tarball(folder, dist, glibc=glibc),
                deb.make_deb(folder, dist, linux_share_files(), glibc=glibc)]
    if sys.platform.startswith("win"):
        installer = make_windows_installer(dist)
        return [installer] if installer else []
    print(f"macOS: {dist / (app_info.NAME + '.app')} is built; installer/macos/make_dmg.sh makes the disk image")
    return []


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_icons()
    program_folder = args.dist / app_info.NAME
    freeze_seconds = None if args.skip_freeze else freeze(args.dist, args.work)
    if not program_folder.is_dir():
        raise SystemExit(f"{program_folder} does not exist; run without --skip-freeze")
    report = {
        "version": app_info.VERSION, "platform": sys.platform, "machine": app_info.machine(),
        "freeze_seconds": round(freeze_seconds, 1) if freeze_seconds is not None else None,
        "folder_bytes": folder_size(program_folder), "largest_parts": largest_parts(program_folder),
        "models": [path.name for path in app_info.shipped_models()],
    }
    checks = check_linux_folder(program_folder, args.glibc_floor) if sys.platform.startswith("linux") else None
    report["checks"] = checks
    if checks and checks["problems"]:
        write_report(args.dist, report)
        print(f"build failed: {len(checks['problems'])} problem(s) in {program_folder}:", file=sys.stderr)
        for problem in checks["problems"][:40]:
            print(f"  {problem}", file=sys.stderr)
        print("see dist/build-report.json and docs/installing.md (Building the packages)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    packages = [] if args.no_package else make_packages(args.dist, checks and checks["glibc_required"])
    report["package_seconds"] = round(time.perf_counter() - started, 1)
    report["packages"] = [{"file": str(package), "bytes": package.stat().st_size,
                           "sha256_file": str(write_sha256(package))} for package in packages]
    write_report(args.dist, report)
    print(json.dumps(report, indent=2))
    return 0


def write_report(dist: Path, report: dict) -> None:
    (dist / "build-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
