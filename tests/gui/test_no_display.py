"""Starting the window where there is no display: one clear line and a non-zero exit, not Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

from nerdesk.gui.app import missing_display


def test_nerdesk_without_a_display_says_so_in_one_line(tmp_path):
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environment["HOME"] = str(tmp_path)  # no recent project of the user's is touched
    for arguments in ([], ["gui", str(tmp_path / "new.nerdesk")]):
        finished = subprocess.run([sys.executable, "-m", "nerdesk", *arguments], env=environment,
                                  capture_output=True, text=True, timeout=120)
        assert finished.returncode == 2, finished.stderr
        assert finished.stderr.strip().splitlines() == [
            "nerdesk: no display found. Start nerdesk on a desktop, "
            "or set QT_QPA_PLATFORM=offscreen for screenshots and tests."]
        assert not (tmp_path / "new.nerdesk").exists()


def test_a_display_or_a_chosen_platform_is_enough():
    assert missing_display({}, "linux")
    assert not missing_display({"DISPLAY": ":0"}, "linux")
    assert not missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not missing_display({}, "win32") and not missing_display({}, "darwin")
