"""brat's discontinuous spans and the relations, equivalences, attributes, normalisations and notes of the
spans nerdesk reads come back on export, read by brat's own ``server/src/annotation.py`` (brat is not on PyPI: set ``NERDESK_BRAT_SOURCE`` to a
checkout's ``server/src``, else this test is skipped). A round trip through nerdesk dropped every such line."""

from __future__ import annotations

import codecs
import importlib.util
import os
from pathlib import Path

import pytest

from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

TEXT = "北京大学的张三 😀 visited New\r\nYork with e\u0301cole staff.\n"
ANN = """T1\tORG 0 4\t北京大学
T2\tPER 5 7\t张三
T3\tLOC 18 21;23 27\tNew York
T4\tORG 33 39\te\u0301cole
T5\tTravel 10 17\tvisited
T6\tORG 0 2;5 7\t北京 张三
R2\tNamed Arg1:T6 Arg2:T2
E1\tTravel:T5 Agent:T2 Goal:T3
R1\tMember Arg1:T2 Arg2:T1
*\tAlias T1 T4
A1\tNegated T2
A2\tCertainty T3 Likely
M1\tSpeculation T4
N1\tReference T3 Wikidata:Q60\tNew York City
#1\tAnnotatorNotes T1\tPeking University
A3\tNegated E1
"""


def brat_annotations():
    source = os.environ.get("NERDESK_BRAT_SOURCE")
    if not source or not (Path(source) / "annotation.py").is_file():
        pytest.skip("set NERDESK_BRAT_SOURCE to brat's server/src to run brat's own reader")
    spec = importlib.util.spec_from_file_location("brat_annotation", Path(source) / "annotation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # brat opens its files with mode 'rU', which Python 3.11 no longer has; the same reading without it
    module.open_textfile = lambda name, mode="r": codecs.open(name, mode.replace("U", ""), encoding="utf8",  # noqa: SIM115
                                                              errors="strict")
    return module


def collection(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "doc.txt").write_bytes(TEXT.encode("utf-8"))
    (folder / "doc.ann").write_text(ANN, encoding="utf-8", newline="\n")
    return folder


def described(annotations):
    """Every annotation of a brat document as text, T ids replaced by the spans they name."""
    spans = {t.id: (tuple(map(tuple, t.spans)), t.type) for t in annotations.get_textbounds()}
    found = {("R", r.type, spans[r.arg1], spans[r.arg2]) for r in annotations.get_relations()}
    found |= {("*", e.type, *sorted(spans[i] for i in e.entities)) for e in annotations.get_equivs()}
    found |= {("A", a.type, spans[a.target], a.value) for a in annotations.get_attributes() if a.target in spans}
    found |= {("N", n.type, spans[n.target], n.refdb, n.refid, n.tail.strip()) for n in annotations.get_normalizations()}
    found |= {("#", c.type, spans[c.target], c.tail.strip()) for c in annotations.get_oneline_comments()}
    return found


def spans_of(annotations):
    return {(tuple(map(tuple, t.spans)), t.type, t.text) for t in annotations.get_textbounds()}


def test_links_come_back_as_brat_reads_them(tmp_path):
    brat = brat_annotations()
    imported = read_file(collection(tmp_path))
    assert any("2 lines (events" in w for w in imported.warnings)  # E1 and the attribute of E1
    assert any("1 discontinuous span (START END;START END) is not shown" in w for w in imported.warnings)
    write_file(imported.documents, tmp_path / "out", "brat")
    before = brat.TextAnnotations(str(tmp_path / "in" / "doc"))
    after = brat.TextAnnotations(str(tmp_path / "out" / "doc"))
    assert after.failed_lines == []
    expected = {item for item in described(before) if "Travel" not in map(str, item)}
    assert described(after) == expected and len(expected) == 8  # R2 names the discontinuous T6
    assert {v for v in spans_of(after)} == {v for v in spans_of(before) if v[1] != "Travel"}


def test_links_of_a_deleted_span_are_left_out(tmp_path):
    brat = brat_annotations()
    (document,) = read_file(collection(tmp_path)).documents
    document.spans = [s for s in document.spans if s.label != "PER"] + [Span(0, 2, "LOC")]
    warnings = write_file([document], tmp_path / "out", "brat")
    assert warnings == ["3 relation, attribute, normalisation or note lines name spans no longer there and were "
                        "not written"]
    after = brat.TextAnnotations(str(tmp_path / "out" / "doc"))
    assert after.failed_lines == [] and len(described(after)) == 5
