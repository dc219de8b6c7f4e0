"""The packaging recipes agree with each other and with the package: version, names, icons, file type,
the frozen entry point's dispatch, and the Linux tarball's install script run for real in a temporary
home. The full frozen build is checked by ``installer/smoke_test.py`` (minutes; not in the test run)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import nerdesk
from tests.conftest import REPO_ROOT

INSTALLER = REPO_ROOT / "installer"


def load(name: str):
    """Import a module of installer/ (a folder of scripts, not a package)."""
    if str(INSTALLER) not in sys.path:
        sys.path.insert(0, str(INSTALLER))
    spec = importlib.util.spec_from_file_location(name, INSTALLER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


app_info = load("app_info")
build = load("build")
launcher = load("launcher")
make_icons = load("make_icons")


def desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def iss_defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'#define\s+(\w+)\s+"([^"]*)"', text))


# --- version and names -------------------------------------------------------------------------------

def test_version_is_the_one_of_pyproject_and_the_package():
    assert nerdesk.__version__ == app_info.VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", app_info.VERSION)


def test_inno_setup_script_matches_version_icon_and_build_output():
    iss = INSTALLER / "windows" / "nerdesk.iss"
    text = iss.read_text(encoding="utf-8")
    defines = iss_defines(text)
    assert defines["AppVersion"] == app_info.VERSION
    assert defines["AppExe"] == f"{app_info.NAME}.exe"
    setup_icon = re.search(r"^SetupIconFile=(.+)$", text, re.M).group(1).strip()
    assert (iss.parent / setup_icon.replace("\\", "/")).resolve() == app_info.RESOURCES / "app-icon.ico"
    assert re.search(r'^Source: "\{#DistDir\}\\' + app_info.NAME + r'\\\*"', text, re.M)
    # build.py announces the setup program under the name the script writes.
    base = re.search(r"^OutputBaseFilename=(.+)$", text, re.M).group(1).strip()
    base = base.replace("{#AppName}", app_info.NAME).replace("{#AppVersion}", app_info.VERSION)
    assert f"{base}.exe" == f"{app_info.NAME}-{app_info.VERSION}-windows-x64-setup.exe"
    # The file association opens projects through the gui subcommand, which the CLI parser knows.
    assert '"" gui ""%1"""' in text
    assert re.search(r'Subkey: "Software\\Classes\\' + re.escape(app_info.PROJECT_SUFFIX) + '"', text)


def test_macos_info_plist_matches_bundle_id_file_type_and_icon():
    info = plistlib.loads((INSTALLER / "macos" / "Info.plist").read_bytes())
    assert info["CFBundleIdentifier"] == app_info.BUNDLE_ID
    assert info["CFBundleName"] == app_info.DISPLAY_NAME
    assert "CFBundleShortVersionString" not in info  # the spec adds it from pyproject.toml
    (document_type,) = info["CFBundleDocumentTypes"]
    assert document_type["CFBundleTypeExtensions"] == [app_info.PROJECT_SUFFIX.lstrip(".")]
    assert (app_info.RESOURCES / document_type["CFBundleTypeIconFile"]).is_file()
    plistlib.loads((INSTALLER / "macos" / "entitlements.plist").read_bytes())


def test_spec_compiles_and_names_files_that_exist():
    tree = ast.parse((INSTALLER / "nerdesk.spec").read_text(encoding="utf-8"))
    compile(tree, "nerdesk.spec", "exec")
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert "launcher.py" in strings and (INSTALLER / "launcher.py").is_file()
    for icon in ("app-icon.ico", "app-icon.icns"):
        assert icon in strings and (app_info.RESOURCES / icon).is_file()
    assert "Info.plist" in strings and (INSTALLER / "macos" / "Info.plist").is_file()


def test_spec_excludes_nothing_the_package_imports():
    excluded = set(spec_constant("EXCLUDED_MODULES"))
    imported = set()
    for path in (REPO_ROOT / "nerdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    clashes = {name for name in imported for ex in excluded if name == ex or name.startswith(ex + ".")}
    assert not clashes, f"the spec excludes modules nerdesk imports: {sorted(clashes)}"
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}.isdisjoint(excluded)


