"""Column layouts of other tools read as CoNLL: spaCy's .iob (word|POS|TAG, a sentence a line), CoNLL-U with
the tag in MISC (NER=B-PER), and the Universal NER .iob2 files' trailing placeholder columns."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import detect_format, read_file

SPACY_IOB = "Ada|NNP|B-PER Lovelace|NNP|I-PER met|VBD|O 😀|SYM|O Turin|NNP|B-LOC\r\nHello|O Paris|B-LOC\n"
CONLLU = """\
# sent_id = 1
# text = Ada lives in São Paulo.
1\tAda\tAda\tPROPN\t_\t_\t2\tnsubj\t_\tNER=B-PER
2\tlives\tlive\tVERB\t_\t_\t0\troot\t_\t_
3-4\tdel\t_\t_\t_\t_\t_\t_\t_\t_
3\tde\tde\tADP\t_\t_\t5\tcase\t_\tNER=O
4\tel\tel\tDET\t_\t_\t5\tdet\t_\t_
4.1\tgone\t_\t_\t_\t_\t_\t_\t_\t_
5\tSão\tSão\tPROPN\t_\t_\t2\tobl\t_\tNER=B-LOC
6\tPaulo\tPaulo\tPROPN\t_\t_\t5\tflat\t_\tNER=I-LOC|SpaceAfter=No

# sent_id = 2
1\tOslo\tOslo\tPROPN\t_\t_\t0\troot\t_\tname=B-GPE_LOC
"""
UNER = "# sent_id = a-1\n# text = Where is Ada ?\n1\tWhere\tO\t-\t-\n2\tis\tO\t-\t-\n3\tAda\tB-PER\t-\t-\n4\t?\tO\t-\t-\n"


def read(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    assert detect_format(path) == "conll"
    result = read_file(path)
    return [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in result.documents], \
        result.warnings


def test_spacy_iob_a_sentence_per_line(tmp_path):
    docs, warnings = read(tmp_path, "train.iob", SPACY_IOB)
    assert docs == [("Ada Lovelace met 😀 Turin", [("Ada Lovelace", "PER"), ("Turin", "LOC")]),
                    ("Hello Paris", [("Paris", "LOC")])]
    assert any("spaCy's .iob" in warning for warning in warnings)


def test_spacy_iob_line_that_is_not_one_is_named(tmp_path):
    lines = [f"w{n}|O x{n}|B-LOC" for n in range(30)] + ["a broken line"]
    path = tmp_path / "bad.iob"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_file(path)
    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(31, "E110")]


def test_conllu_tags_from_misc_words_from_form(tmp_path):
    docs, warnings = read(tmp_path, "ner.conllu", CONLLU)
    assert docs == [("Ada lives de el São Paulo", [("Ada", "PER"), ("São Paulo", "LOC")]),
                    ("Oslo", [("Oslo", "GPE_LOC")])]
    assert any("MISC column" in warning for warning in warnings)


def test_conllu_without_entity_tags_is_not_taken_for_conll(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text(CONLLU.replace("NER=", "Other=").replace("name=", "Other="), encoding="utf-8")
    assert detect_format(path) == "text"


def test_universal_ner_placeholder_columns_and_token_numbers(tmp_path):
    docs, warnings = read(tmp_path, "en_ewt-ud-train.iob2", UNER)
    assert docs == [("Where is Ada ?", [("Ada", "PER")])]
    assert any("the last 2 columns hold only - or _ placeholders" in warning for warning in warnings)


def test_a_placeholder_column_that_holds_anything_else_is_still_refused(tmp_path):
    path = tmp_path / "odd.iob2"
    path.write_text("1\tWhere\tO\t-\n2\tis\tO\tX\n", encoding="utf-8")
    with pytest.raises(ImportProblems, match="'-' is not a tag"):
        read_file(path, "conll")
