"""Whether a model fits the script of a document: a Chinese model run on English text predicts nonsense.

A bundle's script is what its manifest's ``trained_on`` says (``"script"``), or else what most of its
tokenizer vocabulary is written in: a character vocabulary of Chinese text is almost all CJK, an English
word-piece vocabulary almost none. A vocabulary with plenty of both (a multilingual model) fits either
script and never causes a warning.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.writing_systems import is_cjk, letter_counts
from nerdesk.storage.project import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.default_models import default_model_for, embedded_model_names, models_dir, text_script
from nerdesk.workflows.version_names import display_name

CJK, LATIN, MIXED = "cjk", "latin", "mixed"
SCRIPT_NAMES = {CJK: "Chinese (CJK)", LATIN: "Latin-script"}  # as in "a ... document"
CJK_SHARE_ABOVE = 0.5  # a vocabulary with more CJK words than this is a CJK model
LATIN_SHARE_BELOW = 0.15  # ... with fewer, a Latin-script one; in between it reads both
MIN_LETTERS = 6  # a document with fewer letters says too little about its script
SAMPLE_LETTERS = 5000  # the script of a text is judged on its first characters
SAMPLE_TEXTS = 50  # ... and the script of the texts a model does not fit on so many of them


@dataclass(frozen=True, slots=True)
class ScriptMismatch:
    """The active model and the open document are in different scripts."""

    document_script: str
    model_script: str
    suggestion: Path | None  # the embedded model for the document's script, when one is installed
    alternatives: tuple[str, ...] = ()  # the other embedded models of that script (a domain model, say)
    predicted_by: str | None = None  # a model of the document's script made the predictions it shows
    mismatched: int = 1  # of ``documents`` texts (``nerdesk predict``), how many are in the other script
    documents: int = 1

    @property
    def message(self) -> str:
        if self.predicted_by is not None:
            return (f"{SCRIPT_NAMES[self.document_script]} document: its predictions come from {self.predicted_by}, "
                    f"which fits it; the active model was trained on {SCRIPT_NAMES[self.model_script]} text.")
        text = (f"{SCRIPT_NAMES[self.document_script]} document, but the active model was trained on "
                f"{SCRIPT_NAMES[self.model_script]} text: expect wrong predictions.")
        if self.suggestion is not None:
            return text + f" The embedded model {self.suggestion.name} fits this document{self._others()}."
        return text + " No embedded model fits it: load or train one."

    def _others(self) -> str:
        if not self.alternatives:
            return ""
        verb = "is" if len(self.alternatives) == 1 else "are"
        return f"; {', '.join(self.alternatives)} {verb} also trained on such text"

    def message_for_command(self, model_name: str) -> str:
        """The same for ``nerdesk predict``: the texts, the model given with ``--model``, the option to use."""
        trained = f"the model {model_name} was trained on {SCRIPT_NAMES[self.model_script]} text"
        if self.mismatched < self.documents:
            text = (f"{self.mismatched} of {self.documents} texts are {SCRIPT_NAMES[self.document_script]}, but "
                    f"{trained}: expect wrong predictions on them.")
        else:
            text = f"the texts are {SCRIPT_NAMES[self.document_script]}, but {trained}: expect wrong predictions."
        if self.suggestion is not None:
            return text + (f" The embedded model {self.suggestion.name} fits them: --model {self.suggestion.name}"
                           f"{self._others()}")
        return text + " No embedded model fits them: pass a model trained on such text (nerdesk train)."


def vocabulary_script(tokens: list[str]) -> str:
    """``cjk``, ``latin`` or ``mixed`` for a tokenizer vocabulary (special tokens and digits ignored)."""
    cjk = words = 0
    for token in tokens:
        word = token.removeprefix("##").removeprefix("\u2581")
        if word.startswith("[") or not any(c.isalpha() for c in word):
            continue
        words += 1
        cjk += any(is_cjk(c) for c in word)
    if words == 0:
        return MIXED
    share = cjk / words
    return CJK if share > CJK_SHARE_ABOVE else LATIN if share < LATIN_SHARE_BELOW else MIXED


def tokenizer_vocabulary(tokenizer_file: Path) -> list[str]:
    """The tokens of a ``tokenizer.json`` (WordPiece, WordLevel or BPE: a dict; Unigram: a list of pairs)."""
    try:
        model = json.loads(tokenizer_file.read_text(encoding="utf-8")).get("model", {})
    except (OSError, ValueError, AttributeError):
        return []
    vocab = model.get("vocab") if isinstance(model, dict) else None
    if isinstance(vocab, dict):
        return [str(token) for token in vocab]
    if isinstance(vocab, list):
        return [str(entry[0]) for entry in vocab if isinstance(entry, list) and entry]
    return []


def bundle_script(bundle_path: str | Path, trained_on: dict[str, Any] | None = None) -> str:
    """The script a bundle was trained on: ``trained_on["script"]`` when given, else its vocabulary's."""
    declared = (trained_on or {}).get("script")
    if isinstance(declared, str) and declared in (CJK, LATIN, MIXED):
        return declared
    stamped = stamped_tokenizer(bundle_path)
    return MIXED if stamped is None else _probed_script(*stamped)


