"""The embedded default models shipped in ``models/``: where they are and which one fits a text.

Each script has one default model, whose encoder training starts from by default (see
``models/README.md``); the medical model and the English general model predict the demo project. The bundles
are built by ``models/build_default_models.py`` from the public corpora.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from nerdesk.core.errors import ModelBundleError
from nerdesk.core.writing_systems import is_mostly_cjk

MEDICAL_ZH = "zh-medical-cmeee"
GENERAL_ZH = "zh-general-cluener"
GENERAL_EN = "en-general-conll"
BIOMEDICAL_EN = "en-bio-genia"
# Script of the texts -> the embedded model training starts from by default.
DEFAULT_FOR_SCRIPT = {"cjk": GENERAL_ZH, "latin": GENERAL_EN}
SCRIPT_WORDS = {"cjk": "Chinese (CJK)", "latin": "Latin-script"}  # as in "for ... text"
MODELS_ENV = "NERDESK_MODELS_DIR"


def models_dir() -> Path:
    """The folder of embedded bundles: ``$NERDESK_MODELS_DIR``, beside a frozen executable, or the repository's."""
    override = os.environ.get(MODELS_ENV)
    if override:
        return Path(override)
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / "models"
    return Path(__file__).resolve().parent.parent.parent / "models"


def embedded_model_names() -> list[str]:
    """Names of the embedded bundles present (directories holding ``bundle.json``)."""
    directory = models_dir()
    if not directory.is_dir():
        return []
    return sorted(entry.name for entry in directory.iterdir() if (entry / "bundle.json").is_file())


def embedded_model(name: str) -> Path:
    """The directory of embedded model ``name``; ModelBundleError when it is not installed."""
    path = models_dir() / name
    if not (path / "bundle.json").is_file():
        available = ", ".join(embedded_model_names()) or "none"
        raise ModelBundleError(f"the embedded model {name!r} is not in {models_dir()} (available: {available}); "
                               f"reinstall nerdesk or set {MODELS_ENV} to the folder holding the models",
                               code="E564")
    return path


def directory_or_embedded(value: str | Path) -> Path:
    """``value`` as a directory path, or the embedded model of that name when no such directory exists: where
    training may start (``nerdesk train --init en-bio-genia``, ``nerdesk retrain --start en-bio-genia``). Anything
    else comes back as a path, for the caller to say what is wrong with it."""
    path = Path(value)
    if not path.is_dir() and str(value) in embedded_model_names():
        return models_dir() / str(value)
    return path


def resolve_model(value: str | Path) -> Path:
    """The bundle directory a ``--model`` value means: a directory path as given, else the embedded model of
    that name (``zh-general-cluener``), so the same command works in a source checkout and an installed app.

    A directory wins over an embedded model of the same name; a value that is neither raises
    ModelBundleError naming the embedded models.
    """
    path = directory_or_embedded(value)
    if path.is_dir():
        return path
    name = str(value)
    if path.exists() or "/" in name or os.sep in name:
        return path  # a path that is not a bundle: Bundle.load says what is wrong with it
    available = ", ".join(embedded_model_names()) or "none installed"
    raise ModelBundleError(f"--model {name}: no such bundle directory and no embedded model of that name "
                           f"(embedded: {available}); pass a bundle directory or an embedded model's name "
                           f"(nerdesk models lists them)", code="E565")


def text_script(texts: Iterable[str]) -> str:
    """``"cjk"`` when most letters of the texts are Chinese/Japanese/Korean characters, else ``"latin"``."""
    return "cjk" if is_mostly_cjk(texts) else "latin"


def default_model_for(texts: Iterable[str]) -> Path | None:
    """The embedded model for the script of ``texts``, or ``None`` when that script has none installed."""
    name = DEFAULT_FOR_SCRIPT.get(text_script(texts))
    if name is None or name not in embedded_model_names():
        return None
    return models_dir() / name


def default_model_name(texts: Iterable[str]) -> tuple[str, str | None]:
    """(script, name of its default embedded model or None): the name even when that model is not installed."""
    script = text_script(texts)
    return script, DEFAULT_FOR_SCRIPT.get(script)
