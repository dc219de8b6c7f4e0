"""OntoNotes 5.0 in the CoNLL-2012 column format (``*_gold_conll``): the named entities as bracket pieces in the
11th column (``(PERSON*``, ``*)``, ``(NORP)``). Synthetic lines in that layout (OntoNotes is licensed by the LDC)."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import detect_format, read_file

ROWS = [
    ("Pierre", "NNP", "(TOP(S(NP*", "(PERSON*", "(ARG0*", "(0"),
    ("Vinken", "NNP", "*)", "*)", "*", "0)"),
    (",", ",", "*", "*", "*", "-"),
    ("61", "CD", "(ADJP(NP*", "(DATE*", "*", "-"),
    ("years", "NNS", "*)", "*", "*", "-"),
    ("old", "JJ", "*)", "*)", "*)", "-"),
    ("the", "DT", "(NP*", "*", "(ARG1*", "-"),
    ("Dutch", "NNP", "*", "(NORP)", "*", "-"),
    ("group", "NN", "*))", "*", "*)", "-"),
]


def gold_conll(rows=ROWS) -> str:
    lines = ["#begin document (nw/wsj/00/wsj_0001); part 000"]
    for number, (word, pos, parse, entity, argument, coref) in enumerate(rows):
        lines.append(f"nw/wsj/00/wsj_0001   0   {number:>2}   {word:>8}   {pos:>4}   {parse:>12}   -   -   -   -"
                     f"   {entity:>9}   {argument:>7}   {coref}")
    return "\n".join([*lines, "", "#end document", ""])


def test_named_entity_column_is_read(tmp_path):
    path = tmp_path / "wsj_0001.gold_conll"
    path.write_text(gold_conll(), encoding="utf-8")
    assert detect_format(path) == "conll"
    result = read_file(path)
    [doc] = result.documents
    assert doc.text == "Pierre Vinken , 61 years old the Dutch group"
    assert [(span.mention(doc.text), span.label) for span in doc.spans] == [
        ("Pierre Vinken", "PERSON"), ("61 years old", "DATE"), ("Dutch", "NORP")]
    assert any("CoNLL-2012" in warning for warning in result.warnings)


def test_an_entity_left_open_is_refused_with_its_line(tmp_path):
    rows = list(ROWS)
    rows[5] = ("old", "JJ", "*)", "*", "*)", "-")  # (DATE* never closed
    path = tmp_path / "broken.gold_conll"
    path.write_text(gold_conll(rows), encoding="utf-8")
    with pytest.raises(ImportProblems, match="opens an entity inside the open \\(DATE") as caught:
        read_file(path)
    assert [problem.line for problem in caught.value.problems] == [9]
