"""Light and dark looks: Qt's Fusion style, a matching palette and a stylesheet from resources/style."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QTableView

STYLE_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "style"
STYLESHEETS = {"light": "nerdesk.qss", "dark": "nerdesk-dark.qss"}
ROW_PADDING = 6  # pixels around the text of a list's row

DARK_COLORS = {
    QPalette.ColorRole.Window: "#202328", QPalette.ColorRole.WindowText: "#d8dde3",
    QPalette.ColorRole.Base: "#1a1d21", QPalette.ColorRole.AlternateBase: "#23272e",
    QPalette.ColorRole.Text: "#e4e8ec", QPalette.ColorRole.Button: "#2a2f36",
    QPalette.ColorRole.ButtonText: "#d8dde3", QPalette.ColorRole.Highlight: "#2f4f78",
    QPalette.ColorRole.HighlightedText: "#f2f5f8", QPalette.ColorRole.ToolTipBase: "#2a2f36",
    QPalette.ColorRole.ToolTipText: "#e4e8ec", QPalette.ColorRole.PlaceholderText: "#7d858e",
    QPalette.ColorRole.Link: "#7fb0ec", QPalette.ColorRole.BrightText: "#ffffff",
}


def stylesheet(theme: str) -> str:
    """The stylesheet text of ``theme`` (empty if the file is missing, so the app still starts)."""
    path = STYLE_DIR / STYLESHEETS.get(theme, STYLESHEETS["light"])
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _palette(theme: str, app: QApplication) -> QPalette:
    palette = app.style().standardPalette()
    if theme == "dark":
        for role, color in DARK_COLORS.items():
            palette.setColor(role, QColor(color))
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b727b"))
    return palette


def apply_theme(theme: str) -> None:
    """Give the whole application the ``light`` or ``dark`` look."""
    app = QApplication.instance()
    if app is None:
        return
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_palette(theme, app))
    app.setStyleSheet(stylesheet(theme))


def is_dark() -> bool:
    """Whether the application's background is dark (the view then draws chips for a dark page)."""
    return QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def add_theme_menu(menu: QMenu, current: str, choose) -> dict[str, object]:
    """A Theme submenu of ``menu`` with Light and Dark; ``choose(theme)`` is called on a change."""
    submenu = menu.addMenu("&Theme")
    group = QActionGroup(submenu)
    actions = {}
    for theme in STYLESHEETS:
        action = submenu.addAction(theme.capitalize())
        action.setCheckable(True)
        action.setChecked(theme == current)
        action.triggered.connect(lambda _checked=False, t=theme: choose(t))
        group.addAction(action)
        actions[theme] = action
    return actions


def one_line_rows(table: QTableView) -> None:
    """Rows one line of text high (Qt's default is 30 pixels): a small window lists more labels and documents."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING)
