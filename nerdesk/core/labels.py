"""Label sets: names, colours, shortcut keys, and whether spans may nest.

A label name is one line of visible text: not empty, no spaces at its ends, no control characters (NUL, tab,
line breaks), at most ``NAME_LIMIT`` characters. Exports, the window and the models' label lists all show it.
"""

from __future__ import annotations

import colorsys
import functools
import itertools
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from nerdesk.core.errors import NerdeskError
from nerdesk.core.text_checks import shown

# Assigned in order to new labels: the Okabe-Ito colours (told apart with every common colour-vision
# deficiency), then Paul Tol's muted ones; no magenta beside a red.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#56b4e9", "#cc79a7", "#f0e442",
    "#332288", "#999933", "#882255", "#44aa99", "#ddcc77", "#117733", "#888888",
)
GOLDEN_ANGLE = 137.508  # degrees of hue between generated colours: each new one far from all before it
GENERATED_LIGHTNESS = (0.42, 0.58, 0.34)  # a round of hues at each, so that the 40th label differs from the 20th
MIN_COLOR_DISTANCE = 15.0  # CIE76 between a generated colour and every earlier one (about 2.3 is just noticeable)
# Given to new labels in turn: the digits, then the letters in keyboard order without A, R and X (they accept and
# reject predictions), so that a corpus of 20 or 30 types has a key for each.
SHORTCUT_KEYS = tuple("1234567890qwetyuiopsdfghjklzcvbnm")
NAME_LIMIT = 100  # characters (code points) in a label name
# Categories no label name may hold: control characters (C0 and C1: NUL, tab, \n, \r, NEL) and the line and
# paragraph separators, which break a name over lines.
BREAKING_CATEGORIES = ("Cc", "Zl", "Zp")


def label_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a label name (completing "label name 'x' ..."), or None if it can."""
    if not isinstance(name, str):
        return f"is {type(name).__name__}, not text"
    if not name.strip():
        return "is empty"
    if name != name.strip():
        return "has spaces at its start or end"
    if len(name) > NAME_LIMIT:
        return f"has {len(name)} characters; keep it to {NAME_LIMIT}"
    for index, char in enumerate(name):
        if unicodedata.category(char) in BREAKING_CATEGORIES:
            return f"holds the control character U+{ord(char):04X} at character {index}"
    return None


def label_color(index: int) -> str:
    """The ``index``-th colour given to new labels: the palette, then hues a golden angle apart at a few
    lightnesses, each kept only if it stands ``MIN_COLOR_DISTANCE`` from every colour before it (30 labels
    shared the palette's 14; the first generated ones came within 5 of palette colours). Chips darken a
    colour where their text needs it."""
    while len(_COLORS) <= index:
        _COLORS.append(_next_generated_color())
    return _COLORS[index]


_COLORS = list(PALETTE)  # label_color's sequence so far
_CANDIDATES = itertools.count()  # golden-angle steps tried so far


def _next_generated_color() -> str:
    """The next golden-angle colour far enough from all before it; every 36 tries without one, "far enough"
    shrinks by a fifth (there is room for about 40 colours 15 apart at these lightnesses)."""
    for tries, candidate in enumerate(_CANDIDATES):
        hue = (candidate * GOLDEN_ANGLE) % 360 / 360
        lightness = GENERATED_LIGHTNESS[candidate // 12 % len(GENERATED_LIGHTNESS)]
        color = "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(hue, lightness, 0.6))
        needed = MIN_COLOR_DISTANCE * 0.8 ** (tries // 36)
        if all(color_distance(color, other) >= needed for other in _COLORS):
            return color
    raise AssertionError("unreachable: the candidates never end")


def color_distance(first: str, second: str) -> float:
    """How far apart two colours look: CIE76, the straight distance in CIELAB."""
    return math.dist(_lab(first), _lab(second))


@functools.cache
def _lab(color: str) -> tuple[float, float, float]:
    """``#rrggbb`` (sRGB) in CIELAB under D65."""
    linear = [((c / 255 + 0.055) / 1.055) ** 2.4 if c / 255 > 0.04045 else c / 255 / 12.92
              for c in (int(color[i:i + 2], 16) for i in (1, 3, 5))]
    xyz = [sum(w * c for w, c in zip(row, linear, strict=True)) / white for row, white in zip(
        ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505)), (0.95047, 1.0, 1.08883),
        strict=True)]
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def check_label_name(name: object) -> None:
    """Raise ``NerdeskError`` (E011) naming the label and what is wrong unless ``name`` can be a label name."""
    problem = label_name_problem(name)
    if problem:
        raise NerdeskError(f"label name {shown(name) if isinstance(name, str) else repr(name)} {problem}; "
                           "choose another name", code="E011")


