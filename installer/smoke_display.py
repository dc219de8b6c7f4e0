"""Real displays for the smoke test: an X server (Xvfb) and a Wayland compositor (weston, headless), the
installed app started on them as a user's desktop would start it, and screenshots taken through the
display server, not by the app (what a user would see, window decorations and all).

Tools (Debian/Ubuntu packages): ``xvfb`` (Xvfb), ``x11-utils`` (xwininfo), ``imagemagick`` (import,
identify), ``weston`` (weston, weston-screenshooter). A missing tool skips that display's check with the
apt line that brings it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

SCREEN = (1280, 800)
IMAGEMAGICK = {"identify": "imagemagick", "compare": "imagemagick"}
X11_TOOLS = {"Xvfb": "xvfb", "xwininfo": "x11-utils", "import": "imagemagick", **IMAGEMAGICK}
WAYLAND_TOOLS = {"weston": "weston", "weston-screenshooter": "weston", **IMAGEMAGICK}
PAINTED_COLOURS = 64  # a painted main window has far more colours than an empty X screen (1) or a blank frame
WINDOW_PIXELS = 200 * 200  # pixels that must differ from the screen before the start: a window, not a clock


class DisplayUnavailable(RuntimeError):
    """A display server or screenshot tool is not installed; the message says what to install."""


def require(tools: dict[str, str]) -> None:
    missing = sorted({package for tool, package in tools.items() if shutil.which(tool) is None})
    if missing:
        raise DisplayUnavailable(f"not installed; apt-get install {' '.join(missing)}")


def colours(image: Path) -> int:
    result = subprocess.run(["identify", "-format", "%k", str(image)], capture_output=True, text=True, timeout=60)
    return int(result.stdout.strip() or 0)


def changed_pixels(before: Path, after: Path) -> int:
    """How many pixels differ between two screenshots of the same screen (ImageMagick's compare)."""
    result = subprocess.run(["compare", "-metric", "AE", str(before), str(after), "null:"], capture_output=True,
                            text=True, timeout=60)
    return int(float(result.stderr.split()[0])) if result.stderr.strip() else 0


def wait_until(condition, timeout: float, step: float = 0.1):
    """Call ``condition`` until it returns something true, or ``timeout`` seconds pass (then None)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


class Xvfb:
    """An X server on a free display number, for as long as the ``with`` block lasts."""

    def __init__(self, scratch: Path) -> None:
        require(X11_TOOLS)
        self.scratch = scratch
        self.number = next(n for n in range(91, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                           and not Path(f"/tmp/.X{n}-lock").exists())
        self.display = f":{self.number}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Xvfb:
        width, height = SCREEN
        # -noreset: by default the server resets when its last client leaves (a screenshot, or the app's first
        # start), and a client connecting during the reset fails ("could not connect to display"), which Qt
        # reports as the misleading "xcb-cursor0 is needed" abort.
        self.process = subprocess.Popen(["Xvfb", self.display, "-screen", "0", f"{width}x{height}x24", "-nolisten",
                                         "tcp", "-noreset"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: Path(f"/tmp/.X11-unix/X{self.number}").exists(), 10):
            raise RuntimeError(f"Xvfb did not start on {self.display}")
        return self

    def __exit__(self, *exc) -> None:
        stop(self.process)

    @property
    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"}

    def window_titles(self) -> list[str]:
        result = subprocess.run(["xwininfo", "-root", "-tree", "-display", self.display], capture_output=True,
                                text=True, timeout=30)
        return re.findall(r'^\s+0x[0-9a-f]+ "([^"]*)"', result.stdout, re.M)

    def screenshot(self, path: Path) -> Path:
        subprocess.run(["import", "-display", self.display, "-window", "root", str(path)], check=True,
                       capture_output=True, timeout=60)
        return path


class Weston:
    """A headless weston (desktop shell, CPU renderer) on its own socket, for as long as the ``with`` lasts."""

    def __init__(self, scratch: Path) -> None:
        require(WAYLAND_TOOLS)
        self.runtime_dir = scratch / "xdg-runtime"
        self.runtime_dir.mkdir(mode=0o700, exist_ok=True)
        self.socket = f"nerdesk-smoke-{os.getpid()}"
        self.process: subprocess.Popen | None = None
        self.log = scratch / "weston.log"

    def __enter__(self) -> Weston:
        width, height = SCREEN
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["weston", "--backend=headless-backend.so", "--use-pixman", "--debug", f"--socket={self.socket}",
                 f"--width={width}", f"--height={height}", "--idle-time=0"],
                env={**os.environ, "XDG_RUNTIME_DIR": str(self.runtime_dir)}, stdout=log, stderr=log)
        if not wait_until(lambda: (self.runtime_dir / self.socket).exists(), 15):
            raise RuntimeError(f"weston did not start:\n{self.log.read_text()[-2000:]}")
        return self

    def __exit__(self, *exc) -> None:
        stop(self.process)

    @property
    def env(self) -> dict[str, str]:
        return {"XDG_RUNTIME_DIR": str(self.runtime_dir), "WAYLAND_DISPLAY": self.socket,
                "QT_QPA_PLATFORM": "wayland"}

    def screenshot(self, path: Path) -> Path:
        """weston-screenshooter writes ``wayland-screenshot-<time>.png`` into its working folder."""
        folder = path.parent / "weston-shots"
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        subprocess.run(["weston-screenshooter"], cwd=folder, env={**os.environ, **self.env}, check=True,
                       capture_output=True, timeout=60)
        (shot,) = folder.glob("wayland-screenshot-*.png")
        return Path(shutil.move(shot, path))


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def first_paint(process: subprocess.Popen, server, baseline: Path, shot: Path, timeout: float = 90) -> float:
    """Seconds from ``process``'s start until the screen shows a painted window, polled by screenshots
    compared with ``baseline`` (the screen before the start).

    The clock starts when this is called, right after ``Popen``; the poll's own cost (a screenshot takes
    0.1-0.3 s) makes the figure an upper bound.
    """
    started = time.perf_counter()

    def painted() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode} before showing a window")
        server.screenshot(shot)
        return changed_pixels(baseline, shot) >= WINDOW_PIXELS and colours(shot) >= PAINTED_COLOURS

    if not wait_until(painted, timeout, step=0.05):
        raise RuntimeError(f"no painted window within {timeout:.0f} s")
    return time.perf_counter() - started
