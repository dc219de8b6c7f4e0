"""OntoNotes 5.0 in the CoNLL-2012 column format (``*_gold_conll``): the named entities as bracket pieces in the
11th column (``(PERSON*``, ``*)``, ``(NORP)``). Synthetic lines in that layout (OntoNotes is licensed by the LDC)."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import detect_format, read_file, write_file

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


# OntoNotes 5.0's Chinese part as its BIO conversions circulate (word, POS, parse bit, tag): segmented words.
CHINESE_WORDS = ("新华社\tNN\t(TOP(FRAG*\tB-ORG\n华盛顿\tNR\t*\tB-GPE\n４月\tNT\t*\tB-DATE\n２０日\tNT\t*\tI-DATE\n"
                 "电\tNN\t*\tO\n（\tPU\t*\tO\n记者\tNN\t*\tO\n应谦\tNR\t*\tB-PERSON\n）\tPU\t*))\tO\n\n"
                 "NBA\tNR\t*\tB-ORG\n球星\tNN\t*\tO\n")


def test_chinese_words_are_joined_without_spaces_and_written_back_as_words(tmp_path):
    path = tmp_path / "onto.test.ner"
    path.write_text(CHINESE_WORDS, encoding="utf-8")
    result = read_file(path)
    assert [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in result.documents] == [
        ("新华社华盛顿４月２０日电（记者应谦）",
         [("新华社", "ORG"), ("华盛顿", "GPE"), ("４月２０日", "DATE"), ("应谦", "PERSON")]),
        ("NBA 球星", [("NBA", "ORG")])]
    assert any("joined without a space between Chinese" in warning for warning in result.warnings)
    out = tmp_path / "out.bio"
    write_file(result.documents, out, "conll")
    rows = [line.split("\t")[0] for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert rows[:5] == ["新华社", "华盛顿", "４月", "２０日", "电"]


def test_hugging_face_chinese_words_are_joined_the_same_way(tmp_path):
    path = tmp_path / "chinese_v4.jsonl"
    path.write_text('{"tokens": ["新华社", "华盛顿", "电"], "ner_tags": ["B-ORG", "B-GPE", "O"]}\n', encoding="utf-8")
    [doc] = read_file(path).documents
    assert (doc.text, [span.mention(doc.text) for span in doc.spans]) == ("新华社华盛顿电", ["新华社", "华盛顿"])
