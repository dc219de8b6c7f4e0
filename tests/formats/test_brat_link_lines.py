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


def test_labels_no_span_uses_come_back_from_annotation_conf(tmp_path):
    # The export lists every label of the project in annotation.conf; the import read only the T lines, so a
    # label without spans yet was gone after a round trip through brat.
    from nerdesk.core.document import Document
    from nerdesk.core.labels import LabelSet

    labels = LabelSet.from_names(["PER", "LOC", "DRUG", "疾病"])
    write_file([Document("Ann met Bob.", [Span(0, 3, "PER")], name="d")], tmp_path / "out", "brat", labels=labels)
    assert read_file(tmp_path / "out").labels == ["PER", "LOC", "DRUG", "疾病"]


def test_abstract_types_and_other_sections_of_a_hand_written_conf_are_not_labels(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.txt").write_text(TEXT, encoding="utf-8")
    (folder / "d.ann").write_text("T1\tPER 0 3\tAnn\n", encoding="utf-8")
    (folder / "annotation.conf").write_text(
        "# a comment\n[entities]\n!Entity\n\tPER\n\tLOC\n[relations]\nMeets\tArg1:PER, Arg2:PER\n<OVERLAP>\tArg1:PER, "
        "Arg2:LOC, <OVL-TYPE>:contain\n[events]\nTravel\tAgent:PER\n[attributes]\nNegated\tArg:<ENTITY>\n",
        encoding="utf-8")
    assert read_file(folder).labels == ["PER", "LOC"]


def test_discontinuous_spans_are_written_back_as_they_were(tmp_path):
    # They were skipped on import, so a collection that went through nerdesk lost them and what named them.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.txt").write_text("Ann and Bob Smith met.", encoding="utf-8")
    (folder / "d.ann").write_text("T1\tPER 0 3;12 17\tAnn Smith\nT2\tPER 8 17\tBob Smith\nR1\tSibling Arg1:T1 Arg2:T2\n"
                                  "T3\tPER 0 2;9 17\tAn wrong\n", encoding="utf-8")
    imported = read_file(folder)
    (doc,) = imported.documents
    assert [s.key for s in doc.spans] == [(8, 17, "PER")]
    assert imported.warnings[-1].startswith("1 discontinuous span (START END;START END) was skipped: its pieces")
    write_file([doc], tmp_path / "out", "brat")
    assert (tmp_path / "out" / "d.ann").read_text("utf-8") == (
        "T1\tPER 8 17\tBob Smith\nT2\tPER 0 3;12 17\tAnn Smith\nR1\tSibling Arg1:T2 Arg2:T1\n")
