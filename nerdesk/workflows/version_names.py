"""How a project's own model versions are named: ``v<N>-<UTC time>``, then ``@<hash>`` once registered."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from nerdesk.storage import Project


def display_name(name: str) -> str:
    """A version's name without the content hash that ``bundle.model_version`` appends (``v2-…@3fa2``)."""
    return name.split("@")[0]


def spoken_name(name: str) -> str:
    """``v3`` for a project's own ``v3-20261204-230208@hash``, as sentences name it (its number never returns,
    and ``nerdesk activate PROJECT v3`` takes it); any other name without its hash."""
    match = _VERSION_NAME.match(name)
    return f"v{match.group(1)}" if match else display_name(name)


def short_name(name: str) -> str:
    """``v3 · 12-04 23:02`` for a project's own ``v3-20261204-230208@hash``: what fits a narrow table (the full
    name is in its tooltip); any other name without its hash."""
    match = _VERSION_NAME.match(name)
    if match is None:
        return display_name(name)
    number, month, day, hour, minute = match.groups()
    return f"v{number} · {month}-{day} {hour}:{minute}"


_VERSION_NAME = re.compile(r"v([0-9]+)-[0-9]{4}([0-9]{2})([0-9]{2})-([0-9]{2})([0-9]{2})[0-9]{2}")


def next_version_number(project: Project) -> int:
    """One more than the highest ``vN`` of the project's own versions: the models it was given (the demo's
    embedded ones, a bundle loaded from a folder) are not counted, nor does a deleted version's number return."""
    numbers = [int(match.group(1)) for version in project.model_versions()
               if (match := _VERSION_NUMBER.match(version.name))]
    return max(numbers, default=0) + 1


_VERSION_NUMBER = re.compile(r"v([0-9]+)-")


def new_version_name(root: Path, number: int) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    name, suffix = f"v{number}-{stamp}", 1
    while (root / name).exists():
        suffix += 1
        name = f"v{number}-{stamp}-{suffix}"
    return name
