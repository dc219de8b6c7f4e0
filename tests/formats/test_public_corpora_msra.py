"""MSRA NER as its copies are downloaded: character rows with a lower-case ``o`` outside entities and
``B_ns``/``M_nt``/``E_nr`` tags (BMEO), tab or space separated. Synthetic lines in the files' layout."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import detect_format, read_file

MSRA_BMEO = "当\to\n希\to\n望\to\n\n中\tB_ns\n国\tE_ns\n人\to\n民\to\n解\tB_nt\n放\tM_nt\n军\tE_nt\n和\to\n毛\tB_nr\n泽\tM_nr\n东\tE_nr\n"


def mentions(path):
    return [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans])
            for doc in read_file(path).documents]


def test_lower_case_o_is_outside(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text(MSRA_BMEO, encoding="utf-8")
    assert detect_format(path) == "conll"
    assert mentions(path) == [("当希望", []),
                              ("中国人民解放军和毛泽东", [("中国", "ns"), ("解放军", "nt"), ("毛泽东", "nr")])]


def test_lower_case_o_space_separated_bio(tmp_path):
    path = tmp_path / "msra_train_bio"
    path.write_text(MSRA_BMEO.replace("\t", " ").replace("_", "-").replace("M-", "I-").replace("E-", "I-"),
                    encoding="utf-8")
    assert detect_format(path) == "conll"
    assert mentions(path)[1][1] == [("中国", "ns"), ("解放军", "nt"), ("毛泽东", "nr")]


MSRA_RELEASE = "当/o  希望工程/o  救助/o  的/o  百万/o  儿童/o  ！/o  \n中国/ns  人民/o  解放军/nt  和/o  毛泽东/nr  同志/o  \n"


def test_release_word_tag_lines_are_read_as_characters(tmp_path):
    path = tmp_path / "train1.txt"
    path.write_text(MSRA_RELEASE, encoding="utf-8")
    assert detect_format(path) == "conll"
    result = read_file(path)
    assert [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in result.documents] == [
        ("当希望工程救助的百万儿童！", []),
        ("中国人民解放军和毛泽东同志", [("中国", "ns"), ("解放军", "nt"), ("毛泽东", "nr")])]
    assert any("word/tag" in warning for warning in result.warnings)


def test_release_line_of_another_shape_is_named(tmp_path):
    lines = [f"词{n}/o  中国/ns" for n in range(30)] + ["a line of text"]
    path = tmp_path / "testright1.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_file(path)
    assert [problem.line for problem in caught.value.problems] == [31]
