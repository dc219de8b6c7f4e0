"""The build's library checks (installer/library_check.py) on real ELF files compiled here, and the .deb
(installer/deb.py) built with dpkg-deb, installed into and removed from a temporary root with dpkg."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.e2e.test_installer_config import app_info, build, fake_program_folder, load  # noqa: F401

library_check = load("library_check")
deb = load("deb")

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries and .deb are Linux's")
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("objdump") is None,
                               reason="gcc and objdump (binutils) build and read the test libraries")


def compile_library(source: str, output, *links: str, directory=None) -> None:
    source_file = output.with_suffix(".c")
    source_file.write_text(source, encoding="utf-8")
    command = ["gcc", "-shared", "-fPIC", "-o", str(output), str(source_file)]
    if directory is not None:
        command += [f"-L{directory}", *(f"-l{name}" for name in links)]
    subprocess.run(command, check=True)
    source_file.unlink()


@pytest.fixture
def folder(tmp_path):
    """A program folder with ``_internal/``, as PyInstaller lays it out."""
    (tmp_path / "app" / "_internal").mkdir(parents=True)
    return tmp_path / "app"


@linux_only
@needs_gcc
def test_a_dependency_missing_from_the_folder_is_reported(folder):
    internal = folder / "_internal"
    compile_library("int helper(void) { return 1; }\n", internal / "libhelper.so")
    compile_library("int helper(void);\nint api(void) { return helper(); }\n", internal / "libapi.so", "helper",
                    directory=internal)
    assert library_check.unresolved_dependencies(folder) == {}  # resolved inside the folder
    (internal / "libhelper.so").unlink()
    assert library_check.unresolved_dependencies(folder) == {"_internal/libapi.so": ["libhelper.so (not found)"]}


@linux_only
@needs_gcc
def test_a_dependency_found_only_on_the_build_machine_is_reported(folder, tmp_path):
    elsewhere = tmp_path / "host-lib"
    elsewhere.mkdir()
    compile_library("int host(void) { return 2; }\n", elsewhere / "libhostonly.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(folder / "_internal" / "libuser.so"), "-x", "c", "-",
                    f"-L{elsewhere}", "-lhostonly", f"-Wl,-rpath,{elsewhere}"],
                   input="int host(void);\nint user(void) { return host(); }\n", text=True, check=True)
    (problem,) = library_check.unresolved_dependencies(folder)["_internal/libuser.so"]
    assert problem == f"libhostonly.so (from {elsewhere / 'libhostonly.so'})"


@linux_only
def test_system_libraries_are_allowed_and_qt_helpers_are_not():
    assert library_check.is_system_library("libc.so.6")
    assert library_check.is_system_library("ld-linux-x86-64.so.2")
    assert library_check.is_system_library("libwayland-client.so.0")
    assert library_check.is_system_library("libxcb.so.1")
    for bundled in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0", "libxkbcommon-x11.so.0",
                    "libwayland-cursor.so.0", "libQt6Core.so.6"):
        assert not library_check.is_system_library(bundled), bundled


@linux_only
@needs_gcc
def test_a_symbol_above_the_glibc_floor_is_reported(folder):
    # arc4random is GLIBC_2.36: a library using it does not load on Ubuntu 22.04 (glibc 2.35).
    compile_library("#include <stdlib.h>\nunsigned draw(void) { return arc4random(); }\n",
                    folder / "_internal" / "librandom.so")
    compile_library("#include <string.h>\nsize_t length(const char *s) { return strlen(s); }\n",
                    folder / "_internal" / "libold.so")
    offenders, needed = library_check.symbols_above_floor(folder, "2.31")
    assert offenders == {"_internal/librandom.so": "GLIBC_2.36"}
    assert needed == {"glibc": "2.36", "glibcxx": None}
    assert library_check.symbols_above_floor(folder, "2.36")[0] == {}
    assert "Debian 12" in library_check.distributions_for("2.36")
    assert "Ubuntu 22.04" not in library_check.distributions_for("2.36")
    assert library_check.distributions_for("2.31").startswith("Ubuntu 20.04")


def test_newest_symbol_version_compares_numbers():
    versions = {"GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.9", "GLIBCXX_3.4.9", "GLIBCXX_3.4.29", "GLIBC_PRIVATE"}
    assert library_check.newest(versions, "GLIBC_") == "2.17"
    assert library_check.newest(versions, "GLIBCXX_") == "3.4.29"


def test_libraries_only_dropped_ones_needed_are_orphans():
    top_level = {"libgtk-3.so.0": ["libcairo.so.2", "libc.so.6"], "libcairo.so.2": ["libpixman-1.so.0"],
                 "libpixman-1.so.0": [], "libssl.so.3": ["libcrypto.so.3"], "libcrypto.so.3": [],
                 "libpython3.11.so.1.0": ["libm.so.6"]}
    # The GTK theme plugin is gone; a Python extension still needs libssl; libpython is opened by name.
    dropped = library_check.orphans(top_level, {"libssl.so.3", "libc.so.6"}, keep=["libpython3.11.so.1.0"])
    assert dropped == {"libgtk-3.so.0", "libcairo.so.2", "libpixman-1.so.0"}
    assert library_check.orphans(top_level, set(top_level)) == set()


@linux_only
@needs_gcc
def test_needed_sonames_and_system_library_paths_are_read_from_the_machine(folder):
    internal = folder / "_internal"
    compile_library("#include <math.h>\ndouble f(double x) { return sqrt(x); }\n", internal / "libm-user.so", "m",
                    directory=internal)
    assert "libm.so.6" in library_check.needed_sonames(internal / "libm-user.so")
    assert library_check.needed_sonames(app_info.INSTALLER_DIR / "build.py") == []
    libc = library_check.system_library_path("libc.so.6")
    assert libc is not None and libc.is_file()
    assert library_check.system_library_path("libnerdesk-nowhere.so.9") is None


def test_cuda_libraries_and_development_metadata_are_leftovers(folder):
    internal = folder / "_internal"
    (internal / "libcudart.so.13").write_bytes(b"\x7fELF")
    (internal / "pytest-9.0.3.dist-info").mkdir()
    (internal / "pytest_qt-4.5.0.dist-info").mkdir()
    (internal / "numpy-2.3.0.dist-info").mkdir()
    (internal / "tokenizers-0.22.1.dist-info").mkdir()
    assert library_check.leftovers(folder) == ["_internal/libcudart.so.13", "_internal/pytest-9.0.3.dist-info",
                                               "_internal/pytest_qt-4.5.0.dist-info"]


@linux_only
@needs_gcc
def test_build_stops_before_packaging_when_a_check_fails(folder, tmp_path):
    internal = folder / "_internal"
    compile_library("#include <stdlib.h>\nunsigned draw(void) { return arc4random(); }\n", internal / "librandom.so")
    dist = folder.parent
    (dist / app_info.NAME).symlink_to(folder)
    assert build.main(["--dist", str(dist), "--skip-freeze"]) == 1
    report = json.loads((dist / "build-report.json").read_text(encoding="utf-8"))
    assert report["checks"]["problems"] == ["_internal/librandom.so: needs GLIBC_2.36, above the glibc 2.31 floor"]
    assert "packages" not in report and not list(dist.glob("*.tar.gz")) and not list(dist.glob("*.deb"))


# --- the .deb ----------------------------------------------------------------------------------------

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-deb") is None or shutil.which("dpkg") is None,
                                reason="dpkg builds and installs the .deb")


@linux_only
@needs_dpkg
def test_deb_installs_and_uninstalls_in_a_temporary_root(tmp_path, fake_program_folder):  # noqa: F811
    (fake_program_folder / "_internal" / "lib" / "libfake.so.1").chmod(0o755)  # as wheels ship libraries
    package = deb.make_deb(fake_program_folder, fake_program_folder.parent, build.linux_share_files(),
                           version="9.8.7", glibc="2.31")
    assert package.name == f"nerdesk_9.8.7_{deb.deb_architecture()}.deb"
    fields = subprocess.run(["dpkg-deb", "--field", str(package)], capture_output=True, text=True, check=True).stdout
    assert "Package: nerdesk\nVersion: 9.8.7\n" in fields and "libc6 (>= 2.31)" in fields
    checksum = build.write_sha256(package)
    assert subprocess.run(["sha256sum", "-c", checksum.name], cwd=package.parent, capture_output=True).returncode == 0

    root = tmp_path / "root"
    result = deb.dpkg_in_root(root, "--install", str(package))
    assert result.returncode == 0, result.stderr
    assert (root / "usr/lib/nerdesk/models/zh-general/bundle.json").is_file()
    assert os.readlink(root / "usr/bin/nerdesk") == "../lib/nerdesk/nerdesk"
    launched = subprocess.run([str(root / "usr/bin/nerdesk"), "--version"], capture_output=True, text=True)
    assert launched.stdout.strip() == "nerdesk ran with: --version"
    for path in ("usr/share/applications/nerdesk.desktop", "usr/share/mime/packages/nerdesk.xml",
                 "usr/share/icons/hicolor/scalable/apps/nerdesk.svg", "usr/share/icons/hicolor/256x256/apps/nerdesk.png",
                 "usr/share/doc/nerdesk/copyright", "usr/share/lintian/overrides/nerdesk"):
        assert (root / path).is_file(), path
    assert (root / "usr/lib/nerdesk/_internal/lib/libfake.so").is_symlink()
    assert (root / "usr/lib/nerdesk/_internal/lib/libfake.so.1").stat().st_mode & 0o777 == 0o644  # Debian policy
    assert (root / "usr/lib/nerdesk/nerdesk").stat().st_mode & 0o777 == 0o755
    assert "install ok installed" in deb.dpkg_in_root(root, "--status", "nerdesk").stdout

    result = deb.dpkg_in_root(root, "--remove", "nerdesk")
    assert result.returncode == 0, result.stderr
    left = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "var/lib/dpkg" not in str(p)]
    assert left == []
    assert not (root / "usr/lib/nerdesk").exists() and not (root / "usr/bin/nerdesk").is_symlink()


# --- nothing written outside the app's folders -------------------------------------------------------

@pytest.mark.skipif(not (app_info.MODELS / "zh-general-cluener" / "model.onnx").is_file(), reason="no embedded model")
def test_onnx_runtime_leaves_no_device_id_or_event_database(tmp_path):
    """ONNX Runtime's telemetry writes ~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db}
    unless ORT_DISABLE_TELEMETRY is set before it is imported: nerdesk.runtime sets it."""
    code = ("from pathlib import Path\nfrom nerdesk.runtime.session import open_session\n"
            f"open_session(Path({str(app_info.MODELS / 'zh-general-cluener' / 'model.onnx')!r}))\n")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")}
    result = subprocess.run([sys.executable, "-c", code], env={**environment, "HOME": str(tmp_path)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")] == []


def test_a_missing_library_ldd_lists_twice_is_named_once(tmp_path, monkeypatch):
    library_check = load("library_check")
    plugin = tmp_path / "_internal" / "libqxcb.so"
    plugin.parent.mkdir()
    plugin.write_bytes(b"\x7fELF")
    monkeypatch.setattr(library_check, "needed_sonames", lambda path: ["libxcb-icccm.so.4"])
    monkeypatch.setattr(library_check, "ldd", lambda path, folder: "\tlibxcb-icccm.so.4 => not found\n" * 2)
    assert library_check.unresolved_dependencies(tmp_path, [plugin]) == {
        "_internal/libqxcb.so": ["libxcb-icccm.so.4 (not found)"]}
