"""Plain text: ``\\r\\n``, ``\\n`` and a lone ``\\r`` (old Mac files) all end a line, and every document is a slice
of the file's text, so offsets stay code points of the original."""

from __future__ import annotations

import pytest

from nerdesk.cli import main
from nerdesk.formats import read_file
from nerdesk.storage import Project

MIXED = "one\r\ntwo\nthree\rfour\r\n\r\nfive\r\rsix\n\nseven"


def read(tmp_path, content: str, split: str) -> list[str]:
    path = tmp_path / "in.txt"
    path.write_bytes(content.encode("utf-8"))
    return [doc.text for doc in read_file(path, "text", split=split).documents]


def test_a_lone_carriage_return_ends_a_line(tmp_path):
    assert read(tmp_path, "one\rtwo\rthree\r", "line") == ["one", "two", "three"]
    assert read(tmp_path, "北京\r上海", "line") == ["北京", "上海"]


def test_every_line_ending_splits_lines_and_each_line_is_a_slice_of_the_file(tmp_path):
    lines = read(tmp_path, MIXED, "line")
    assert lines == ["one", "two", "three", "four", "five", "six", "seven"]
    position = 0
    for line in lines:  # in order, each found where it stands in the original text
        position = MIXED.index(line, position) + len(line)


def test_paragraphs_keep_their_line_endings_and_blank_lines_of_any_ending_separate_them(tmp_path):
    paragraphs = read(tmp_path, MIXED, "paragraph")
    assert paragraphs == ["one\r\ntwo\nthree\rfour", "five", "six", "seven"]
    assert all(paragraph in MIXED for paragraph in paragraphs)
    assert read(tmp_path, "a\rb\r\rc\r", "paragraph") == ["a\rb", "c"]


def test_the_whole_file_is_one_document_unchanged(tmp_path):
    assert read(tmp_path, MIXED, "document") == [MIXED]


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"])
def test_import_reads_one_document_per_line_whatever_the_ending(tmp_path, capsys, ending):
    source = tmp_path / "old-mac.txt"
    source.write_bytes(ending.join(["Alice met Bob.", "Carol stayed in Paris.", "Dave left."]).encode("utf-8"))
    assert main(["import", str(tmp_path / "p.nerdesk"), str(source)]) == 0
    assert "imported 3 documents" in capsys.readouterr().out
    with Project.open(tmp_path / "p.nerdesk") as project:
        assert [doc.text for doc in project.all_documents()] == ["Alice met Bob.", "Carol stayed in Paris.",
                                                                 "Dave left."]


def test_a_text_export_counts_no_spans_written(tmp_path, capsys):
    # It said "exported 2 documents (8 spans)" right after warning that the 8 spans were not written.
    from nerdesk.core.document import Document
    from nerdesk.core.spans import Span
    from nerdesk.formats import write_documents

    docs = [Document("Anna Smith", spans=[Span(0, 4, "PER")]), Document("Boston", spans=[Span(0, 6, "LOC")])]
    result = write_documents(docs, tmp_path / "out.txt", "text")
    assert result.spans == 0 and any("2 spans were not written" in w for w in result.warnings)
    project = tmp_path / "p.nerdesk"
    with Project.create(project) as opened:
        opened.add_documents(docs)
    assert main(["export", str(project), "--format", "text", "--out", str(tmp_path / "p.txt")]) == 0
    assert "exported 2 documents (0 spans) as text" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["Once upon a time.\n", "Once upon a time.", "\ufeffBOM first\r\n\r\nthen more\n"])
def test_a_document_written_whole_reads_back_the_same(tmp_path, text):
    # The writer added a line break after the text, and reading the file whole kept it: each export and
    # import of a story.txt grew it by one line break (and it no longer matched as a duplicate).
    from nerdesk.core.document import Document
    from nerdesk.formats import write_file
    path = tmp_path / "story.txt"
    write_file([Document(text=text)], path, "text", split="document")
    assert [d.text for d in read_file(path, "text", split="document").documents] == [text]
