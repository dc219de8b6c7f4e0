"""Starting the desktop app: ``run_app(argv)`` is what ``nerdesk`` without arguments calls."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources"
NO_DISPLAY = ("nerdesk: no display found. Start nerdesk on a desktop, "
              "or set QT_QPA_PLATFORM=offscreen for screenshots and tests.")
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def missing_display(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """True on a Linux or BSD machine with no X11 or Wayland display and no Qt platform chosen, where
    Qt would abort with a misleading hint about missing libraries (Windows and macOS always have one)."""
    if platform.startswith(("win", "darwin", "cygwin")):
        return False
    return not any(environ.get(name) for name in DISPLAY_VARIABLES)


def create_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "nerdesk", *argv])
    app.setOrganizationName("nerdesk")
    app.setApplicationName("nerdesk")
    app.setApplicationDisplayName("nerdesk")
    icon = RESOURCES / "app-icon.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app  # the window applies the theme of the user's preferences (nerdesk.gui.theme)


def run_app(argv: list[str]) -> int:
    """Show the main window, opening the project named in ``argv`` (or the most recent one, or the demo).

    Without a display it says so in one line and returns 2, instead of letting Qt abort.
    """
    if missing_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = create_application(argv)
    from nerdesk.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    projects = [arg for arg in argv if not arg.startswith("-")]
    if projects:
        path = Path(projects[0])
        if path.exists():
            window.open_project(path)
        else:
            window.new_project(path)
    elif window.recent.paths() and Path(window.recent.paths()[0]).is_file():
        window.open_project(window.recent.paths()[0])
    else:
        open_demo_project(window)
    close_on_interrupt(window)
    return app.exec()


def close_on_interrupt(window) -> QTimer:
    """Ctrl+C in the terminal that started the app closes the window as File > Quit does (a retraining or
    prediction is stopped first). Python runs its signal handlers only between bytecodes, which Qt's event
    loop never reaches on its own: a timer lets it in five times a second."""
    signal.signal(signal.SIGINT, lambda _number, _frame: window.close())
    timer = QTimer(window, interval=200)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def demo_data_dir() -> Path:
    """``~/.local/share/nerdesk`` on Linux (the generic data folder plus the app's name): AppDataLocation would add
    the organisation name too, and the organisation is also called nerdesk (``nerdesk/nerdesk``)."""
    generic = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(generic) / "nerdesk"


def open_demo_project(window) -> None:
    """First start (no recent project): open the demo project, built and predicted on the spot if needed."""
    from nerdesk.gui.errors import reporting_errors
    from nerdesk.workflows.demo import ensure_demo_project

    data_dir = demo_data_dir()
    with reporting_errors(window, "Cannot build the demo project"):
        window.open_project(ensure_demo_project(data_dir))