def spec_constant(name: str):
    tree = ast.parse((INSTALLER / "nerdesk.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in nerdesk.spec")


# --- Linux desktop integration -----------------------------------------------------------------------

def test_desktop_entry_runs_the_gui_subcommand_with_the_shipped_icon_and_file_type():
    entry = desktop_entry(INSTALLER / "linux" / "nerdesk.desktop")
    assert entry["Type"] == "Application"
    assert shlex.split(entry["Exec"]) == [app_info.NAME, "gui", "%f"]
    assert entry["Icon"] == app_info.NAME
    shipped_icons = [name for name in build.linux_share_files() if name.startswith("share/icons/")]
    assert shipped_icons and all(Path(name).stem == entry["Icon"] for name in shipped_icons)
    assert entry["MimeType"].rstrip(";") == app_info.PROJECT_MIME_TYPE
    mime = ET.parse(INSTALLER / "linux" / "nerdesk-mime.xml").getroot()
    namespace = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = mime.find("m:mime-type", namespace)
    assert mime_type.get("type") == app_info.PROJECT_MIME_TYPE
    assert mime_type.find("m:glob", namespace).get("pattern") == f"*{app_info.PROJECT_SUFFIX}"
    for source in build.linux_share_files().values():
        assert source.is_file(), source


def test_desktop_entry_passes_desktop_file_validate():
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    result = subprocess.run([validate, str(INSTALLER / "linux" / "nerdesk.desktop")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def fake_program_folder(tmp_path) -> Path:
    """A stand-in for dist/nerdesk: an executable that records its arguments, models/ and _internal/."""
    folder = tmp_path / "dist" / app_info.NAME
    (folder / "_internal" / "lib").mkdir(parents=True)
    (folder / "_internal" / "lib" / "libfake.so.1").write_bytes(b"\x7fELF")
    (folder / "_internal" / "lib" / "libfake.so").symlink_to("libfake.so.1")
    (folder / "models" / "zh-general").mkdir(parents=True)
    (folder / "models" / "zh-general" / "bundle.json").write_text("{}", encoding="utf-8")
    program = folder / app_info.NAME
    program.write_text('#!/bin/sh\necho "nerdesk ran with: $*"\n', encoding="utf-8")
    program.chmod(0o755)
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball and install.sh are for Linux")
def test_linux_tarball_installs_and_uninstalls_for_the_user(tmp_path, fake_program_folder):
    archive = build.make_linux_tarball(fake_program_folder, fake_program_folder.parent, version="9.8.7")
    stem = app_info.linux_archive_stem("9.8.7")
    assert archive.name == f"{stem}.tar.gz"
    with tarfile.open(archive) as tar:
        members = {member.name: member for member in tar.getmembers()}
        assert members[f"{stem}/install.sh"].mode & 0o111
        assert members[f"{stem}/{app_info.NAME}/{app_info.NAME}"].mode & 0o111
        assert members[f"{stem}/{app_info.NAME}/_internal/lib/libfake.so"].issym()
        tar.extractall(tmp_path / "unpacked", filter="tar")
    home = tmp_path / "home"
    other_entry = home / ".local" / "share" / "applications" / "other.desktop"
    other_entry.parent.mkdir(parents=True)
    other_entry.write_text("[Desktop Entry]\n", encoding="utf-8")
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    install = tmp_path / "unpacked" / stem / "install.sh"

    result = subprocess.run([str(install)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    data = home / ".local" / "share"
    app_dir = data / "nerdesk" / "app"
    assert (app_dir / "models" / "zh-general" / "bundle.json").is_file()
    assert (app_dir / "_internal" / "lib" / "libfake.so").is_symlink()
    for icon in ("scalable/apps/nerdesk.svg", "256x256/apps/nerdesk.png", "512x512/apps/nerdesk.png"):
        assert (data / "icons" / "hicolor" / icon).is_file()
    assert (data / "mime" / "packages" / "nerdesk.xml").is_file()
    entry = desktop_entry(data / "applications" / "nerdesk.desktop")
    command = [arg.replace("%f", str(tmp_path / "notes.nerdesk")) for arg in shlex.split(entry["Exec"])]
    assert command[0] == str(app_dir / app_info.NAME)
    assert entry["TryExec"] == str(app_dir / app_info.NAME)
    launched = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert launched.stdout.strip() == f"nerdesk ran with: gui {tmp_path / 'notes.nerdesk'}"
    linked = subprocess.run([str(home / ".local" / "bin" / "nerdesk"), "--version"], capture_output=True, text=True)
    assert linked.stdout.strip() == "nerdesk ran with: --version"
    if shutil.which("desktop-file-validate"):
        validation = subprocess.run(["desktop-file-validate", str(data / "applications" / "nerdesk.desktop")],
                                    capture_output=True, text=True)
        assert validation.returncode == 0, validation.stdout

    result = subprocess.run([str(install), "--uninstall"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not (data / "nerdesk").exists()
    assert not (home / ".local" / "bin" / "nerdesk").exists()
    assert not (data / "applications" / "nerdesk.desktop").exists()
    assert not (data / "icons" / "hicolor" / "scalable" / "apps" / "nerdesk.svg").exists()
    assert other_entry.is_file()  # nothing but nerdesk's own files is removed


def test_install_script_refuses_unknown_options(tmp_path):
    result = subprocess.run(["sh", str(INSTALLER / "linux" / "install.sh"), "--prefix=/opt"],
                            env={"HOME": str(tmp_path), "PATH": os.environ["PATH"]}, capture_output=True, text=True)
    assert result.returncode == 2
    assert "--uninstall" in result.stderr
    assert not (tmp_path / ".local").exists()


# --- the frozen entry point --------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "expected"), [
    ([], []),
    (["notes.nerdesk"], ["gui", "notes.nerdesk"]),
    (["/p/Notes.NERDESK"], ["gui", "/p/Notes.NERDESK"]),
    (["-psn_0_12345"], []),
    (["-psn_0_12345", "a.nerdesk"], ["gui", "a.nerdesk"]),
    (["train", "--project", "a.nerdesk", "--out", "m"], ["train", "--project", "a.nerdesk", "--out", "m"]),
    (["notes.txt"], ["notes.txt"]),
])
def test_launcher_maps_desktop_invocations_to_commands(argv, expected):
    assert launcher.command_line(argv) == expected


def run_launcher(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run([sys.executable, str(INSTALLER / "launcher.py"), *args], cwd=REPO_ROOT,
                          env=environment, capture_output=True, text=True, timeout=timeout)


def test_launcher_dispatches_subcommands_to_the_cli():
    assert run_launcher("--version").stdout.strip() == f"nerdesk {app_info.VERSION}"
    for command in ("train", "predict", "import"):
        result = run_launcher(command, "--help")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"usage: nerdesk {command}")


def test_launcher_screenshot_mode_shows_the_main_window(tmp_path):
    shot = tmp_path / "window.png"
    result = run_launcher("gui", str(tmp_path / "empty.nerdesk"), env={launcher.SCREENSHOT_VARIABLE: str(shot)})
    assert result.returncode == 0, result.stderr
    assert shot.is_file() and shot.stat().st_size > 1000
    assert "window icon set" in result.stderr


# --- icons -------------------------------------------------------------------------------------------

def image_sizes(path: Path) -> list[int]:
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(path))
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), f"{path} image {index}: {reader.errorString()}"
        assert image.width() == image.height()
        sizes.append(image.width())
    return sizes


def test_icon_files_hold_every_size_the_platforms_use(qapp):
    assert sorted(image_sizes(app_info.RESOURCES / "app-icon.ico")) == sorted(make_icons.ICO_SIZES)
    assert sorted(image_sizes(app_info.RESOURCES / "app-icon.icns")) == sorted(s for _, s in make_icons.ICNS_ENTRIES)
    for name, size in make_icons.PNG_SIZES.items():
        assert image_sizes(app_info.RESOURCES / name) == [size]


def test_raster_icons_are_rendered_from_the_current_svg(qapp):
    """Fails when the SVG was edited without running installer/make_icons.py."""
    from PySide6.QtGui import QImage, QImageReader

    reader = QImageReader(str(app_info.RESOURCES / "app-icon.ico"))
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        stored = reader.read().convertToFormat(QImage.Format.Format_ARGB32)
        if stored.width() == 48:
            break
    fresh = make_icons.render(48)
    differences = [abs(stored.pixelColor(x, y).red() - fresh.pixelColor(x, y).red())
                   + abs(stored.pixelColor(x, y).alpha() - fresh.pixelColor(x, y).alpha())
                   for x in range(48) for y in range(48)]
    assert max(differences) <= 4
