"""The project's label set: names, colours, shortcut keys, and whether spans may nest.

Spans refer to labels by name (with ``ON UPDATE CASCADE``), so renaming a label is one UPDATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from nerdesk.core.errors import ProjectError
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.text_checks import first_problem, shown
from nerdesk.storage.connection import write_transaction
from nerdesk.storage.rows import from_json, to_json

FLAT_SETTING = "labels.flat"
UNCHANGED: Any = object()


class LabelsMixin:
    db: Database

    def label_set(self) -> LabelSet:
        rows = self.db.execute("SELECT name, color, key FROM labels ORDER BY position, id").fetchall()
        flat = self.db.execute("SELECT value FROM settings WHERE key = ?", [FLAT_SETTING]).fetchone()
        return LabelSet([Label(*row) for row in rows], flat=bool(flat and from_json(flat[0])))

    def set_flat(self, flat: bool) -> None:
        """Declare that spans of this project never overlap (decoding then keeps the best non-overlapping)."""
        with write_transaction(self.db):
            self.db.table("settings").upsert({"key": FLAT_SETTING, "value": to_json(bool(flat))}, pk="key")

    def add_label(self, name: str, color: str | None = None, key: str | None = None, *,
                  position: int | None = None) -> Label:
        """Add a label (colour and shortcut key picked if not given); an existing name is returned as is.

        ``position`` puts it at that place in the set (undoing a delete puts a label back where it was).
        """
        with write_transaction(self.db):
            label_set = self.label_set()
            if name in label_set:
                return label_set.get(name)
            label = label_set.add(name, color, key)
            self._insert_label(label, position=len(label_set) - 1)
            if position is not None and position < len(label_set) - 1:
                names = [n for n in label_set.names if n != name]
                names.insert(max(position, 0), name)
                self.db.conn.executemany("UPDATE labels SET position = ? WHERE name = ?", list(enumerate(names)))
            return label

    def ensure_labels(self, names: Iterable[str]) -> list[Label]:
        """Add the labels not yet in the set, in the given order; returns the ones added."""
        with write_transaction(self.db):
            label_set = self.label_set()
            added = []
            for name in dict.fromkeys(names):
                if name not in label_set:
                    label = label_set.add(name)
                    self._insert_label(label, position=len(label_set) - 1)
                    added.append(label)
            return added

    def update_label(self, name: str, *, new_name: str = UNCHANGED, color: str = UNCHANGED,
                     key: str | None = UNCHANGED) -> Label:
        """Rename, recolour or rebind a label; spans follow a rename. ``key=None`` removes the shortcut."""
        changes = {field: value for field, value in (("name", new_name), ("color", color), ("key", key))
                   if value is not UNCHANGED}
        with write_transaction(self.db):
            label_set = self.label_set()
            self._require(label_set, name)
            updated = label_set.update(name, **changes)
            check_label_fields(updated)
            self.db.execute(
                "UPDATE labels SET name = ?, color = ?, key = ? WHERE name = ?",
                [updated.name, updated.color, updated.key, name],
            )
            return updated

    def delete_label(self, name: str) -> int:
        """Remove a label and every span (gold and predicted) that has it; returns the spans deleted."""
        with write_transaction(self.db):
            self._require(self.label_set(), name)
            deleted = self.db.execute("DELETE FROM spans WHERE label = ?", [name]).rowcount
            self.db.execute("DELETE FROM labels WHERE name = ?", [name])
            return deleted

    def _insert_label(self, label: Label, *, position: int) -> None:
        check_label_fields(label)
        self.db.table("labels").insert(
            {"name": label.name, "color": label.color, "key": label.key, "position": position}
        )

    @staticmethod
    def _require(label_set: LabelSet, name: str) -> None:
        if name not in label_set:
            known = ", ".join(label_set.names) or "none"
            raise ProjectError(f"the project has no label {shown(name)} (labels: {known})")


def check_label_fields(label: Label) -> None:
    """Refuse a label whose name, colour or key cannot be stored (a lone surrogate, for one)."""
    if not isinstance(label.name, str):
        raise ProjectError(f"a label name must be a string, got {type(label.name).__name__}; nothing was changed")
    problem = first_problem((("name", label.name), ("colour", label.color), ("key", label.key)))
    if problem:
        raise ProjectError(f"label {shown(label.name)}: {problem}; nothing was changed")
