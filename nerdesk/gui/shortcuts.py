"""Keys the annotation view and the main window use, so label shortcuts cannot collide with them."""

from __future__ import annotations

from nerdesk.core.errors import NerdeskError
from nerdesk.core.labels import LabelSet

ACCEPT_KEYS = ("A", "Return", "Enter")
REJECT_KEYS = ("R", "X")
DELETE_KEYS = ("Delete", "Backspace")
# Boundary nudges: Alt+Left/Right move the start, Alt+Shift+Left/Right move the end (by one grapheme).
NUDGE_DESCRIPTION = "Alt+Left/Right moves the start, Alt+Shift+Left/Right moves the end"
NEXT_SPAN_KEYS = ("Tab", "Backtab")  # Tab selects the next span in reading order, Shift+Tab the previous
VIEW_KEYS = frozenset({*ACCEPT_KEYS, *REJECT_KEYS, *DELETE_KEYS, *NEXT_SPAN_KEYS, "Escape", "Space"})


def check_label_key(key: str | None, labels: LabelSet, *, label_name: str | None,
                    app_shortcuts: frozenset[str] = frozenset()) -> None:
    """Raise ``NerdeskError`` unless ``key`` is free to be the shortcut of label ``label_name``."""
    if key is None or key == "":
        return
    if len(key) != 1 or not key.isprintable() or key.isspace():
        raise NerdeskError(f"shortcut {key!r} must be a single visible character, e.g. 1 or q")
    if key.upper() in VIEW_KEYS or key.upper() in app_shortcuts:
        raise NerdeskError(
            f"shortcut {key!r} is already an editing key ({', '.join(sorted(VIEW_KEYS | app_shortcuts))}); "
            "choose another character"
        )
    owner = labels.by_key(key)
    if owner is not None and owner.name != label_name:
        raise NerdeskError(f"shortcut {key!r} is already used by label {owner.name!r}; choose another")
