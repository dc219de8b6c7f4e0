"""An INCEpTION project export imported as a folder: the curated version of a document, not an annotator's copy.

The export holds annotation/DOC/USER.tsv per annotator and curation/DOC/CURATION_USER.tsv once curated. The
folder gave three documents of one text; the import kept the first annotator's copy and skipped the curation as
a duplicate of it ("skipped 2 documents whose text and metadata equal one ...").
"""

from __future__ import annotations

from pathlib import Path

from nerdesk.formats import read_file

HEAD = ("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n"
        "\n\n#Text=Ann met Bob\n")


def tsv(path: Path, ann: str, bob: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + f"1-1\t0-3\tAnn\t_\t{ann}\t\n1-2\t4-7\tmet\t_\t_\t\n1-3\t8-11\tBob\t_\t{bob}\t\n",
                    encoding="utf-8")


def spans(doc) -> list[tuple[str, str]]:
    return [(s.mention(doc.text), s.label) for s in sorted(doc.spans, key=lambda s: s.start)]


def test_the_curated_document_is_read_and_the_annotators_copies_left_out(tmp_path):
    export = tmp_path / "project"
    tsv(export / "annotation" / "d1.txt" / "anna.tsv", "PER", "_")
    tsv(export / "annotation" / "d1.txt" / "bob.tsv", "ORG", "PER")
    tsv(export / "curation" / "d1.txt" / "CURATION_USER.tsv", "PER", "PER")
    tsv(export / "annotation" / "d2.txt" / "anna.tsv", "PER", "LOC")  # not curated yet: the copy is read
    result = read_file(export)
    assert [(d.name, spans(d)) for d in result.documents] == [
        ("annotation/d2.txt/anna", [("Ann", "PER"), ("Bob", "LOC")]),
        ("curation/d1.txt/CURATION_USER", [("Ann", "PER"), ("Bob", "PER")])]
    assert any("2 annotator copies of curated documents" in w for w in result.warnings)
    assert len(read_file(export / "annotation").documents) == 3  # the annotation folder alone: every copy
