"""The format registry: every format module declares its ``FormatSpec``s in ``SPECS``; this module collects them.

Adding a format is a module with a reader, a writer and ``SPECS``, and one entry in ``MODULES``. The order of
``MODULES`` is the order of ``FORMATS`` (documentation, error messages, detection's list of known names).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from nerdesk.core.errors import FormatError
from nerdesk.formats import (
    brat,
    conll,
    corpora,
    detect,
    doccano,
    label_studio,
    native,
    prodigy,
    pubtator,
    spacy_v2,
    text,
    token_tags,
    webanno_tsv,
)
from nerdesk.formats._base import FormatSpec

MODULES = (native, text, corpora, conll, brat, doccano, label_studio, prodigy, spacy_v2, pubtator, token_tags,
           webanno_tsv)


def collect(specs: Iterable[FormatSpec]) -> tuple[dict[str, FormatSpec], dict[str, str]]:
    """``(FORMATS by name, ALIASES -> name)``; a name or alias declared twice is a programming error."""
    formats: dict[str, FormatSpec] = {}
    aliases: dict[str, str] = {}
    for spec in specs:
        for name in (spec.name, *spec.aliases):
            if name in formats or name in aliases:
                raise ValueError(f"format name {name!r} is declared twice")
        formats[spec.name] = spec
        aliases.update(dict.fromkeys(spec.aliases, spec.name))
    return formats, aliases


FORMATS, ALIASES = collect(spec for module in MODULES for spec in module.SPECS)
# A file suffix several formats share: the one nerdesk writes for it.
PREFERRED_BY_SUFFIX = {suffix: spec.name for spec in FORMATS.values() for suffix in spec.default_for_suffixes}


def resolve_format(name: object) -> str:
    """The canonical name of a format (``bio`` -> ``conll``), or ``FormatError`` listing the known ones."""
    if not isinstance(name, str):
        raise FormatError(f"format must be a name, got {name!r}", code="E101")
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise FormatError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}", code="E101")
    return key


def detect_format(path: str | Path, *, encoding: str | None = None) -> str:
    """The format of ``path`` from its extension and a peek at its content; ``FormatError`` if unknown."""
    return detect.detect_format(path, tuple(FORMATS), encoding=encoding)


def format_for_suffix(path: str | Path) -> str | None:
    """The format an output file name asks for (``x.bio`` -> ``conll``, ``x.spacy`` -> ``spacy``), or ``None``."""
    suffix = Path(path).suffix.lower()
    if suffix in PREFERRED_BY_SUFFIX:
        return PREFERRED_BY_SUFFIX[suffix]
    matching = [name for name, spec in FORMATS.items() if suffix in spec.extensions]
    return matching[0] if len(matching) == 1 else None


def markdown_table() -> str:
    """The registry as the Markdown table docs/formats.md carries (a test keeps the two equal)."""
    rows = ["| format | also called | files | offsets | keeps | loses | write options |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for spec in FORMATS.values():
        cells = [f"`{spec.name}`", ", ".join(f"`{a}`" for a in spec.aliases) or "-",
                 ", ".join(f"`{e}`" for e in spec.extensions), spec.offsets, spec.keeps, spec.loses,
                 ", ".join(f"`{o}`" for o in sorted(spec.write_options)) or "-"]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)