def covers(model_labels: Iterable[str], labels: Iterable[str]) -> bool:
    """Whether a model's head already knows every one of ``labels`` (and there is at least one): training
    from it then keeps its head instead of giving it a new one."""
    wanted = set(labels)
    return bool(wanted) and wanted <= set(model_labels)


def as_renamed(model_labels: Iterable[str], renamed: Mapping[str, str]) -> list[str]:
    """A model's labels under the names the project gave them since (``renamed``: old name -> name now). A
    label whose new name the model also knows keeps its own: two of its labels must not share one name."""
    names = list(model_labels)
    known = set(names)
    return [renamed[name] if name in renamed and renamed[name] not in known else name for name in names]


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    key: str | None = None
    display_name: str = ""  # what people read for a corpus code ("symptom" for "sym"); empty: the name
    description: str = ""  # what the label covers, for tooltips

    @property
    def title(self) -> str:
        """``sym — symptom`` when the label has a display name of its own, else just its name."""
        shown = self.display_name.strip()
        return f"{self.name} — {shown}" if shown and shown != self.name else self.name


@dataclass(slots=True)
class LabelSet:
    labels: list[Label] = field(default_factory=list)
    flat: bool = False

    @classmethod
    def from_names(cls, names: Iterable[str], *, flat: bool = False) -> LabelSet:
        label_set = cls(flat=flat)
        for name in names:
            label_set.add(name)
        return label_set

    def __iter__(self) -> Iterator[Label]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, name: object) -> bool:
        return any(label.name == name for label in self.labels)

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def get(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise NerdeskError(f"no label named {name!r}; known labels: {', '.join(self.names) or 'none'}", code="E010")

    def by_key(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    def _owner_name(self, key: str) -> str | None:
        owner = self.by_key(key)
        return owner.name if owner is not None else None

    def add(self, name: str, color: str | None = None, key: str | None = None) -> Label:
        if name in self:
            return self.get(name)
        check_label_name(name)
        used_keys = {label.key for label in self.labels}
        if key is None:
            taken = {used.casefold() for used in used_keys if used}  # label keys ignore case
            key = next((k for k in SHORTCUT_KEYS if k not in taken), None)
        elif key in used_keys:
            raise NerdeskError(f"shortcut {key!r} is already used by label {self._owner_name(key)!r}", code="E012")
        label = Label(name, color or self.next_color(), key)
        self.labels.append(label)
        return label

    def next_color(self) -> str:
        """The first colour of ``label_color``'s sequence that no label here has (a deleted label's is free again)."""
        used = {label.color.lower() for label in self.labels}
        return next(color for index in range(len(used) + 1) if (color := label_color(index)) not in used)

    def update(self, current: str, /, **changes: str | None) -> Label:
        """Change a label's name, colour or key (keyword arguments), keeping names and keys unique."""
        old = self.get(current)
        name, color = changes.pop("name", old.name), changes.pop("color", old.color)
        if changes.keys() - {"key", "display_name", "description"} or not name or not color:
            raise NerdeskError(f"label {current!r}: only name, color, key, display name and description can "
                               f"change, and name and color need a value (got {sorted(changes)}, name={name!r}, "
                               f"color={color!r})", code="E013")
        new = replace(old, name=name, color=color, key=changes.get("key", old.key),
                      display_name=changes.get("display_name", old.display_name) or "",
                      description=changes.get("description", old.description) or "")
        if new.key is not None and new.key != old.key and self.by_key(new.key) is not None:
            raise NerdeskError(f"shortcut {new.key!r} is already used by label {self._owner_name(new.key)!r}", code="E012")
        if new.name != old.name and new.name in self:
            raise NerdeskError(f"a label named {new.name!r} already exists", code="E014")
        if new.name != old.name:
            check_label_name(new.name)
        self.labels[self.labels.index(old)] = new
        return new

    def remove(self, name: str) -> Label:
        label = self.get(name)
        self.labels.remove(label)
        return label
