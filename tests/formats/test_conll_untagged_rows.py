"""CoNLL rows with a token and no tag: a test file without its labels (XTREME's PAN-X) or damage among tagged rows."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import read_file

PANX_TEST = "en:Lincoln\nen:was\nen:born\nen:in\nen:Kentucky\nen:.\n\nen:Paris\nen:is\nen:big\n"


def test_a_file_where_no_row_has_a_tag_is_read_as_o_with_one_warning(tmp_path):
    path = tmp_path / "test-en.conll"
    path.write_text(PANX_TEST, encoding="utf-8")
    result = read_file(path)
    assert [doc.text for doc in result.documents] == ["Lincoln was born in Kentucky .", "Paris is big"]
    assert all(doc.spans == [] for doc in result.documents)
    said = [w for w in result.warnings if "no row has a tag" in w]
    assert len(said) == 1 and "the 9 tokens were read as O" in said[0]


def test_rows_without_a_tag_among_tagged_rows_are_refused_each_by_its_line(tmp_path):
    path = tmp_path / "dev-en.conll"
    path.write_text("en:Lincoln\tB-PER\nen:was\nen:born\tO\n\nen:Paris\nen:is\tO\n", encoding="utf-8")
    with pytest.raises(ImportProblems) as raised:
        read_file(path)
    problems = raised.value.problems
    assert [problem.line for problem in problems] == [2, 5]
    assert all("the other rows have tags" in str(problem) for problem in problems)


def test_a_single_block_of_untagged_lines_is_still_refused(tmp_path):
    path = tmp_path / "notes.conll"
    path.write_text("just\nsome\nwords\n", encoding="utf-8")
    with pytest.raises(ImportProblems, match="expected a token and a tag") as raised:
        read_file(path)
    assert [problem.line for problem in raised.value.problems] == [1, 2, 3]
