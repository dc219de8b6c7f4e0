"""MSRA NER as its copies are downloaded: character rows with a lower-case ``o`` outside entities and
``B_ns``/``M_nt``/``E_nr`` tags (BMEO), tab or space separated. Synthetic lines in the files' layout."""

from __future__ import annotations

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
