"""Checks of a built one-folder package in dist/ (skipped when nothing is built; build it with
``python installer/build.py``): the files the app looks for are beside the executable, what the spec
leaves out is absent, and the executable runs its subcommands."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.test_installer_config import app_info, load, spec_constant

FOLDER = app_info.DIST_DIR / app_info.NAME
PROGRAM = FOLDER / app_info.NAME

pytestmark = pytest.mark.skipif(not PROGRAM.is_file(), reason=f"no build in {FOLDER}; run python installer/build.py")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PROGRAM), *args], capture_output=True, text=True, timeout=120)


def test_build_is_of_the_current_version():
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"nerdesk {app_info.VERSION}", "dist/ is stale: run python installer/build.py"
    report = json.loads((app_info.DIST_DIR / "build-report.json").read_text(encoding="utf-8"))
    assert report["version"] == app_info.VERSION


def test_models_and_resources_sit_beside_the_executable():
    assert sorted(p.name for p in (FOLDER / "models").iterdir()) == [p.name for p in app_info.shipped_models()]
    for bundle in app_info.shipped_models():
        assert (FOLDER / "models" / bundle.name / "bundle.json").read_bytes() == (bundle / "bundle.json").read_bytes()
    for source in app_info.RESOURCES.rglob("*"):
        if source.is_file():
            copy = FOLDER / "resources" / source.relative_to(app_info.RESOURCES)
            assert copy.read_bytes() == source.read_bytes(), f"{copy} differs: dist/ is stale"
    assert (FOLDER / "_internal" / "resources" / "app-icon.svg").is_file()  # where nerdesk/gui/app.py looks


def test_left_out_files_are_absent():
    internal = FOLDER / "_internal"
    unneeded, needed = spec_constant("UNNEEDED_FILES"), spec_constant("NEEDED_FILES")
    collected = [str(path.relative_to(internal)) for path in internal.rglob("*") if path.is_file()]
    present = [name for name in collected if name.startswith(unneeded) and not name.startswith(needed)]
    assert not present, present[:10]
    for package in ("matplotlib", "pandas", "scipy", "tkinter", "pytest", "hypothesis"):
        assert not (internal / package).exists(), package
    qt_libraries = {path.name.split(".so")[0] for path in (internal / "PySide6" / "Qt" / "lib").glob("libQt6*")}
    assert {"libQt6Core", "libQt6Gui", "libQt6Widgets"} <= qt_libraries
    assert not qt_libraries & {"libQt6Quick", "libQt6Qml", "libQt6Designer", "libQt6WebEngineCore"}


@pytest.mark.parametrize("command", ["train", "predict", "import", "export", "eval", "models", "gui"])
def test_every_subcommand_is_dispatched(command):
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: nerdesk {command}")


def test_qt_platform_plugins_find_every_library_they_need():
    library_check = load("library_check")
    platforms = FOLDER / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms"
    plugins = [platforms / "libqxcb.so", platforms / "libqwayland.so"]
    assert all(plugin.is_file() for plugin in plugins)
    assert library_check.unresolved_dependencies(FOLDER, plugins) == {}
    for bundled in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0", "libwayland-cursor.so.0"):
        assert list(FOLDER.rglob(bundled)), f"{bundled} is not in the folder"


def test_the_build_machine_runtime_is_not_shipped():
    shipped = {path.name for path in FOLDER.rglob("*.so*")}
    for prefix in ("libstdc++.so", "libgcc_s.so", "libexpat.so", "libcudart.so", "libgtk-3.so"):
        assert not [name for name in shipped if name.startswith(prefix)], prefix
    assert not list((FOLDER / "_internal").glob("pytest-*.dist-info"))


def test_an_embedded_model_is_named_on_the_command_line(tmp_path):
    texts = tmp_path / "texts.txt"
    texts.write_text("张伟在北京大学读书。\n", encoding="utf-8")
    result = run("predict", str(texts), "--model", "zh-general-cluener", "--out", str(tmp_path / "o.jsonl"), "--quiet")
    assert result.returncode == 0, result.stderr
    (document,) = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {span["text"] for span in document["spans"]} >= {"张伟", "北京大学"}
    listed = run("models")
    names = [line.split()[0] for line in listed.stdout.splitlines() if line and not line.startswith("in ")]
    assert names == [bundle.name for bundle in app_info.shipped_models()]


def test_an_english_model_finds_english_entities(tmp_path):
    texts = tmp_path / "texts.txt"
    texts.write_text("Lena Fischer, the new mayor of Freiburg, opened the festival.\n", encoding="utf-8")
    result = run("predict", str(texts), "--model", "en-general-conll", "--out", str(tmp_path / "o.jsonl"), "--quiet")
    assert result.returncode == 0, result.stderr
    (document,) = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(span["text"], span["label"]) for span in document["spans"]} >= {("Lena Fischer", "PER"),
                                                                             ("Freiburg", "LOC")}
