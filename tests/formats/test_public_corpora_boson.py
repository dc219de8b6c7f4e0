"""BosonNLP's NER corpus (BosonNLP_NER_6C.txt): a text a line with ``{{type:mention}}`` marks. Lines in that
shape (the corpus's own lines are not kept here)."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import detect_format, read_file, write_file

BOSON = ("{{product_name:浙江在线杭州}}{{time:4月25日}}讯（记者{{person_name:施宇翔}} 通讯员 {{person_name:方英}}）用"
         "{{product_name:微信}}交易。\n美国{{org_name:国会}}今天讨论。\n")


def test_marks_become_spans_and_are_written_back(tmp_path):
    path = tmp_path / "BosonNLP_NER_6C.txt"
    path.write_text(BOSON, encoding="utf-8")
    assert detect_format(path) == "boson"
    docs = read_file(path).documents
    assert [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in docs] == [
        ("浙江在线杭州4月25日讯（记者施宇翔 通讯员 方英）用微信交易。",
         [("浙江在线杭州", "product_name"), ("4月25日", "time"), ("施宇翔", "person_name"), ("方英", "person_name"),
          ("微信", "product_name")]),
        ("美国国会今天讨论。", [("国会", "org_name")])]
    out = tmp_path / "out.txt"
    write_file(docs, out, "boson")
    assert out.read_text(encoding="utf-8") == BOSON


def test_a_broken_mark_is_named(tmp_path):
    path = tmp_path / "boson.txt"
    path.write_text("{{time:今天}}好\n{{person_name 张三}}来了{{location:北京}}\n", encoding="utf-8")
    with pytest.raises(ImportProblems, match="line 2"):
        read_file(path)


def test_plain_text_with_braces_stays_text(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("a template {{name}} here\nplain line\nanother\nmore\n", encoding="utf-8")
    assert detect_format(path) == "text"
