"""Corpora that keep words and tags in two files (MSRA as NER-BERT-pytorch ships it: sentences.txt, and tags.txt
with a line of tags per sentence): the tags file alone is named for what it is, not read as documents of tags."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import FormatError
from nerdesk.formats import detect_format, read_file


def test_a_file_of_tags_alone_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "tags.txt"
    path.write_text("O O O O B-ORG I-ORG I-ORG O\nO B-LOC I-LOC O\n", encoding="utf-8")
    with pytest.raises(FormatError, match="every line holds tags alone.*one 'word TAG' row a line"):
        detect_format(path)


def test_the_words_file_is_text(tmp_path):
    path = tmp_path / "sentences.txt"
    path.write_text("当 希 望 工 程\n中 国 人\n", encoding="utf-8")
    assert [doc.text for doc in read_file(path).documents] == ["当 希 望 工 程", "中 国 人"]
