"""Keys the annotation view and the main window use, so label shortcuts cannot collide with them."""

from __future__ import annotations

from nerdesk.core.errors import NerdeskError
from nerdesk.core.labels import Label, LabelSet

ACCEPT_KEYS = ("A", "Return", "Enter")
REJECT_KEYS = ("R", "X")
DELETE_KEYS = ("Delete", "Backspace")
# Boundary nudges: Alt+Left/Right move the start, Alt+Shift+Left/Right move the end (by one grapheme).
NUDGE_DESCRIPTION = "Alt+Left/Right moves the start, Alt+Shift+Left/Right moves the end"
NEXT_SPAN_KEYS = ("Tab", "Backtab")  # Tab selects the next span in reading order, Shift+Tab the previous
# The editing keys a label key could collide with (label keys are single characters), and what they do.
CHARACTER_KEY_PURPOSES = {"A": "accepts the selected prediction", "R": "rejects the selected prediction",
                          "X": "rejects the selected prediction"}


def label_for_key(labels: LabelSet, key: str) -> Label | None:
    """The label whose shortcut is ``key``, whatever its case: Shift+G or Caps Lock still selects "g"."""
    wanted = key.casefold()
    return next((label for label in labels if label.key and label.key.casefold() == wanted), None)


def check_label_key(key: str | None, labels: LabelSet, *, label_name: str | None,
                    app_shortcuts: frozenset[str] = frozenset()) -> None:
    """Raise ``NerdeskError`` unless ``key`` is free to be the shortcut of label ``label_name``."""
    if key is None or key == "":
        return
    if len(key) != 1 or not key.isprintable() or key.isspace():
        raise NerdeskError(f"shortcut {key!r} must be a single visible character, e.g. 1 or q", code="E600")
    purpose = CHARACTER_KEY_PURPOSES.get(key.upper())
    if purpose is not None:
        raise NerdeskError(f"shortcut {key!r} is taken: {key.upper()} {purpose}; choose another character",
                           code="E601")
    if key.upper() in app_shortcuts:
        raise NerdeskError(f"shortcut {key!r} is taken by a command of the window; choose another character",
                           code="E601")
    owner = label_for_key(labels, key)
    if owner is not None and owner.name != label_name:
        raise NerdeskError(f"shortcut {key!r} is already used by label {owner.name!r} (keys ignore case); "
                           "choose another", code="E012")
