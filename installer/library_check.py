"""Checks of the shared libraries in a Linux one-folder build, run by ``build.py`` before packaging.

1. **Every dependency resolves.** ``ldd`` runs over every ELF file of the folder with the folder's
   ``_internal`` on ``LD_LIBRARY_PATH`` (the frozen executable puts it there). A dependency must be found
   inside the folder, or be one of ``SYSTEM_LIBRARIES``: what every X11 or Wayland desktop has (glibc,
   the C++ runtime, OpenGL/EGL, X11 and xcb core, libwayland-client, fontconfig, freetype, D-Bus, ...).
   Anything else, found on the build machine outside the folder or not found at all, fails the build:
   the app would not start where that library is missing.
2. **Old enough for the distributions we promise.** ``objdump -T`` lists the versioned symbols each
   file imports; the newest ``GLIBC_2.x`` must not exceed the glibc floor, and the newest ``GLIBCXX_3.4.x``
   (the folder uses the system's libstdc++) not what that floor's distribution ships.
3. **No build-machine leftovers:** CUDA runtime libraries and metadata of development-only packages.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

GLIBC_FLOOR = "2.31"  # Ubuntu 20.04 LTS, Debian 11
# The libstdc++ symbol version of the oldest distribution with a given glibc (its default GCC).
GLIBCXX_FOR_GLIBC = {"2.28": "3.4.25", "2.31": "3.4.28", "2.34": "3.4.29", "2.35": "3.4.30", "2.36": "3.4.30"}
# Distributions whose glibc (and default libstdc++) reach a floor, oldest first; for docs and the report.
DISTRIBUTIONS = (
    ("2.28", "Debian 10, RHEL/Rocky/Alma 8"), ("2.31", "Ubuntu 20.04, Debian 11, Linux Mint 20, Fedora 32"),
    ("2.34", "RHEL/Rocky/Alma 9, Fedora 35"), ("2.35", "Ubuntu 22.04, Linux Mint 21, Pop!_OS 22.04"),
    ("2.36", "Debian 12, Fedora 37"), ("2.39", "Ubuntu 24.04"),
)

# Sonames (glob patterns) that are part of every Linux desktop and must come from the system: glibc,
# the compiler runtime (libstdc++ is left to the system so that the folder does not raise the glibc
# floor), the graphics stack that must match the machine's drivers, and the display-server clients.
SYSTEM_LIBRARIES = (
    # glibc
    "ld-linux*.so*", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
    "libresolv.so.2", "libanl.so.1", "libnsl.so.1", "libcrypt.so.1", "linux-vdso.so.1",
    # compiler runtime
    "libstdc++.so.6", "libgcc_s.so.1",
    # OpenGL / EGL / Vulkan loaders (drivers are per machine)
    "libGL.so.1", "libEGL.so.1", "libGLX.so.0", "libOpenGL.so.0", "libGLdispatch.so.0", "libvulkan.so.1",
    "libgbm.so.1", "libdrm.so.2",
    # X11 and xcb core, and the xcb extensions Mesa's OpenGL needs (the other xcb libraries are bundled)
    "libX11.so.6", "libX11-xcb.so.1", "libXext.so.6", "libXau.so.6", "libXdmcp.so.6", "libxcb.so.1",
    "libxcb-glx.so.0", "libxcb-dri2.so.0", "libxcb-dri3.so.0", "libxcb-present.so.0", "libxcb-sync.so.1",
    "libxcb-xfixes.so.0", "libxcb-randr.so.0", "libxcb-shm.so.0", "libxcb-render.so.0",
    # Wayland client side (the compositor's counterpart is always there on a Wayland desktop)
    "libwayland-client.so.0",
    # fonts, text and the session bus
    "libfontconfig.so.1", "libfreetype.so.6", "libexpat.so.1", "libz.so.1", "libdbus-1.so.3",
    "libxkbcommon.so.0", "libglib-2.0.so.0", "libgthread-2.0.so.0",
)

# Files that must never be in the folder: GPU runtimes of the build machine (nerdesk runs on the CPU).
FORBIDDEN_FILES = ("libcudart.so*", "libcublas*.so*", "libcudnn*.so*", "libnvrtc*.so*", "libnvJitLink*.so*",
                   "libcufft*.so*", "libcurand*.so*", "libcusparse*.so*", "libnccl*.so*", "libnvToolsExt*.so*",
                   "libonnxruntime_providers_cuda.so", "libonnxruntime_providers_tensorrt.so")
# Metadata folders of development-only distributions that must not be shipped.
DEV_DISTRIBUTIONS = ("pytest", "pytest_*", "pytest-*", "hypothesis", "ruff", "import_linter", "import-linter",
                     "grimp", "coverage", "pyinstaller", "pyinstaller_hooks_contrib", "pyinstaller-hooks-contrib",
                     "pluggy", "iniconfig", "py_cpuinfo", "mypy", "mypy_extensions", "altgraph")

NOT_FOUND = re.compile(r"^\s*(\S+) => not found")
RESOLVED = re.compile(r"^\s*(\S+) => (/\S+) \(0x")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def elf_files(folder: Path) -> list[Path]:
    """Regular files of ``folder`` that start with the ELF magic (libraries, extensions, executables)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and (".so" in path.name or os.access(path, os.X_OK)):
            with path.open("rb") as stream:
                if stream.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def is_system_library(soname: str, allowed: Iterable[str] = SYSTEM_LIBRARIES) -> bool:
    return any(fnmatch.fnmatchcase(soname, pattern) for pattern in allowed)


