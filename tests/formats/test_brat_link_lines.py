"""brat relations, attributes, normalisations and notes of the spans nerdesk reads are written back with the T
ids the export gives those spans (brat's own reader checks the same in tests/interop/test_interop_brat_links.py)."""

from __future__ import annotations

from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

TEXT = "Ann met Bob in Oslo.\n"
ANN = ("T1\tPER 0 3\tAnn\nT2\tPER 8 11\tBob\nT3\tLOC 15 19\tOslo\nR1\tMeets Arg1:T1 Arg2:T2\n"
       "N1\tReference T3 Wikidata:Q585\tOslo\nA1\tCertainty T2 Low\n#1\tAnnotatorNotes T3\tcapital of Norway\n"
       "A2\tNegated R1\n")


def test_lines_about_spans_are_written_back_with_new_ids(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.txt").write_text(TEXT, encoding="utf-8")
    (folder / "d.ann").write_text(ANN, encoding="utf-8")
    imported = read_file(folder)
    (doc,) = imported.documents
    assert imported.warnings == ["1 line (events, or what annotates annotations nerdesk does not read) was skipped: "
                                 "nerdesk keeps T lines and the relations, attributes, normalisations and notes of "
                                 "the T lines it reads"]
    doc.spans = [Span(0, 7, "EVENT"), *doc.spans]  # a new first span: every T id moves by one
    assert write_file([doc], tmp_path / "out", "brat") == []
    assert (tmp_path / "out" / "d.ann").read_text("utf-8") == (
        "T1\tEVENT 0 7\tAnn met\nT2\tPER 0 3\tAnn\nT3\tPER 8 11\tBob\nT4\tLOC 15 19\tOslo\n"
        "R1\tMeets Arg1:T2 Arg2:T3\nN1\tReference T4 Wikidata:Q585\tOslo\nA1\tCertainty T3 Low\n"
        "#1\tAnnotatorNotes T4\tcapital of Norway\n")
    conf = (tmp_path / "out" / "annotation.conf").read_text("utf-8")
    assert "[relations]\nMeets\tArg1:<ENTITY>, Arg2:<ENTITY>\n" in conf
    assert "[attributes]\nCertainty\tArg:<ENTITY>, Value:Low\n" in conf
