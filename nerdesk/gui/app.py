"""Starting the desktop app: ``run_app(argv)`` is what ``nerdesk`` without arguments calls."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources"


def create_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "nerdesk", *argv])
    app.setOrganizationName("nerdesk")
    app.setApplicationName("nerdesk")
    app.setApplicationDisplayName("nerdesk")
    icon = RESOURCES / "app-icon.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    style = RESOURCES / "style" / "nerdesk.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def run_app(argv: list[str]) -> int:
    """Show the main window, opening the project named in ``argv`` (or the most recent one)."""
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
    return app.exec()
