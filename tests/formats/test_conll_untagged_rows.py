"""CoNLL rows with a token and no tag: a test file without its labels (XTREME's PAN-X) or damage among tagged rows."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import FormatError, ImportProblems
from nerdesk.formats import detect_format, read_file
from tests.conftest import dataset_file

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


def _untagged_panx(source, sentences: int) -> str:
    """CoNLL-2003 sentences written as an untagged PAN-X file: ``en:TOKEN`` a line, a blank line between."""
    blocks = source.read_text(encoding="utf-8").strip().split("\n\n")[:sentences]
    return "".join("".join(f"en:{row.split()[0]}\n" for row in block.split("\n")) + "\n" for block in blocks)


@pytest.mark.parametrize("name", ["test-en.tsv", "test.en", "test", "test-en.txt"])
def test_an_untagged_file_with_language_codes_is_detected_as_conll_whatever_its_name(tmp_path, name):
    path = tmp_path / name
    path.write_text(_untagged_panx(dataset_file("conll2003", "dev.conll"), 200), encoding="utf-8")
    assert detect_format(path) == "conll"
    result = read_file(path)
    assert len(result.documents) == 200
    assert result.documents[0].text.startswith("CRICKET -")
    assert all(doc.spans == [] for doc in result.documents)


@pytest.mark.parametrize("content", [
    "http://a.org\nhttp://b.org\n\nhttp://c.org\n",  # links, not language codes
    "en:Paris\nde:Berlin\n\nen:Rome\n",  # two codes: the reader would keep them in the text
    "en:Paris\nen:is\nen:big\n",  # a single block: the reader refuses it
])
def test_lines_that_only_look_like_language_codes_stay_text(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == "text"


def test_untagged_tokens_without_language_codes_are_refused_naming_the_format_option(tmp_path):
    path = tmp_path / "test"
    path.write_text("Lincoln\nwas\nborn\n\nParis\nis\nbig\n", encoding="utf-8")
    with pytest.raises(FormatError, match="pass --format conll"):
        detect_format(path)


def test_a_file_of_unknown_format_is_refused_naming_the_format_option(tmp_path):
    path = tmp_path / "notes"
    path.write_text("one line of something\n", encoding="utf-8")
    with pytest.raises(FormatError, match="pass --format with one of: "):
        detect_format(path)
