"""Project settings: any JSON value under a string key (training options, view preferences...)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from nerdesk.core.errors import ProjectError
from nerdesk.storage.connection import write_transaction
from nerdesk.storage.rows import to_json


class SettingsMixin:
    db: Database

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store ``value`` (must be JSON-serialisable; ``None`` removes the setting)."""
        if value is None:
            with write_transaction(self.db):
                self.db.execute("DELETE FROM settings WHERE key = ?", [key])
            return
        try:
            encoded = to_json(value)
        except (TypeError, ValueError) as error:
            raise ProjectError(f"setting {key!r}: {error}; store numbers, strings, lists or dicts",
                               code="E250") from error
        with write_transaction(self.db):
            self.db.table("settings").upsert({"key": key, "value": encoded}, pk="key")

    def update_setting(self, key: str, change: Callable[[Any], Any]) -> None:
        """Replace the value under ``key`` by ``change(value)``, read and written in one write transaction, so
        that two connections updating parts of the same value (a cache of scores, say) never lose an update."""
        with write_transaction(self.db):
            self.set_setting(key, change(self.get_setting(key)))
