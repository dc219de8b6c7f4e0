"""CoNLL-2012 (OntoNotes 5.0) ``*_conll`` files read as ``word TAG`` rows.

A row is ``doc_id part word_number word POS parse lemma frameset sense speaker NE args... coref``; the named
entities are bracket pieces in the 11th column: ``(PERSON*`` opens an entity on its word, ``*)`` closes it on
its word, ``(NORP)`` is a one-word entity and ``*`` is any other word. Only the words and that column are read
(the parse, the predicate arguments and the coreference chains are not entities).
"""

from __future__ import annotations

import re

from nerdesk.formats._base import ReadContext
from nerdesk.formats.conll_dialects import Row

WORD, NAMED_ENTITIES = 3, 10
MIN_COLUMNS = 12  # up to the named entities, and the coreference column last
NE_PIECE = re.compile(r"(?:\((?P<label>[^()*\s]+))?(?P<star>\*?)(?P<close>\)?)")


def _piece(field: str) -> re.Match[str] | None:
    match = NE_PIECE.fullmatch(field)
    return match if match and (match["star"] or (match["label"] and match["close"])) else None


def is_ontonotes_row(fields: list[str]) -> bool:
    """Whether a row is a CoNLL-2012 word line: numbered part and word, a bracket piece in the NE column."""
    return (len(fields) >= MIN_COLUMNS and fields[1].isdecimal() and fields[2].isdecimal()
            and _piece(fields[NAMED_ENTITIES]) is not None)


def from_ontonotes(ctx: ReadContext, sentences: list[list[Row]]) -> list[list[Row]]:
    """``[word, TAG]`` rows (BIO) when every row is a CoNLL-2012 word line; otherwise the sentences as they are."""
    rows = [fields for sentence in sentences for _, fields in sentence]
    if not rows or not all(map(is_ontonotes_row, rows)):
        return sentences
    ctx.warn("CoNLL-2012 (OntoNotes) columns: the words and the named-entity column (the 11th) were read; the "
             "parse, predicate arguments and coreference were not")
    return [_tagged(ctx, sentence) for sentence in sentences]


def _tagged(ctx: ReadContext, sentence: list[Row]) -> list[Row]:
    """One sentence's ``[word, TAG]`` rows; a bracket that opens inside an entity or closes none is a problem."""
    rows: list[Row] = []
    entity: str | None = None
    for line, fields in sentence:
        piece = _piece(fields[NAMED_ENTITIES])
        assert piece is not None  # every row passed is_ontonotes_row
        if piece["label"]:
            if entity is not None:
                ctx.problem(f"{fields[NAMED_ENTITIES]!r} opens an entity inside the open ({entity}: nested "
                            "named entities are not CoNLL-2012's", line=line)
            entity, tag = piece["label"], f"B-{piece['label']}"
        elif entity is not None:
            tag = f"I-{entity}"
        else:
            tag = "O"
            if piece["close"]:
                ctx.problem(f"{fields[NAMED_ENTITIES]!r} closes an entity that was not opened", line=line)
        if piece["close"]:
            entity = None
        rows.append((line, [fields[WORD], tag]))
    if entity is not None:
        ctx.problem(f"the entity ({entity} opened in this sentence is not closed in it", line=sentence[-1][0])
    return rows