def stamped_tokenizer(bundle_path: str | Path) -> tuple[str, int] | None:
    """(path of the bundle's tokenizer.json, its modification time in ns), a key for caches that must notice a
    replaced file; ``None`` when it cannot be read."""
    tokenizer_file = Path(bundle_path) / "tokenizer.json"
    try:
        return str(tokenizer_file), tokenizer_file.stat().st_mtime_ns
    except OSError:
        return None


@lru_cache(maxsize=32)
def _probed_script(tokenizer_file: str, _stamp: int) -> str:
    return vocabulary_script(tokenizer_vocabulary(Path(tokenizer_file)))


def fits_script(text: str, model_script: str) -> bool:
    """Whether a model trained on ``model_script`` text fits ``text``: a text in that script, a model of
    both scripts, or a text with too few letters to tell."""
    return fits_script_many([text], model_script)[0]


def fits_script_many(texts: Sequence[str], model_script: str) -> list[bool]:
    """``fits_script`` of each text, judged all at once (``letter_counts``): Predict all judges every
    unreviewed document, 50,000 short ones in a few hundredths of a second rather than seconds one by one."""
    if model_script == MIXED or not texts:
        return [True] * len(texts)
    counts = letter_counts([text[:SAMPLE_LETTERS] for text in texts])
    in_script = counts.mostly_cjk() if model_script == CJK else ~counts.mostly_cjk()
    fitting: list[bool] = ((counts.letters < MIN_LETTERS) | in_script).tolist()
    return fitting


def script_mismatch(text: str, bundle_path: str | Path,
                    trained_on: dict[str, Any] | None = None) -> ScriptMismatch | None:
    """A ``ScriptMismatch`` when ``text`` is in another script than the model at ``bundle_path``."""
    model_script = bundle_script(bundle_path, trained_on)
    if fits_script(text, model_script):
        return None
    document_script = text_script([text[:SAMPLE_LETTERS]])
    suggestion = default_model_for([text])
    return ScriptMismatch(document_script, model_script, suggestion, other_models_for(document_script, suggestion))


def document_mismatch(project: Project, document: Document, model: ModelVersion) -> ScriptMismatch | None:
    """``script_mismatch`` of an open document under the active ``model``. When a registered model of the
    document's script made the predictions it shows (the demo's English documents, predicted by the English
    models while the Chinese one is active), the notice says whose they are and offers that model."""
    mismatch = script_mismatch(document.text, model.bundle_path, model.trained_on)
    if mismatch is None:
        return None
    used = {span.model_version for span in document.predictions}
    fitting = next((version for version in project.model_versions() if version.name in used
                    and fits_script(document.text, bundle_script(version.bundle_path, version.trained_on))), None)
    if fitting is None:
        return mismatch
    return replace(mismatch, suggestion=Path(fitting.bundle_path), alternatives=(),
                   predicted_by=display_name(fitting.name))


def texts_mismatch(texts: Iterable[str], bundle_path: str | Path,
                   trained_on: dict[str, Any] | None = None) -> ScriptMismatch | None:
    """``script_mismatch`` for a collection of texts, judged text by text: a file of Chinese documents
    with English ones among them is warned about its English ones, wherever they are in the file."""
    model_script = bundle_script(bundle_path, trained_on)
    texts = list(texts)
    others = [text for text, fits in zip(texts, fits_script_many(texts, model_script), strict=True) if not fits]
    if not others:
        return None
    sample = [text[:SAMPLE_LETTERS] for text in others[:SAMPLE_TEXTS]]
    document_script = text_script(sample)
    suggestion = default_model_for(sample)
    return ScriptMismatch(document_script, model_script, suggestion, other_models_for(document_script, suggestion),
                          mismatched=len(others), documents=len(texts))


def other_models_for(script: str, suggestion: Path | None) -> tuple[str, ...]:
    """Names of the embedded models other than ``suggestion`` trained on ``script`` text: a user with
    biomedical English learns of ``en-bio-genia`` next to the general English model."""
    names = []
    for name in embedded_model_names():
        path = models_dir() / name
        try:
            stamp = (path / "bundle.json").stat().st_mtime_ns
        except OSError:
            continue
        if path != suggestion and _embedded_script(str(path), stamp) == script:
            names.append(name)
    return tuple(names)


@lru_cache(maxsize=32)
def _embedded_script(bundle_path: str, _stamp: int) -> str:
    """``bundle_script`` of an embedded bundle, read once per version of its ``bundle.json`` (the notice is
    checked at every change of document)."""
    try:
        trained_on = json.loads((Path(bundle_path) / "bundle.json").read_text(encoding="utf-8")).get("trained_on")
    except (OSError, ValueError, AttributeError):
        trained_on = None
    return bundle_script(bundle_path, trained_on if isinstance(trained_on, dict) else None)
