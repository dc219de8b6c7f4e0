"""CoNLL-style tag columns: ``char TAG`` (character level) or ``token ... TAG`` (token level).

Reading is ``conll_read`` (the rows themselves: ``conll_rows``, other tools' layouts: ``conll_dialects`` and
the modules it names); writing is ``conll_write``, in units (characters or tokens, ``conll_units``) that the
other token-level writers share. This module declares the format and the tag scheme its names choose
(``--format bmes``, ``--out x.bioes``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.errors import FormatError
from nerdesk.formats._base import FormatSpec
from nerdesk.formats.conll_read import read_conll
from nerdesk.formats.conll_write import write_conll

# Format names and file suffixes that name a tag scheme.
SCHEME_NAMES = {"bio": "bio", "iob2": "iob2", "bioes": "bioes", "bmes": "bmes", "iob": "bio"}


def scheme_from_name(requested: str, path: Path, options: dict[str, Any]) -> dict[str, Any]:
    """``--format bmes`` or ``--out x.bmes`` choose the scheme unless ``scheme`` is given; a conflict is refused."""
    named = SCHEME_NAMES.get(requested.strip().lower())
    if named is None and "scheme" not in options:
        named = SCHEME_NAMES.get(path.suffix.lower().lstrip("."))
    if named is None:
        return options
    if options.get("scheme") not in (None, named):
        raise FormatError(f"format {requested!r} writes the {named.upper()} scheme, but scheme="
                          f"{options['scheme']!r} was asked for; pass --format conll with --scheme instead", code="E115")
    return {**options, "scheme": named}


SPECS = (
    FormatSpec(
        name="conll", reader=read_conll, writer=write_conll,
        extensions=(".conll", ".bio", ".bmes", ".bioes", ".iob", ".iob2", ".bilou", ".tsv"), lossy=True,
        default_for_suffixes=(".tsv",),  # WebAnno TSV shares the suffix; it is written when asked for by name
        description="CoNLL-style columns: `char<TAB>TAG` or `token<TAB>...<TAB>TAG`; BIO/IOB2, BIOES, BMES",
        keeps="text (without whitespace at char level; tokens joined by spaces at token level, none between Chinese "
              "characters, a word cut where a "
              "span starts or ends inside it), gold spans; nested spans as one tag column per level, the outermost "
              "in the last column",
        loses="whitespace, spans not on character/token boundaries, nesting with flat=True, predictions, scores, "
              "metadata; columns of syntactic chunks (on import)",
        offsets="token positions", write_options=frozenset({"scheme", "level", "flat", "separator"}),
        aliases=("bio", "iob2", "bioes", "bmes", "tsv"), adapt_write_options=scheme_from_name),
)
