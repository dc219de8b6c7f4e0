"""The schema of ``bundle.json``, checked field by field, and the confinement of its file names.

Bundles come from other people, so every field is checked for its type and range before anything
uses it, and every file a bundle names must stay inside the bundle folder: no absolute path, no
``..``, no symbolic link that leads out. Each failure is one ``ModelBundleError`` naming the field.

The schema is written out here as plain checks rather than with a schema library: the rules are
few, and the messages can say what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, TypeGuard

from nerdesk.core.errors import ModelBundleError
from nerdesk.core.json_values import is_int, is_number
from nerdesk.core.wording import by_count

SHA256 = re.compile(r"[0-9a-f]{64}")


def is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


# field: (required, check, what it must be)
FIELDS: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "schema_version": (True, lambda v: is_int(v) and v >= 1, "a positive integer"),
    "name": (True, is_text, "a non-empty string"),
    "labels": (True, lambda v: isinstance(v, list) and bool(v), "a non-empty list of label objects"),
    "flat": (False, lambda v: isinstance(v, bool), "true or false"),
    "max_length": (True, lambda v: is_int(v) and v >= 2, "an integer of at least 2"),
    "stride": (True, lambda v: is_int(v) and v >= 0, "a non-negative integer"),
    "threshold": (True, is_number, "a finite number"),
    "max_span_tokens": (False, optional(lambda v: is_int(v) and v >= 1), "a positive integer or null"),
    "files": (True, lambda v: isinstance(v, dict) and bool(v), "an object mapping file names to hashes"),
    "variants": (True, lambda v: isinstance(v, dict) and bool(v), "an object mapping variants to files"),
    "default_variant": (True, is_text, "a variant name"),
    "model_version": (False, optional(is_text), "a non-empty string"),
    "metrics": (False, lambda v: isinstance(v, dict), "an object"),
    "trained_on": (False, lambda v: isinstance(v, dict), "an object"),
}


def validate_manifest(manifest: dict[str, Any], where: Path) -> None:
    """Raise ``ModelBundleError`` naming the first field of ``manifest`` that breaks the schema."""
    missing = [key for key, (required, _, _) in FIELDS.items() if required and key not in manifest]
    if missing:
        raise ModelBundleError(f"{where}: missing {by_count(len(missing), 'field', 'fields')} {', '.join(missing)}; "
                               "export the bundle again",
                               code="E305")
    for key, (_, check, expected) in FIELDS.items():
        if key in manifest and not check(manifest[key]):
            raise ModelBundleError(f"{where}: {key} must be {expected}, got {short(manifest[key])}; "
                                   "the bundle is corrupt or was edited, export it again", code="E306")
    _validate_labels(manifest["labels"], where)
    for name, entry in manifest["files"].items():
        check_file_name(name, where, "files")
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) \
                or not SHA256.fullmatch(entry["sha256"]):
            raise ModelBundleError(f"{where}: files[{name!r}] must be an object with a sha256 hex digest, "
                                   f"got {short(entry)}; export the bundle again", code="E306")
        if "bytes" in entry and not (is_int(entry["bytes"]) and entry["bytes"] >= 0):
            raise ModelBundleError(f"{where}: files[{name!r}].bytes must be a byte count, "
                                   f"got {short(entry['bytes'])}", code="E306")
    for variant, file_name in manifest["variants"].items():
        if not isinstance(file_name, str):
            raise ModelBundleError(f"{where}: variants[{variant!r}] must be a file name, got {short(file_name)}",
                                   code="E306")
        check_file_name(file_name, where, f"variants[{variant!r}]")


def _validate_labels(labels: list[Any], where: Path) -> None:
    seen: set[str] = set()
    for index, label in enumerate(labels):
        if not isinstance(label, dict) or not is_text(label.get("name")):
            raise ModelBundleError(f"{where}: labels[{index}] must be an object with a non-empty name, "
                                   f"got {short(label)}; export the bundle again", code="E306")
        for key in ("color", "key", "display_name", "description"):
            if not isinstance(label.get(key), (str, type(None))):
                raise ModelBundleError(f"{where}: labels[{index}].{key} must be a string or null, "
                                       f"got {short(label[key])}", code="E306")
        if label["name"] in seen:
            raise ModelBundleError(f"{where}: label {label['name']!r} is listed twice", code="E307")
        seen.add(label["name"])


def check_file_name(name: str, where: Path, field: str) -> None:
    """Refuse a file name that could point outside the bundle folder (before any path is built)."""
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if (not name or "\\" in name or "\x00" in name or posix.is_absolute() or windows.is_absolute()
            or windows.drive or ".." in posix.parts):
        raise ModelBundleError(f"{where}: {field} names {name!r}, which is not a plain file name inside the "
                               f"bundle folder; a bundle may only name its own files", code="E308")


def confined(directory: Path, name: str) -> Path:
    """``directory / name``, refused if it resolves (through symbolic links) outside ``directory``."""
    root = directory.resolve()
    try:
        target = (directory / name).resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links (Python 3.11, 3.12)
        raise ModelBundleError(f"{directory / name}: cannot be followed ({error}); copy the file into the bundle "
                               "folder", code="E309") from error
    if not target.is_relative_to(root):
        raise ModelBundleError(f"{directory / name}: leads outside the bundle folder (to {target}); "
                               f"a bundle may only use its own files, copy them into it", code="E309")
    return target


def short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
