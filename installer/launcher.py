"""Entry point of the frozen nerdesk executable (the script PyInstaller builds from).

It does what the ``nerdesk`` console script does: no arguments open the annotation window, a
subcommand (``train``, ``predict``, ``import``, ...) runs that command, through ``nerdesk.cli.main``.
The GUI starts training by running this same executable with ``train`` (``sys.executable`` is the
frozen program), so every subcommand must work here, not only the window.

Two additions for the desktop:

- a lone ``.nerdesk`` path (a file manager opening a project, or macOS argv emulation) opens that
  project in the window, as ``nerdesk gui PATH`` would; the ``-psn_...`` argument that old macOS
  Finder versions add is dropped;
- ``NERDESK_SMOKE_SCREENSHOT=shot.png`` in the environment saves a screenshot of the main window
  once it is shown and quits: ``installer/smoke_test.py`` uses it to check that the packaged GUI
  starts (with ``QT_QPA_PLATFORM=offscreen``). Unset, it changes nothing.

It also turns ONNX Runtime's telemetry off (``ORT_DISABLE_TELEMETRY=1`` unless set otherwise), which
would otherwise write a device id and an event database under ``~/.cache/Microsoft/``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

PROJECT_SUFFIX = ".nerdesk"
SCREENSHOT_VARIABLE = "NERDESK_SMOKE_SCREENSHOT"
SCREENSHOT_DELAY_MS = 1500
ORT_TELEMETRY_VARIABLE = "ORT_DISABLE_TELEMETRY"


def command_line(argv: list[str]) -> list[str]:
    """The arguments for ``nerdesk.cli.main``: desktop-style invocations mapped to ``gui``."""
    argv = [arg for arg in argv if not arg.startswith("-psn_")]
    if len(argv) == 1 and argv[0].lower().endswith(PROJECT_SUFFIX):
        return ["gui", argv[0]]
    return argv


def schedule_screenshot(path: str) -> None:
    """Create the QApplication early and grab the main window shortly after the event loop starts."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def grab_and_quit() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        saved = bool(windows) and windows[0].grab().save(path)
        print(f"screenshot {'saved to ' + path if saved else 'failed: no visible main window'}; "
              f"window icon {'missing' if app.windowIcon().isNull() else 'set'}", file=sys.stderr)
        app.exit(0 if saved else 3)

    QTimer.singleShot(SCREENSHOT_DELAY_MS, grab_and_quit)


def main() -> int:
    # Before anything imports onnxruntime: an offline app sends no usage events and leaves no device id.
    os.environ.setdefault(ORT_TELEMETRY_VARIABLE, "1")
    multiprocessing.freeze_support()
    argv = command_line(sys.argv[1:])
    screenshot = os.environ.get(SCREENSHOT_VARIABLE)
    if screenshot and (not argv or argv[0] == "gui"):
        schedule_screenshot(screenshot)
    from nerdesk.cli import main as nerdesk_main

    return nerdesk_main(argv)


if __name__ == "__main__":
    sys.exit(main())
