"""CoNLL rows whose token is a space character (character-level Chinese corpora converted from texts with spaces)."""

from __future__ import annotations

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", " "])
def test_a_space_before_a_tab_is_a_token(tmp_path, space):
    content = f"我\tO\n{space}\tO\n张\tB-PER\n三\tI-PER\n{space}\tO\n好\tO\n\n"
    path = tmp_path / "a.bio"
    path.write_bytes(content.encode("utf-8"))
    [doc] = read_file(path).documents
    assert doc.text == f"我{space}张三{space}好"
    assert [(span.start, span.end, span.mention(doc.text)) for span in doc.spans] == [(2, 4, "张三")]


def test_export_leaves_the_space_rows_out_so_that_every_reader_can_split_its_rows(tmp_path):
    doc = Document(text="在北京\u3000天安门看", spans=[Span(1, 7, "LOC")])
    out = tmp_path / "out.bio"
    warnings = write_file([doc], out, "conll", level="char")
    assert all(len(line.split()) == 2 for line in out.read_text(encoding="utf-8").splitlines() if line)
    assert any("whitespace" in warning for warning in warnings)


def test_space_separated_files_cannot_write_a_space_row(tmp_path):
    doc = Document(text="我\u3000你", spans=[])
    out = tmp_path / "out.bio"
    warnings = write_file([doc], out, "conll", level="char", separator="space")
    assert out.read_text(encoding="utf-8") == "我 O\n你 O\n\n"
    assert any("whitespace was dropped" in warning for warning in warnings)


def test_a_row_of_a_space_and_a_tag_without_a_tab_is_still_refused(tmp_path):
    path = tmp_path / "a.bio"
    path.write_text("我 O\n\u3000 O\n你 B-PER\n", encoding="utf-8")
    with pytest.raises(ImportProblems, match="expected a token and a tag"):
        read_file(path)