def ldd(path: Path, library_path: Path) -> str:
    environment = {**os.environ, "LD_LIBRARY_PATH": str(library_path), "LC_ALL": "C"}
    result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=environment)
    return result.stdout + result.stderr


def unresolved_dependencies(folder: Path, files: Iterable[Path] | None = None) -> dict[str, list[str]]:
    """File (relative to ``folder``) -> its dependencies that are neither in the folder nor system ones.

    Only a file's direct dependencies (its ``NEEDED`` entries) count: each bundled library is checked in
    turn, and what a system library needs comes with it. A dependency ldd found outside the folder is
    listed as ``name (from /path)``: present on the build machine, absent from what users get.
    """
    folder = folder.resolve()
    internal = folder / "_internal"
    problems: dict[str, list[str]] = {}
    for path in files if files is not None else elf_files(folder):
        direct = set(needed_sonames(path))  # a system library's own dependencies are the system's business
        missing = []
        for line in ldd(path, internal if internal.is_dir() else folder).splitlines():
            match = NOT_FOUND.match(line) or RESOLVED.match(line)
            if match is None or match.group(1) not in direct or is_system_library(match.group(1)):
                continue
            if match.re is NOT_FOUND:
                missing.append(f"{match.group(1)} (not found)")
            elif not Path(match.group(2)).resolve().is_relative_to(folder):
                missing.append(f"{match.group(1)} (from {match.group(2)})")
        if missing:
            problems[str(path.relative_to(folder))] = list(dict.fromkeys(missing))  # ldd may list one twice
    return problems


def symbol_versions(path: Path) -> set[str]:
    """The ``GLIBC_x.y`` and ``GLIBCXX_3.4.z`` versions of the symbols ``path`` imports (``objdump -T``)."""
    result = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True)
    imported = [line for line in result.stdout.splitlines() if "*UND*" in line]
    return set(re.findall(r"\b(GLIBC(?:XX)?_[0-9.]+)\b", "\n".join(imported)))


def newest(versions: Iterable[str], prefix: str) -> str | None:
    numbers = [v[len(prefix):] for v in versions if v.startswith(prefix) and re.fullmatch(r"[0-9.]+", v[len(prefix):])]
    return max(numbers, key=version_key, default=None)


