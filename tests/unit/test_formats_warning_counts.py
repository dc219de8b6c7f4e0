"""Readers' and writers' warnings count in proper English: "1 span was", "2 spans were", never "span(s)"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file


def test_plain_text_export_says_how_many_documents_contain_line_breaks(tmp_path: Path) -> None:
    one = write_file([Document("one\nline"), Document("whole")], tmp_path / "one.txt", "text")
    two = write_file([Document("one\nline"), Document("two\r\nlines")], tmp_path / "two.txt", "text")
    assert one == ["1 document contains line breaks: read back line by line it becomes several"]
    assert two == ["2 documents contain line breaks: read back line by line they become several"]


def test_plain_text_export_says_how_many_spans_and_blank_documents_were_left_out(tmp_path: Path) -> None:
    one = write_file([Document("Ann", [Span(0, 3, "PER")]), Document(" ")], tmp_path / "one.txt", "text")
    two = write_file([Document("Ann Bo", [Span(0, 3, "PER"), Span(4, 6, "PER")]), Document(""), Document("\t")],
                     tmp_path / "two.txt", "text")
    assert one == ["plain text keeps no spans: 1 span was not written",
                   "1 empty or blank document cannot be told apart in plain text and was not written"]
    assert two == ["plain text keeps no spans: 2 spans were not written",
                   "2 empty or blank documents cannot be told apart in plain text and were not written"]


def brat_warnings(folder: Path, ann: str) -> list[str]:
    folder.mkdir()
    (folder / "a.txt").write_text("Beijing and Shanghai", encoding="utf-8")
    (folder / "a.ann").write_text(ann, encoding="utf-8")
    return read_file(folder).warnings


def test_brat_import_says_how_many_discontinuous_spans_it_skipped(tmp_path: Path) -> None:
    one = brat_warnings(tmp_path / "one", "T1\tLOC 0 2;3 7\tBe jing\n")
    two = brat_warnings(tmp_path / "two", "T1\tLOC 0 2;3 7\tBe jing\nT2\tLOC 12 15;17 20\tSha hai\n")
    kept = "(nerdesk spans are continuous): kept in the documents' metadata and written back by a brat export"
    assert one == [f"1 discontinuous span (START END;START END) is not shown {kept}"]
    assert two == [f"2 discontinuous spans (START END;START END) are not shown {kept}"]


def test_brat_import_says_how_many_other_lines_it_skipped(tmp_path: Path) -> None:
    one = brat_warnings(tmp_path / "one", "T1\tLOC 0 7\tBeijing\n#1\tAnnotatorNotes E1\tcapital\n")
    two = brat_warnings(tmp_path / "two", "T1\tLOC 0 7\tBeijing\nT2\tLOC 12 20\tShanghai\nR1\tNear Arg1:T1 Arg2:T9\n"
                                          "#1\tAnnotatorNotes R1\tcapital\n")
    kept = "skipped: nerdesk keeps T lines and the relations, attributes, normalisations and notes of the T lines it reads"
    assert one == [f"1 line (events, or what annotates annotations nerdesk does not read) was {kept}"]
    assert two == [f"2 lines (events, or what annotates annotations nerdesk does not read) were {kept}"]


def test_brat_export_says_how_many_files_in_the_folder_are_not_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_file([Document("a", name="old")], folder, "brat")
    (folder / "old.ann").unlink()
    one = write_file([Document("c", name="new")], folder, "brat")
    assert one == [f"1 .txt or .ann file in {folder} is not from this export (old.txt): importing the folder would "
                   "read it too; export into an empty folder or remove it"]
    two = write_file([Document("c", name="newer")], folder, "brat")
    assert two == [f"3 .txt and .ann files in {folder} are not from this export (e.g. new.ann): importing the folder "
                   "would read them too; export into an empty folder or remove them"]


@pytest.mark.parametrize(("bad", "said"), [(1, "1 bad record; nothing was imported"),
                                           (2, "2 bad records; nothing was imported")])
def test_a_refused_import_counts_its_bad_records(tmp_path: Path, bad: int, said: str) -> None:
    path = tmp_path / "bad.jsonl"
    records = [{"text": "Ann", "spans": [{"start": 0, "end": 9, "label": "PER"}]}] * bad + [{"text": "fine"}]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_file(path, "jsonl")
    assert str(caught.value).startswith(said + ":\n")
