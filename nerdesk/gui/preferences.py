"""User preferences (a JSON file in the app's config folder) and recent projects (QSettings).

Window geometry and the recent-project list belong to this machine's Qt settings; preferences
that a user may want to copy or edit by hand (font size, score threshold, theme, what Ctrl+Enter does
with pending predictions, word snapping, scores on chips) are plain JSON.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from nerdesk.workflows.review_policy import ASK, POLICIES

RECENT_KEY = "recentProjects"
RECENT_LIMIT = 8
THEMES = ("light", "dark")
# Text preferences and the values they may take; anything else in the file is ignored.
CHOICES = {"pending_policy": POLICIES, "theme": THEMES}


@dataclass
class Preferences:
    font_size: float = 13.0
    min_score: float = 0.5
    pending_policy: str = ASK
    theme: str = "light"
    snap_to_tokens: bool = True
    show_scores: bool = False

    @staticmethod
    def default_path() -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
        return Path(folder) / "preferences.json"

    @classmethod
    def load(cls, path: Path) -> Preferences:
        """Read preferences; a missing or unreadable file gives the defaults (preferences are not data)."""
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(stored, dict):
            return cls()
        return cls(**{f.name: stored[f.name] for f in fields(cls)
                      if f.name in stored and _acceptable(f.name, f.default, stored[f.name])})

    def save(self, path: Path) -> None:
        """Write atomically, so a crash never leaves half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(temporary, path)


def _acceptable(name: str, default: object, value: object) -> bool:
    if name in CHOICES:
        return value in CHOICES[name]
    if isinstance(default, bool):
        return isinstance(value, bool)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class RecentProjects:
    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def paths(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [p for p in paths if p]

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self.settings.setValue(RECENT_KEY, [path, *[p for p in self.paths() if p != path]][:RECENT_LIMIT])

    def remove(self, path: str) -> None:
        self.settings.setValue(RECENT_KEY, [p for p in self.paths() if p != path])
