"""The Debian/Ubuntu package: ``dist/nerdesk_<version>_<arch>.deb``, made with ``dpkg-deb`` from the program
folder and the same desktop files as the tarball.

    /usr/lib/nerdesk/                                  the program folder (executable, models/, _internal/)
    /usr/bin/nerdesk                                   a link to the executable
    /usr/share/applications/nerdesk.desktop            the menu entry
    /usr/share/icons/hicolor/*/apps/nerdesk.{svg,png}  the icon
    /usr/share/mime/packages/nerdesk.xml               the .nerdesk project file type
    /usr/share/doc/nerdesk/{copyright,changelog.gz}    what Debian policy asks of every package
    /usr/share/lintian/overrides/nerdesk               the lintian tags a bundled application cannot avoid

No maintainer scripts: dpkg's file triggers (desktop-file-utils, shared-mime-info, hicolor-icon-theme)
refresh menus, file types and icons on install and removal. ``apt remove nerdesk`` uninstalls it, leaving
projects and settings in the home folder alone. ``Depends`` names the system libraries the folder takes from
the system (library_check.SYSTEM_LIBRARIES), with the glibc the build measured.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import app_info

PREFIX = "usr/lib/nerdesk"
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
MAINTAINER = "nerdesk maintainers <nerdesk@users.noreply.github.com>"
SYNOPSIS = "named-entity annotation with nested spans, offline"  # Debian: under 80 characters
# Debian package of each system library group the folder uses (names valid on Debian 11+ and Ubuntu 20.04+).
DEPENDS = ("libstdc++6 (>= 10)", "libgcc-s1", "libexpat1", "zlib1g", "libgl1", "libegl1", "libx11-6", "libx11-xcb1",
           "libxcb1", "libfontconfig1", "libfreetype6", "libdbus-1-3", "libxkbcommon0", "libglib2.0-0",
           "libwayland-client0")
LINTIAN_OVERRIDES = """\
# A self-contained application: Python, Qt, ONNX Runtime and torch are inside /usr/lib/nerdesk.
nerdesk: embedded-library *
nerdesk: unstripped-binary-or-object *
nerdesk: shared-library-lacks-prerequisites *
nerdesk: hardening-no-relro *
nerdesk: hardening-no-fortify-functions *
nerdesk: hardening-no-pie *
nerdesk: hardening-no-bindnow *
nerdesk: library-not-linked-against-libc *
nerdesk: shlib-without-PT_GNU_STACK-section *
nerdesk: executable-in-usr-lib *
nerdesk: package-contains-python-dot-directory *
nerdesk: package-installs-python-pycache-dir *
nerdesk: repeated-path-segment *
nerdesk: no-manual-page *
nerdesk: spelling-error-in-binary *
nerdesk: extra-license-file *
nerdesk: package-contains-vcs-control-file *
nerdesk: image-file-in-usr-lib *
nerdesk: font-in-non-font-package *
nerdesk: package-contains-documentation-outside-usr-share-doc *
nerdesk: script-not-executable *
nerdesk: custom-library-search-path *
nerdesk: arch-dependent-file-not-in-arch-specific-directory *
nerdesk: exit-in-shared-library *
nerdesk: static-library-has-unneeded-sections *
# torch ships modules that start with "#!/usr/bin/env/python3" (transformers with "#!python"): they are
# imported by the bundled Python, never run, and have no execute bit in the package.
nerdesk: wrong-path-for-interpreter *
nerdesk: unusual-interpreter *
# Data files of bundled packages, compressed by their authors.
nerdesk: package-contains-timestamped-gzip *
"""


def deb_architecture() -> str:
    return DEB_ARCH.get(app_info.machine(), app_info.machine())


def deb_name(version: str = app_info.VERSION) -> str:
    return f"{app_info.NAME}_{version}_{deb_architecture()}.deb"


def control_text(version: str, installed_kib: int, glibc: str | None) -> str:
    depends = [f"libc6 (>= {glibc})" if glibc else "libc6", *DEPENDS]
    return (f"Package: {app_info.NAME}\nVersion: {version}\nArchitecture: {deb_architecture()}\n"
            f"Maintainer: {MAINTAINER}\nInstalled-Size: {installed_kib}\nDepends: {', '.join(depends)}\n"
            f"Section: science\nPriority: optional\nHomepage: https://github.com/nerdesk/nerdesk\n"
            f"Description: {SYNOPSIS}\n"
            " Desktop app for annotating named entities, nested ones included: the\n"
            " predictions of GlobalPointer models drawn as overlapping highlights,\n"
            " corrected with mouse and keyboard, retrained on the corrections and\n"
            " exported to JSON. Works offline; the default models, Python, Qt,\n"
            " ONNX Runtime and PyTorch are bundled in /usr/lib/nerdesk.\n")


def is_program(path: Path) -> bool:
    """A file that is run, not loaded: an ELF executable (not a shared library), or a script outside
    ``_internal``. Wheels ship shared libraries, metadata and modules with execute bits (torch's even with a
    broken ``#!/usr/bin/env/python3`` line), which Debian policy and lintian reject."""
    if ".so" in path.name or not os.access(path, os.X_OK):
        return False
    with path.open("rb") as stream:
        head = stream.read(18)
    if head[:4] == b"\x7fELF":
        return head[16:18] in (b"\x02\x00", b"\x03\x00")  # ET_EXEC, or ET_DYN for position-independent ones
    return head[:2] == b"#!" and "_internal" not in path.parts


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or is_program(path) else 0o644)


