"""WebAnno TSV 2, the TSV of WebAnno 2.x: a first line declaring the layers, token lines without offsets, stacked
annotations with B-/I- position markers. The files are those of WebAnno's own tests (webanno-io-tsv's
tsv2/example2.tsv and webanno-curation's 1sentenceNEstacked2.tsv), shortened."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import FormatError, ImportProblems
from nerdesk.formats import detect_format, read_file

LAYERS = (" # de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity | value # de.tudarmstadt.ukp.dkpro.core.api."
          "lexmorph.type.pos.POS | PosValue # de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency | "
          "DependencyType | AttachTo=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS\n")
EXAMPLE = LAYERS + (
    "#id=1\n#text=Ms. Haag plays Elianti .\n"
    "1-1\tMs.\tB-PER\tNNP\tSUBJ\t1-3\t\n1-2\tHaag\tI-PER\tNNP\tSBJ\t1-3\t\n1-3\tplays\tO\tVBD\tROOT\t1-3\t\n"
    "1-4\tElianti\tB-OTH\tNNP\tOBJ\t1-3\t\n1-5\t.\tO\t.\tROOT\t1-5\t\n\n"
    "#id=2\n#text=Rolls-Royce Motor Cars Inc. said it expects its U.S. sales\n"
    "2-1\tRolls-Royce\tB-ORGpart|B-ORG\tNNP\tNAME\t2-3\t\n2-2\tMotor\tI-ORGpart\tNNP\tNAME\t2-3\t\n"
    "2-3\tCars\tO\tNNPS\tSBJ\t2-5\t\n2-4\tInc.\tO\tNNP\tPOSTHON\t2-3\t\n2-5\tsaid\tO\tVBD\tROOT\t2-5\t\n"
    "2-6\tit\tO\tPRP\tSBJ\t2-7\t\n2-7\texpects\tO\tVBZ\tOPRD\t2-5\t\n2-8\tits\tO\tPRP$\tNMOD\t2-10\t\n"
    "2-9\tU.S.\tB-LOC\tNNP\tNMOD\t2-10\t\n2-10\tsales\tO\tNNS\tOBJ\t2-7\t\n\n")
STACKED = (" # de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity | value\n#id=1\n"
           "#text=Mourinho admitted a top four finish for Champions League qualification.\n"
           "1-1\tMourinho\tO\t\n1-2\tadmitted\tO\t\n1-3\tfor\tO\t\n1-4\tChampions\tB-ORG|B-_|B-ORGpart\n"
           "1-5\tLeague\tI-ORG|B-LOC|I-ORGpart\n1-6\tqualification\tO\t\n1-7\t.\tO\t\n\n")


def mentions(doc):
    return [(span.mention(doc.text), span.label) for span in doc.spans]


def test_a_webanno_2_file_is_detected_and_read_with_its_text_rebuilt_from_the_tokens(tmp_path):
    path = tmp_path / "example2.tsv"
    path.write_text(EXAMPLE, encoding="utf-8")
    assert detect_format(path) == "webanno-tsv"
    result = read_file(path)
    [doc] = result.documents
    assert doc.name == "example2"
    assert doc.text == ("Ms. Haag plays Elianti .\n"
                        "Rolls-Royce Motor Cars Inc. said it expects its U.S. sales")  # WebAnno 2 joins the tokens
    assert sorted(mentions(doc)) == [("Elianti", "OTH"), ("Ms. Haag", "PER"), ("Rolls-Royce", "ORG"),
                                     ("Rolls-Royce Motor", "ORGpart"), ("U.S.", "LOC")]
    assert any("POS (15 lines), Dependency (15 lines)" in warning for warning in result.warnings)


def test_stacked_annotations_follow_their_place_in_the_stack(tmp_path):
    path = tmp_path / "1sentenceNEstacked2.tsv"
    path.write_text(STACKED, encoding="utf-8")
    [doc] = read_file(path).documents
    assert sorted(mentions(doc)) == [("Champions League", "ORG"), ("Champions League", "ORGpart"), ("League", "LOC")]


def test_a_folder_of_webanno_2_files_is_a_webanno_tsv_collection(tmp_path):
    (tmp_path / "a.tsv").write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "b.tsv").write_text(STACKED, encoding="utf-8")
    assert detect_format(tmp_path) == "webanno-tsv"
    assert [doc.name for doc in read_file(tmp_path).documents] == ["a", "b"]


def test_a_format_line_naming_tsv_2_is_passed_over(tmp_path):
    path = tmp_path / "stacked.tsv"
    path.write_text("#FORMAT=WebAnno TSV 2\n" + STACKED, encoding="utf-8")
    assert sorted(mentions(read_file(path).documents[0]))[0] == ("Champions League", "ORG")


def test_a_format_line_naming_tsv_2_without_its_layers_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "other.tsv"
    path.write_text("#FORMAT=WebAnno TSV 2.0\n\n\n#Text=Ann\n1-1\t0-3\tAnn\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"TSV 2\.0 is not read: nerdesk reads version 3 .*WebAnno 2's TSV 2"):
        read_file(path, "webanno-tsv")


def test_a_token_line_with_a_column_missing_is_named_by_its_line(tmp_path):
    path = tmp_path / "broken.tsv"
    path.write_text(STACKED.replace("1-6\tqualification\tO\t\n", "1-6\tqualification\n"), encoding="utf-8")
    with pytest.raises(ImportProblems, match="expected a token line ID<TAB>TOKEN and 1 column") as raised:
        read_file(path)
    assert [problem.line for problem in raised.value.problems] == [9]
