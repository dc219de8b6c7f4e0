"""PubTator files of the public biomedical corpora as released. The NCBI-disease training file
(NCBItrainset_corpus.txt) writes the double quotes of one mention as spaces (PMID 10923035,
``febrile seizures " plus "`` in the text, ``febrile seizures   plus  `` in the mention column); synthetic
lines in that shape."""

from __future__ import annotations

import pytest

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import read_file

TITLE = "A family with generalized epilepsy."
ABSTRACT = 'Members had generalized epilepsy with febrile seizures " plus " (GEFS +) and BFIC.'


def block(mention: str) -> str:
    text = f"{TITLE} {ABSTRACT}"
    start = text.index("febrile")
    end = text.index("(GEFS") - 1
    return (f"10923035|t|{TITLE}\n10923035|a|{ABSTRACT}\n"
            f"10923035\t14\t34\tgeneralized epilepsy\tSpecificDisease\tD004829\n"
            f"10923035\t{start}\t{end}\t{mention}\tSpecificDisease\tD004829+D003294\n\n")


def test_ncbi_disease_mention_with_spaces_for_quotes_is_kept(tmp_path):
    path = tmp_path / "NCBItrainset_corpus.txt"
    path.write_text(block("febrile seizures   plus  "), encoding="utf-8")
    result = read_file(path)
    [doc] = result.documents
    assert [span.mention(doc.text) for span in doc.spans] == ["generalized epilepsy", 'febrile seizures " plus "']
    assert any("double quote" in warning and "line 4" in warning for warning in result.warnings)


def test_other_mismatches_are_still_refused(tmp_path):
    path = tmp_path / "NCBItrainset_corpus.txt"
    path.write_text(block("febrile seizures - plus -"), encoding="utf-8")
    with pytest.raises(ImportProblems, match="line 4"):
        read_file(path)