def write_file(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    path.chmod(mode)


def stage_tree(root: Path, program_folder: Path, share_files: dict[str, Path], version: str) -> None:
    """Lay out the package's files under ``root`` (everything but DEBIAN/)."""
    copy_tree(program_folder, root / PREFIX)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / app_info.NAME).symlink_to(f"../lib/nerdesk/{app_info.NAME}")
    for name, source in share_files.items():
        if name.startswith("share/"):
            write_file(root / "usr" / name, source.read_bytes())
    doc = root / "usr" / "share" / "doc" / app_info.NAME
    write_file(doc / "copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
               f"Upstream-Name: {app_info.NAME}\n\nFiles: *\nCopyright: 2026 nerdesk contributors\nLicense: MIT\n"
               " The bundled components keep their own licences; see /usr/lib/nerdesk/_internal/*.dist-info.\n")
    changelog = f"{app_info.NAME} ({version}) unstable; urgency=low\n\n  * Release {version}.\n\n" \
                f" -- {MAINTAINER}  Mon, 01 Jan 2024 00:00:00 +0000\n"
    write_file(doc / "changelog.gz", gzip.compress(changelog.encode("utf-8"), mtime=0))
    write_file(root / "usr" / "share" / "lintian" / "overrides" / app_info.NAME, LINTIAN_OVERRIDES)


def md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.relative_to(root).parts[0] != "DEBIAN":
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root)}\n")
    return "".join(lines)


def make_deb(program_folder: Path, dist: Path, share_files: dict[str, Path], *, version: str = app_info.VERSION,
             glibc: str | None = None) -> Path:
    """Build ``dist/nerdesk_<version>_<arch>.deb``; needs ``dpkg-deb`` (any Debian or Ubuntu)."""
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("dpkg-deb is missing: the .deb is built on Debian or Ubuntu (apt-get install dpkg)")
    package = dist / deb_name(version)
    with tempfile.TemporaryDirectory(prefix="nerdesk-deb-", dir=dist) as scratch:
        root = Path(scratch) / "root"
        stage_tree(root, program_folder, share_files, version)
        installed = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
        write_file(root / "DEBIAN" / "control", control_text(version, (installed + 1023) // 1024, glibc))
        write_file(root / "DEBIAN" / "md5sums", md5sums(root))
        root.chmod(0o755)
        partial = package.with_name(package.name + ".part")
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(partial)],
                       check=True, stdout=subprocess.DEVNULL)
        os.replace(partial, package)
    return package


def dpkg_in_root(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``dpkg ARGS`` acting on a separate root with its own, empty, package database (the dependencies are
    not installed there, hence ``--force-depends``): installs and removes a .deb without touching the system."""
    admin = root / "var" / "lib" / "dpkg"
    for name in ("info", "updates", "triggers"):
        (admin / name).mkdir(parents=True, exist_ok=True)
    for name in ("status", "available"):
        (admin / name).touch()
    command = ["dpkg", f"--root={root}", f"--admindir={admin}", "--log=/dev/null", "--force-depends",
               "--force-not-root", "--no-triggers", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
