"""The project's label set: names, colours, shortcut keys, display names, and whether spans may nest.

Spans refer to labels by name (with ``ON UPDATE CASCADE``), so renaming a label is one UPDATE. A
label's display name and description ("sym": "symptom") are what people read; the name is what
spans, exports and models use. Display names that models bring (``remember_label_names``) are kept
in the project and given to their labels whenever those labels join the set.

A rename is remembered (``renamed_labels``): model versions trained before it still predict the old
name, and their predictions and scores count under the name the label has now. A deletion is remembered too
(``deleted_labels``): a model that knows the label still predicts it, and those predictions are dropped rather
than bringing the label back. Adding the label again, or a gold span of it, ends that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlite_utils import Database

from nerdesk.core.errors import ProjectError
from nerdesk.core.label_changes import LabelChanges
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.text_checks import first_problem, shown
from nerdesk.storage import rejected_predictions
from nerdesk.storage.connection import write_transaction
from nerdesk.storage.rows import from_json, to_json

FLAT_SETTING = "labels.flat"
KNOWN_NAMES_SETTING = "labels.known_names"  # {name: [display name, description]} brought by models
RENAMED_SETTING = "labels.renamed"  # {old name: name now} of every label renamed since models learnt it
DELETED_SETTING = "labels.deleted"  # [name] of every label deleted (not merged) and not added again since
DISPLAY_NAME_LIMIT = 60  # characters
DESCRIPTION_LIMIT = 500
UNCHANGED: Any = object()


class LabelsMixin:
    db: Database

    def label_set(self) -> LabelSet:
        rows = self.db.execute("SELECT name, color, key, display_name, description FROM labels "
                               "ORDER BY position, id").fetchall()
        flat = self.db.execute("SELECT value FROM settings WHERE key = ?", [FLAT_SETTING]).fetchone()
        return LabelSet([Label(*row) for row in rows], flat=bool(flat and from_json(flat[0])))

    def set_flat(self, flat: bool) -> None:
        """Declare that spans of this project never overlap (decoding then keeps the best non-overlapping)."""
        with write_transaction(self.db):
            self.db.table("settings").upsert({"key": FLAT_SETTING, "value": to_json(bool(flat))}, pk="key")

    def add_label(self, name: str, color: str | None = None, key: str | None = None, *,
                  position: int | None = None, display_name: str = "", description: str = "") -> Label:
        """Add a label (colour and shortcut key picked if not given); an existing name is returned as is.

        ``position`` puts it at that place in the set (undoing a delete puts a label back where it was).
        Without a display name, one a model brought for this name is used.
        """
        with write_transaction(self.db):
            label_set = self.label_set()
            if name in label_set:
                return label_set.get(name)
            label = label_set.add(name, color, key)
            if display_name or description:
                label = replace(label, display_name=display_name, description=description)
            else:
                label = self._with_known_name(label, self.known_label_names())
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
            known = None
            added = []
            for name in dict.fromkeys(names):
                if name not in label_set:
                    known = self.known_label_names() if known is None else known
                    label = self._with_known_name(label_set.add(name), known)
                    self._insert_label(label, position=len(label_set) - 1)
                    added.append(label)
            return added

    def update_label(self, name: str, *, new_name: str = UNCHANGED, color: str = UNCHANGED,
                     key: str | None = UNCHANGED, display_name: str = UNCHANGED,
                     description: str = UNCHANGED) -> Label:
        """Rename, recolour, rebind or describe a label; spans follow a rename. ``key=None`` removes the
        shortcut."""
        fields = (("name", new_name), ("color", color), ("key", key), ("display_name", display_name),
                  ("description", description))
        changes = {field: value for field, value in fields if value is not UNCHANGED}
        with write_transaction(self.db):
            label_set = self.label_set()
            self._require(label_set, name)
            updated = label_set.update(name, **changes)
            check_label_fields(updated)
            self.db.execute(
                "UPDATE labels SET name = ?, color = ?, key = ?, display_name = ?, description = ? WHERE name = ?",
                [updated.name, updated.color, updated.key, updated.display_name, updated.description, name],
            )
            if updated.name != name:
                rejected_predictions.relabel(self.db, name, updated.name)
                self._remember_rename(name, updated.name)
                self._forget_deletion(updated.name)
            return updated

    def renamed_labels(self) -> dict[str, str]:
        """Old label names with the names they have now, for what models trained before a rename predict.
        A name that is a label of the set again (renamed back, or added anew) stands for itself."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [RENAMED_SETTING]).fetchone()
        value = from_json(row[0]) if row else {}
        names = set(self.label_set().names)
        return {str(old): str(new) for old, new in value.items() if old not in names} \
            if isinstance(value, dict) else {}

    def _remember_rename(self, old: str, new: str) -> None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [RENAMED_SETTING]).fetchone()
        value = from_json(row[0]) if row else {}
        renamed = {key: new if name == old else name for key, name in value.items()} \
            if isinstance(value, dict) else {}
        renamed[old] = new
        renamed = {key: name for key, name in renamed.items() if key != name}
        self.db.table("settings").upsert({"key": RENAMED_SETTING, "value": to_json(renamed)}, pk="key")

    def label_changes(self) -> LabelChanges:
        """The renames and deletions that a model's predictions go through before they are stored or scored."""
        return LabelChanges(self.renamed_labels(), self.deleted_labels())

    def deleted_labels(self) -> frozenset[str]:
        """Labels the user deleted (not merged into another): predictions of them are dropped."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [DELETED_SETTING]).fetchone()
        value = from_json(row[0]) if row else []
        return frozenset(str(name) for name in value) - set(self.label_set().names) \
            if isinstance(value, list) else frozenset()

    def _remember_deletion(self, name: str) -> None:
        self._write_deleted(self.deleted_labels() | {name})

    def _forget_deletion(self, name: str) -> None:
        deleted = self.deleted_labels()
        if name in deleted:
            self._write_deleted(deleted - {name})

    def _write_deleted(self, names: frozenset[str]) -> None:
        self.db.table("settings").upsert({"key": DELETED_SETTING, "value": to_json(sorted(names))}, pk="key")

    def known_label_names(self) -> dict[str, tuple[str, str]]:
        """Display names and descriptions that models brought, by label name."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [KNOWN_NAMES_SETTING]).fetchone()
        value = from_json(row[0]) if row else {}
        return {name: (str(pair[0]), str(pair[1])) for name, pair in value.items()
                if isinstance(pair, list) and len(pair) == 2} if isinstance(value, dict) else {}

    def remember_label_names(self, names: Mapping[str, tuple[str, str]]) -> int:
        """Keep display names and descriptions (from a model bundle) for these label names, and give them
        to the labels already in the set that have no display name yet; returns how many were given."""
        for name, (display_name, description) in names.items():
            check_label_fields(Label(name, "#000000", None, display_name, description))
        with write_transaction(self.db):
            known = {**self.known_label_names(), **{name: tuple(pair) for name, pair in names.items()}}
            self.db.table("settings").upsert({"key": KNOWN_NAMES_SETTING,
                                              "value": to_json({n: list(p) for n, p in known.items()})}, pk="key")
            given = 0
            for label in self.label_set():
                if not label.display_name and not label.description and label.name in names:
                    display_name, description = names[label.name]
                    self.db.execute("UPDATE labels SET display_name = ?, description = ? WHERE name = ?",
                                    [display_name, description, label.name])
                    given += 1
            return given

    @staticmethod
    def _with_known_name(label: Label, known: Mapping[str, tuple[str, str]]) -> Label:
        display_name, description = known.get(label.name, ("", ""))
        return replace(label, display_name=display_name, description=description)

    def delete_label(self, name: str, *, merged_into: str | None = None) -> int:
        """Remove a label and every span (gold and predicted) that has it; returns the spans deleted. A label
        ``merged_into`` another (its spans relabelled first) is remembered as renamed to it, any other as
        deleted (``deleted_labels``)."""
        with write_transaction(self.db):
            self._require(self.label_set(), name)
            deleted = self.db.execute("DELETE FROM spans WHERE label = ?", [name]).rowcount
            self.db.execute("DELETE FROM labels WHERE name = ?", [name])
            if merged_into is not None:
                rejected_predictions.relabel(self.db, name, merged_into)
                self._remember_rename(name, merged_into)
            else:
                self._remember_deletion(name)
            return deleted

    def _insert_label(self, label: Label, *, position: int) -> None:
        check_label_fields(label)
        self._forget_deletion(label.name)
        self.db.table("labels").insert(
            {"name": label.name, "color": label.color, "key": label.key, "position": position,
             "display_name": label.display_name, "description": label.description}
        )

    @staticmethod
    def _require(label_set: LabelSet, name: str) -> None:
        if name not in label_set:
            known = ", ".join(label_set.names) or "none"
            raise ProjectError(f"the project has no label {shown(name)} (labels: {known})", code="E010")


def check_label_fields(label: Label) -> None:
    """Refuse a label whose name, colour or key cannot be stored (a lone surrogate, for one)."""
    if not isinstance(label.name, str):
        raise ProjectError(f"a label name must be a string, got {type(label.name).__name__}; nothing was changed",
                           code="E237")
    problem = first_problem((("name", label.name), ("colour", label.color), ("key", label.key),
                             ("display name", label.display_name), ("description", label.description)))
    problem = problem or label_text_problem(label.display_name, label.description)
    if problem:
        raise ProjectError(f"label {shown(label.name)}: {problem}; nothing was changed", code="E237")


def label_text_problem(display_name: str, description: str) -> str | None:
    """Why a display name or description cannot be used (the label dialog asks the same), or None."""
    if not isinstance(display_name, str) or not isinstance(description, str):
        return "the display name and the description must be text"
    if "\n" in display_name or "\r" in display_name:
        return "the display name must fit on one line"
    if len(display_name) > DISPLAY_NAME_LIMIT:
        return f"the display name has {len(display_name)} characters; keep it to {DISPLAY_NAME_LIMIT}"
    if len(description) > DESCRIPTION_LIMIT:
        return f"the description has {len(description)} characters; keep it to {DESCRIPTION_LIMIT}"
    return None
