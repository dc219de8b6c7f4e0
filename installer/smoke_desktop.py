"""Smoke-test steps on real displays and in the user's home folder (mixed into ``smoke_test.SmokeTest``).

- ``x11``: the installed app started with no arguments under Xvfb with ``QT_QPA_PLATFORM=xcb``, as the menu
  entry starts it: first start (builds and opens the demo project) and a second start, each timed to the
  first painted window, screenshots taken through the X server (``dist/smoke-x11.png``);
- ``demo_folder``: the first start put the demo project in ``~/.local/share/nerdesk/``;
- ``wayland``: the same under a headless weston with ``QT_QPA_PLATFORM=wayland`` (``dist/smoke-wayland.png``);
- ``no_display``: without any display the app prints one line of advice and exits with 2, no Qt abort;
- ``own_folders``: after every step, the home folder holds nothing but nerdesk's own places.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import smoke_display

DEMO_FILE = "demo.nerdesk"
DEMO_TITLE = "demo.nerdesk"
SETTLE_SECONDS = 3.0  # after the first paint: the window finishes laying out the demo document
# Places under the home folder where the installed app and install.sh may write.
OWN_PLACES = (".local/share/nerdesk/", ".local/bin/nerdesk", ".local/share/applications/",
              ".local/share/icons/", ".local/share/mime/", ".config/nerdesk/")


class DesktopChecks:
    home: Path
    scratch: Path
    dist: Path
    program: Path
    results: dict

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        raise NotImplementedError  # provided by SmokeTest

    def start_window(self, server, name: str) -> dict:
        """Start the installed app with no arguments on ``server``; time its first paint, screenshot it."""
        baseline = server.screenshot(self.scratch / f"{name}-before.png")
        log = self.scratch / f"{name}.log"
        with log.open("w") as stream:
            process = subprocess.Popen([str(self.program)], env=self.environment(server.env), cwd=self.scratch,
                                       stdout=stream, stderr=stream)
        try:
            seconds = smoke_display.first_paint(process, server, baseline, self.scratch / f"{name}-poll.png")
            time.sleep(SETTLE_SECONDS)
            shot = server.screenshot(self.dist / f"smoke-{name}.png")
            titles = server.window_titles() if hasattr(server, "window_titles") else None
        finally:
            smoke_display.stop(process)
        return {"seconds_to_first_paint": round(seconds, 2), "screenshot": str(shot),
                "colours": smoke_display.colours(shot), "titles": titles, "log": log.read_text()[-500:]}

    def demo_project(self) -> Path:
        """Where the first start put the demo project; the doubled ``nerdesk/nerdesk`` folder is a failure."""
        data = self.home / ".local" / "share" / "nerdesk"
        found = sorted(data.rglob(DEMO_FILE))
        if not found:
            raise RuntimeError(f"the first start made no {DEMO_FILE} under {data}")
        if found[0].parent != data:
            raise RuntimeError(f"the demo project is in {found[0].parent}, not in {data} (the folder name is "
                               f"doubled by QStandardPaths.AppDataLocation with organisation and application "
                               f"both 'nerdesk': nerdesk/gui/app.py)")
        return found[0]

    def x11(self) -> None:
        with smoke_display.Xvfb(self.scratch) as server:
            first = self.start_window(server, "x11-first")
            second = self.start_window(server, "x11")
        (self.dist / "smoke-x11-first.png").unlink(missing_ok=True)
        if not any(DEMO_TITLE in title for title in first["titles"] or []):
            raise RuntimeError(f"no window titled with the demo project; windows: {first['titles']}\n{first['log']}")
        self.results["x11"] = {"first_start": first, "second_start": second}

    def demo_folder(self) -> None:
        self.results["demo_folder"] = str(self.demo_project().relative_to(self.home))

    def wayland(self) -> None:
        with smoke_display.Weston(self.scratch) as server:
            self.results["wayland"] = self.start_window(server, "wayland")

    def no_display(self) -> None:
        environment = self.environment()
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
            environment.pop(name, None)
        result = subprocess.run([str(self.program)], env=environment, capture_output=True, text=True, timeout=60)
        message = result.stderr.strip()
        if result.returncode != 2 or "\n" in message or "no display" not in message:
            raise RuntimeError(f"without a display: exit {result.returncode}, said {message[-1500:]!r}")
        self.results["no_display"] = message

    def own_folders(self) -> None:
        written = sorted(str(path.relative_to(self.home)) for path in self.home.rglob("*") if path.is_file())
        foreign = [name for name in written if not name.startswith(OWN_PLACES)]
        if foreign:
            raise RuntimeError(f"the app wrote outside its own folders: {foreign[:15]}")
        self.results["own_folders"] = {"files_in_home": len(written)}