def symbols_above_floor(folder: Path, glibc_floor: str = GLIBC_FLOOR,
                        files: Iterable[Path] | None = None) -> tuple[dict[str, str], dict[str, str | None]]:
    """Files needing a newer glibc (or libstdc++) than the floor's distribution has, and the newest of each
    the whole folder needs: ``({file: "GLIBC_2.34", ...}, {"glibc": "2.34", "glibcxx": "3.4.29"})``."""
    glibcxx_floor = GLIBCXX_FOR_GLIBC.get(glibc_floor)
    offenders: dict[str, str] = {}
    everything: set[str] = set()
    for path in files if files is not None else elf_files(folder):
        versions = symbol_versions(path)
        everything |= versions
        glibc, glibcxx = newest(versions, "GLIBC_"), newest(versions, "GLIBCXX_")
        too_new = []
        if glibc and version_key(glibc) > version_key(glibc_floor):
            too_new.append(f"GLIBC_{glibc}")
        if glibcxx and glibcxx_floor and version_key(glibcxx) > version_key(glibcxx_floor):
            too_new.append(f"GLIBCXX_{glibcxx}")
        if too_new:
            offenders[str(path.relative_to(folder))] = ", ".join(too_new)
    return offenders, {"glibc": newest(everything, "GLIBC_"), "glibcxx": newest(everything, "GLIBCXX_")}


def leftovers(folder: Path) -> list[str]:
    """GPU runtime libraries and development-only package metadata found in ``folder``."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and any(fnmatch.fnmatchcase(path.name, pattern) for pattern in FORBIDDEN_FILES):
            found.append(str(path.relative_to(folder)))
        elif path.is_dir() and path.name.endswith(".dist-info"):
            distribution = path.name.removesuffix(".dist-info").rsplit("-", 1)[0].lower()
            if any(fnmatch.fnmatchcase(distribution, pattern) for pattern in DEV_DISTRIBUTIONS):
                found.append(str(path.relative_to(folder)))
    return sorted(found)


def distributions_for(glibc: str) -> str:
    """The distributions a folder needing ``glibc`` runs on, as a sentence part."""
    reached = [names for version, names in DISTRIBUTIONS if version_key(version) >= version_key(glibc)]
    return ", ".join(reached) + " and newer" if reached else "distributions newer than the ones listed"


def needed_sonames(path: Path) -> list[str]:
    """The ``NEEDED`` entries of an ELF file's dynamic section (``objdump -p``); [] for anything else."""
    result = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True)
    return re.findall(r"^\s+NEEDED\s+(\S+)$", result.stdout, re.M)


def orphans(top_level: dict[str, list[str]], others_need: set[str], keep: Iterable[str] = ()) -> set[str]:
    """Top-level libraries nothing needs any more, once some were dropped from a build.

    ``top_level`` maps each library collected beside the executable (PyInstaller puts the libraries it
    finds outside Python packages there) to what it needs itself; ``others_need`` is what the rest of the
    folder needs. A library dropped as a system one leaves its own dependencies behind (Qt's GTK theme
    plugin brought cairo, pango, gio and their glibc 2.35 needs): these go too, transitively. Libraries
    loaded by name at run time (libpython, which the executable opens) are passed in ``keep``.
    """
    kept = set(top_level)
    while True:
        needed = others_need | {name for library in kept for name in top_level[library]} | set(keep)
        unused = {library for library in kept if library not in needed}
        if not unused:
            return set(top_level) - kept
        kept -= unused


def system_library_path(soname: str) -> Path | None:
    """Where the dynamic loader finds ``soname`` on this machine (``ldconfig -p``), or None."""
    result = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True)
    for line in result.stdout.splitlines():
        name, _, path = line.strip().partition(" => ")
        if name.split(" (")[0] == soname and Path(path).is_file():
            return Path(path)
    return None
