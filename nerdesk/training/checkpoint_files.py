"""Checkpoint files read with care (they may come from other people) and written so that a failure loses nothing.

Reading: a model config's values are checked before any tensor is allocated (types, and sizes within sane
limits), and ``nerdesk.training.model.load_checkpoint`` builds the model it describes on the ``meta`` device
first and compares it with the tensor shapes the weights file's header declares (``weights_problem``): a config
that asks for 10**12 embedding rows is refused with a message instead of exhausting memory.

Writing: every file goes to a temporary name in the checkpoint directory and is renamed into place once all
of them are written (``write_files``), so a full disk leaves whatever the directory held as it was.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer
from torch import nn

from nerdesk.core.errors import ModelBundleError, TrainingError

MAX_SIZE = 1 << 24  # any count in a model config: vocabulary, units, positions, ...
MAX_LAYERS = 512  # layers are built one Python object at a time
PARTIAL_SUFFIX = ".partial"
# What the top-level fields of a model config hold (besides labels and encoder).
FIELD_TYPES: dict[str, tuple[type, ...]] = {"head": (str,), "head_size": (int,), "max_length": (int,),
                                            "window_stride": (int,), "threshold": (int, float), "flat": (bool,),
                                            "schema": (int,), "extra": (dict,)}


def one_line(error: BaseException | str, limit: int = 300) -> str:
    """An exception's message on one line (libraries' messages often span several), cut at ``limit`` characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def config_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with the values of a model config (None: nothing): wrong types, or sizes beyond sane limits."""
    labels = data["labels"]
    if not isinstance(labels, list) or not labels or not all(isinstance(name, str) and name for name in labels):
        return "'labels' must be a non-empty list of label names"
    if len(set(labels)) != len(labels):
        return "'labels' lists a label twice"
    encoder = data["encoder"]
    if not isinstance(encoder, dict) or not isinstance(encoder.get("kind"), str):
        return "'encoder' must be an object with a 'kind'"
    for name, kinds in FIELD_TYPES.items():
        value = data.get(name, kinds[0]())
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            return f"'{name}' must be of type {kinds[0].__name__}, not {type(value).__name__}"
    return size_problem({key: value for key, value in data.items() if key != "labels"})


def size_problem(value: Any, where: str = "") -> str | None:
    """The first number in ``value`` (nested dicts and lists) that no sane model has: a count over ``MAX_SIZE``,
    a layer count over ``MAX_LAYERS``, or a float that is not finite. None when there is none."""
    if isinstance(value, dict):
        return next((problem for key, item in value.items()
                     if (problem := size_problem(item, f"{where}.{key}" if where else str(key)))), None)
    if isinstance(value, list):
        return next((problem for index, item in enumerate(value) if (problem := size_problem(item, f"{where}[{index}]"))),
                    None)
    if isinstance(value, float) and not math.isfinite(value):
        return f"'{where}' is {value}"
    if isinstance(value, int) and not isinstance(value, bool):
        limit = MAX_LAYERS if where.endswith("layers") or where.endswith("n_layer") else MAX_SIZE
        if abs(value) > limit:
            return f"'{where}' is {value:,}, beyond the {limit:,} a model can sanely have"
    return None


def weight_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """The name and shape of every tensor in a safetensors file, read from its header (no tensor is loaded)."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            return {name: tuple(handle.get_slice(name).get_shape()) for name in handle.keys()}  # noqa: SIM118 (safe_open is no dict)
    except (SafetensorError, OSError, ValueError) as error:
        raise ModelBundleError(f"{path}: not a readable safetensors weights file ({one_line(error)}); "
                               "copy the model again, or re-train", code="E364") from error


def weights_problem(outline: nn.Module, shapes: Mapping[str, tuple[int, ...]]) -> str | None:
    """Why the weights with ``shapes`` cannot fill ``outline`` (a model built on the meta device), or None."""
    state = outline.state_dict()
    unexpected = sorted(set(shapes) - set(state))
    if unexpected:
        return f"the file holds weights the config does not describe: {', '.join(unexpected[:3])}"
    for name, shape in shapes.items():
        if tuple(state[name].shape) != shape:
            return f"{name} is {list(shape)} in the file but {list(state[name].shape)} by the config"
    needed = sum(parameter.numel() for parameter in outline.parameters())
    stored = sum(math.prod(shape) for shape in shapes.values())
    if needed > stored:
        return f"the config describes {needed:,} weights but the file holds {stored:,}"
    return None


def read_tokenizer(path: Path) -> Tokenizer:
    try:
        return Tokenizer.from_file(str(path))
    except Exception as error:  # tokenizers raises plain Exception for every problem
        raise ModelBundleError(f"{path}: not a valid tokenizers file ({one_line(error)}); copy the model again, "
                               "or re-train", code="E331") from error


def write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_files(directory: Path, writers: Mapping[str, Callable[[Path], None]]) -> None:
    """Write the files of a checkpoint into ``directory`` (created if needed): each ``writers[name]`` writes to
    a temporary path, and only when every file is written are they renamed to their names. A failure (a full
    disk) removes the temporary files (and ``directory`` if this made it) and leaves the files already in
    ``directory`` as they were."""
    from safetensors import SafetensorError

    partial = {name: directory / f".{name}{PARTIAL_SUFFIX}" for name in writers}
    current, created = "the folder", not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for current, write in writers.items():
            write(partial[current])
    except (OSError, SafetensorError) as error:
        _remove(partial.values())
        if created:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise TrainingError(f"{directory}: cannot write {current} ({one_line(error)}); the model is not saved and "
                            "nothing in that folder was replaced: a model already there is as it was. Free some "
                            "disk space (or check the folder's permissions) and train again", code="E109") from error
    except BaseException:
        _remove(partial.values())
        raise
    try:
        for name, path in partial.items():
            os.replace(path, directory / name)
    except OSError as error:
        _remove(partial.values())
        raise TrainingError(f"{directory}: cannot move the written model files into place ({one_line(error)}); "
                            "check the folder and train again", code="E109") from error


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
