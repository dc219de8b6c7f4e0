"""Toolbar icons: line drawings in resources/icons, tinted with the theme's text colour when loaded.

The SVG files draw with ``currentColor``; each theme gets its own tint, so one set of files serves
the light and the dark look.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon, QPixmap

ICON_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "icons"
TINTS = {"light": "#3d4550", "dark": "#d0d6dd"}


@lru_cache(maxsize=64)
def themed_icon(name: str, theme: str = "light") -> QIcon:
    """The icon ``resources/icons/<name>.svg`` drawn in the ``theme``'s tint (an empty icon if missing)."""
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        return QIcon()
    svg = path.read_text(encoding="utf-8").replace("currentColor", TINTS.get(theme, TINTS["light"]))
    icon = QIcon()
    for size in (24, 48):  # crisp on normal and high-density screens
        pixmap = QPixmap()
        pixmap.loadFromData(svg.replace('width="24" height="24"', f'width="{size}" height="{size}"').encode(),
                            "SVG")
        icon.addPixmap(pixmap)
    return icon
