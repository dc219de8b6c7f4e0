"""Few-NERD's ``train.txt``/``dev.txt``/``test.txt``: ``token<TAB>label`` rows whose labels carry no B-/I- prefix
(IO tags: ``other-law``, ``art-music``), as the Few-NERD README shows them. Synthetic lines in that layout."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems, NerdeskError
from nerdesk.formats import detect_format, read_file

FEW_NERD = """\
Between\tO
1789\tO
and\tO
the\tO
administrative\tother-law
constitution\tother-law
of\tother-law
Galicia\tother-law
.\tO

London\tart-music
is\tO
the\tO
fifth\tO
album\tO
by\tO
the\tO
British\tlocation-GPE
rock\tO
band\tO
Jesus\torganization-showorganization
Jones\torganization-showorganization
.\tO
"""


def test_few_nerd_labels_without_prefix_are_io_tags(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text(FEW_NERD, encoding="utf-8")
    assert detect_format(path) == "conll"
    result = read_file(path)
    assert [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in result.documents] == [
        ("Between 1789 and the administrative constitution of Galicia .",
         [("administrative constitution of Galicia", "other-law")]),
        ("London is the fifth album by the British rock band Jesus Jones .",
         [("London", "art-music"), ("British", "location-GPE"), ("Jesus Jones", "organization-showorganization")]),
    ]
    assert any("IO tags" in warning for warning in result.warnings)


def test_labels_without_prefix_beside_prefixed_tags_are_still_refused(tmp_path):
    path = tmp_path / "mixed.conll"
    path.write_text(FEW_NERD.replace("British\tlocation-GPE", "British\tB-location-GPE"), encoding="utf-8")
    with pytest.raises(ImportProblems, match="'other-law' is not a tag"):
        read_file(path)


def test_a_two_column_file_without_o_is_not_io(tmp_path):
    path = tmp_path / "pos.txt"
    path.write_text("The\tDT\ndog\tNN\nbarks\tVBZ\n.\t.\n", encoding="utf-8")
    assert detect_format(path) == "text"


# Few-NERD from the Hugging Face hub (DFKI-SLT/few-nerd, Dataset.to_json): numbers, whose names carry no prefix.
FEW_NERD_HF = ('{"id": "1", "tokens": ["It", "starred", "Hicks", "\'s", "wife", ",", "Ellaline", "Terriss", "and", '
               '"Edmund", "Payne", "."], "ner_tags": [0, 0, 7, 0, 0, 0, 7, 7, 0, 7, 7, 0]}\n')
COARSE_NAMES = "O,art,building,event,location,organization,other,person,product"


def test_hugging_face_few_nerd_takes_its_names_without_prefix(tmp_path):
    path = tmp_path / "few-nerd-train.jsonl"
    path.write_text(FEW_NERD_HF, encoding="utf-8")
    result = read_file(path, tag_names=COARSE_NAMES)
    [doc] = result.documents
    assert [(span.mention(doc.text), span.label) for span in doc.spans] == [
        ("Hicks", "person"), ("Ellaline Terriss", "person"), ("Edmund Payne", "person")]
    assert any("IO tags" in warning for warning in result.warnings)


def test_hugging_face_string_io_tags(tmp_path):
    path = tmp_path / "few-nerd.jsonl"
    path.write_text('{"tokens": ["London", "by", "Jesus", "Jones"], "ner_tags": ["art-music", "O", '
                    '"organization-showorganization", "organization-showorganization"]}\n', encoding="utf-8")
    [doc] = read_file(path).documents
    assert [(span.mention(doc.text), span.label) for span in doc.spans] == [
        ("London", "art-music"), ("Jesus Jones", "organization-showorganization")]


def test_tag_names_mixing_prefixed_and_bare_labels_are_refused(tmp_path):
    path = tmp_path / "few-nerd-train.jsonl"
    path.write_text(FEW_NERD_HF, encoding="utf-8")
    with pytest.raises(NerdeskError, match="without prefixes, IO tags"):
        read_file(path, tag_names="O,B-PER,person")
