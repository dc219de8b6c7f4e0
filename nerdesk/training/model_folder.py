"""Which folder a trained model may be written to (``nerdesk train --out``), and putting the model there.

Export replaces the whole folder, so the folder must be one whose contents nothing else needs: a path
that does not exist yet (created), an empty folder, an earlier model bundle (it has ``bundle.json``) or a
folder holding only the files a nerdesk model consists of (a ``--no-bundle`` checkpoint, or what an
interrupted export left). Anything else (a folder with other files in it, a file, the current folder or
one that holds it, a link, a path under a file) is refused with ``E420`` and left untouched. Nothing here
imports torch: ``nerdesk train`` runs the check before it loads any data.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import shutil
from pathlib import Path
from typing import NoReturn

from nerdesk.core.errors import TrainingError
from nerdesk.runtime.bundle import FP32_FILE, INT8_FILE, MANIFEST, TOKENIZER_FILE

# The files of a model folder: the bundle's, and the checkpoint's (``nerdesk.training.model``: weights and config).
MODEL_FILES = frozenset({MANIFEST, FP32_FILE, INT8_FILE, TOKENIZER_FILE, "checkpoint.safetensors", "config.json"})
# What export and checkpoint writing use while they work, left behind if they were killed (``export``'s int8
# trials, the checkpoint's temporary names).
WORK_FILES = (".int8-*.onnx", *(f".{name}.partial" for name in MODEL_FILES))
SHOWN = 3


def check_model_folder(path: str | Path, *, outcome: str = "the model was not written") -> None:
    """Raise ``TrainingError`` (``E420``) unless a model may be written to ``path``, replacing what is there,
    and assembled in its staging folder (``staging_folder``); ``outcome`` says in the message what did not
    happen."""
    check_folder(Path(path), outcome)
    staging = staging_folder(Path(os.path.abspath(path)))
    if staging.exists() or staging.is_symlink():
        check_folder(staging, outcome, role="where the model is assembled before it moves into place")


def check_folder(path: Path, outcome: str = "the model was not written", *, role: str = "") -> None:
    """``check_model_folder`` of ``path`` alone; ``role`` (what the folder is for) goes into the message."""
    refuse = functools.partial(_refuse, path, outcome, f" ({role})" if role else "")
    if os.path.islink(path):
        refuse("is a symbolic link", "give the folder itself")
    real, here = Path(os.path.realpath(path)), Path.cwd()
    if real == here or real in here.parents:
        refuse("is the current folder or holds it", "name a new folder for the model, e.g. --out my-model")
    if path.exists() and not path.is_dir():
        refuse("exists and is not a folder", "name a new folder for the model")
    if path.is_dir():
        try:
            others = foreign_files(path)
        except OSError as error:
            refuse(f"cannot be read ({error.strerror or error})", "check its permissions")
        if others:
            shown = ", ".join(others[:SHOWN]) + (f" and {len(others) - SHOWN} more" if len(others) > SHOWN else "")
            refuse(f"is a folder that is not a nerdesk model (it holds {shown}), which the model would replace",
                   "name a new or empty folder, or an earlier model's folder" if not role else "move those files")
        return
    ancestor = real.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        refuse(f"cannot be created: {ancestor} is not a folder", "name a folder path")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        refuse(f"cannot be created: no permission to write in {ancestor}", "name a folder you can write to")


def foreign_files(path: Path) -> list[str]:
    """Names in the folder ``path`` that replacing it with a model would lose: none when it is empty, is a
    bundle (holds ``bundle.json``, which a bundle's extra files such as a model card may go with) or holds
    only model files."""
    names = sorted(entry.name for entry in path.iterdir())
    if MANIFEST in names and (path / MANIFEST).is_file() and not (path / MANIFEST).is_symlink():
        return []
    return [name for name in names if not _model_file(path / name)]


def _model_file(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    return path.name in MODEL_FILES or any(fnmatch.fnmatchcase(path.name, pattern) for pattern in WORK_FILES)


def staging_folder(out_dir: Path) -> Path:
    """The hidden sibling folder export assembles the bundle for ``out_dir`` in."""
    return out_dir.parent / f".{out_dir.name}.partial"


def fresh_staging(out_dir: Path) -> Path:
    """An empty staging folder for ``out_dir``, after ``check_model_folder(out_dir)``: what an interrupted
    export left there is removed; a folder of that name holding anything else is refused (``E420``)."""
    check_model_folder(out_dir)  # the staging folder's contents too
    path = staging_folder(out_dir)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def move_into_place(staging: Path, out_dir: Path) -> Path:
    """Put the validated bundle in ``staging`` at ``out_dir``, replacing an earlier model there but nothing
    else (``E420``, checked again: the folder may have changed while the model trained); ``staging`` goes."""
    try:
        check_model_folder(out_dir)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _refuse(path: Path, outcome: str, role: str, reason: str, advice: str) -> NoReturn:
    raise TrainingError(f"{path}{role}: {reason}; {outcome}: {advice}", code="E420")
