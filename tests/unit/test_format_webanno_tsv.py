"""WebAnno TSV 3.3 (INCEpTION, WebAnno): files INCEpTION wrote, stacked, multi-token and sub-token spans,
escaping, UTF-16 offsets with CJK, emoji, ZWJ sequences and \\r\\n, malformed files, the command line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nerdesk.cli import main
from nerdesk.core import Document, Span
from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError
from nerdesk.core.spans import PRED
from nerdesk.formats import (
    detect_format,
    format_for_suffix,
    read_file,
    resolve_format,
    write_documents,
    write_file,
)
from nerdesk.formats.webanno_tsv import unescape_text, unescape_value
from nerdesk.formats.webanno_tsv_write import escape_text, escape_value
from nerdesk.storage import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webanno_tsv"
HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"


def read_fixture(name: str):
    return read_file(FIXTURES / f"{name}.tsv")


def spans_of(doc: Document) -> list[tuple[int, int, str]]:
    return sorted(span.key for span in doc.spans)


def tsv_file(tmp_path: Path, body: str, header: str = HEADER, name: str = "in.tsv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def round_trip(tmp_path: Path, docs: list[Document], **options):
    path = tmp_path / ("out.tsv" if len(docs) == 1 else "out")
    warnings = write_file(docs, path, "webanno-tsv", **options)
    return warnings, read_file(path, "webanno-tsv")


# -- files INCEpTION wrote (expected texts and spans from the reference.xmi beside each) -----------------

@pytest.mark.parametrize(("name", "text", "spans"), [
    ("testSentenceWithEmoji", "I like it 😊 .", [(10, 11, "Span")]),  # 10-12 in UTF-16 units
    ("testSentenceWithLineBreak", "This is\na test .", [(0, 4, "Span")]),
    ("testSentenceWithTab", "This is\ta test .", [(0, 4, "Span")]),
    ("testCrossSentenceSpanWithFeatureValue", "He loves her .\nShe loves him not .", [(0, 34, "PERSON")]),
    ("testMultiTokenStackedSpanWithFeatureValue", "This is a test .", [(0, 16, "LOCATION"), (0, 16, "PERSON")]),
    ("testTwoSentencesWithNoSpaceInBetween", "onetwo", []),
    ("testAnnotationWithLeadingWhitespaceAtStart", " one two", [(1, 4, "NamedEntity")]),
    ("testSimpleSlotFeature", "This is a test .", [(5, 7, "SimpleSpan"), (8, 9, "SimpleSpan")]),
    ("testSubMultiTokenSpanWithFeatureValue", "aaaaaa bbbbbb cccccc", [
        (0, 6, "1"), (0, 10, "7"), (0, 13, "2"), (3, 10, "8"), (3, 13, "6"), (3, 17, "9"), (7, 11, "4"),
        (9, 11, "3"), (9, 13, "5")]),
])
def test_files_inception_wrote_read_as_inception_reads_them(name, text, spans):
    result = read_fixture(name)
    assert result.format == "webanno-tsv" and detect_format(FIXTURES / f"{name}.tsv") == "webanno-tsv"
    [doc] = result.documents
    assert (doc.text, spans_of(doc), doc.name) == (text, sorted(spans), name)


def test_an_inception_export_with_pos_dependencies_and_named_entities(tmp_path):
    result = read_fixture("example2")
    [doc] = result.documents
    assert doc.text.startswith("Ms. Haag plays Elianti .\nRolls-Royce Motor Cars Inc. said it expects")
    mentions = [(doc.text[s.start:s.end], s.label) for s in doc.gold]
    assert mentions[:4] == [("Ms. Haag", "PER"), ("Elianti", "OTH"), ("Rolls-Royce Motor", "ORG"), ("U.S.", "LOC")]
    assert ("BELL INDUSTRIES Inc.", "ORG") in mentions and ("BELL", "PER") in mentions  # nested
    assert result.warnings == ["annotations of layers nerdesk does not read were skipped: POS (86 lines), Dependency "
                               "(83 lines); nerdesk reads named entities (NamedEntity's value) and custom span layers "
                               "(webanno.custom.*) with one feature"]
    warnings, again = round_trip(tmp_path, [doc])
    assert warnings == [] and (again.documents[0].text, spans_of(again.documents[0])) == (doc.text, spans_of(doc))


def test_what_is_not_read_is_counted():
    assert read_fixture("testSubMultiTokenSpanWithFeatureValue").warnings == [
        "3 zero-width annotations were not imported: a nerdesk span covers at least one character"]
    assert read_fixture("testZeroWidthAnnotationBetweenTokenIsMovedToEndOfPreviousToken").warnings == [
        "1 annotation had no value (*): labelled with its layer's name (NamedEntity)",
        "1 zero-width annotation was not imported: a nerdesk span covers at least one character"]
    assert "SimpleLink (3 lines)" in read_fixture("testSimpleChain").warnings[0]


def test_every_escape_of_inception_is_undone_and_a_label_with_a_line_break_is_refused():
    line = (FIXTURES / "testTokenBoundedSpanWithSpecialSymbolsValue.tsv").read_text(encoding="utf-8").split("\n")[5]
    assert unescape_value(line.split("\t")[3]) == "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"
    with pytest.raises(ImportProblems) as caught:
        read_fixture("testTokenBoundedSpanWithSpecialSymbolsValue")
    assert [(p.code, p.line) for p in caught.value.problems] == [("E011", line) for line in range(6, 11)]


def test_a_folder_is_all_or_nothing_and_names_documents_by_their_path(tmp_path):
    assert detect_format(FIXTURES) == "webanno-tsv"
    with pytest.raises(ImportProblems) as caught:
        read_file(FIXTURES)
    assert {Path(p.path).name for p in caught.value.problems} == {"testTokenBoundedSpanWithSpecialSymbolsValue.tsv"}
    folder = tmp_path / "export"
    (folder / "annotation" / "doc1.txt").mkdir(parents=True)
    shutil.copy(FIXTURES / "example2.tsv", folder / "annotation" / "doc1.txt" / "admin.tsv")
    shutil.copy(FIXTURES / "testSentenceWithEmoji.tsv", folder / "emoji.tsv")
    (folder / "source.txt").write_text("not read", encoding="utf-8")
    assert detect_format(folder) == "webanno-tsv"
    assert [doc.name for doc in read_file(folder).documents] == ["annotation/doc1.txt/admin", "emoji"]


# -- writing ------------------------------------------------------------------------------------------

def test_nested_and_stacked_spans_are_written_as_inception_writes_them(tmp_path):
    text = "Anna Smith's 北京😀 trip\r\nwas fun."
    spans = [Span(0, 10, "PER"), Span(0, 4, "PER"), Span(5, 12, "X"), Span(13, 15, "LOC"), Span(15, 16, "EMO"),
             Span(13, 21, "a|b")]
    path = tmp_path / "one.tsv"
    assert write_file([Document(text, spans)], path, "webanno-tsv") == []
    assert path.read_text(encoding="utf-8") == HEADER + (
        "#Text=Anna Smith's 北京😀 trip\\r\n"
        "1-1\t0-4\tAnna\tPER[1]|PER[2]\t\n"
        "1-2\t5-10\tSmith\tPER[1]|X[3]\t\n"
        "1-3\t10-11\t'\tX[3]\t\n"
        "1-4\t11-12\ts\tX[3]\t\n"
        "1-5\t13-14\t北\ta\\|b[4]|LOC[5]\t\n"
        "1-6\t14-15\t京\ta\\|b[4]|LOC[5]\t\n"
        "1-7\t15-17\t😀\ta\\|b[4]|EMO[6]\t\n"  # the emoji counts two UTF-16 units
        "1-8\t18-22\ttrip\ta\\|b[4]\t\n"
        "\n"
        "#Text=was fun.\n"
        "2-1\t24-27\twas\t_\t\n"
        "2-2\t28-31\tfun\t_\t\n"
        "2-3\t31-32\t.\t_\t\n")
    [doc] = read_file(path).documents
    assert (doc.text, spans_of(doc)) == (text, sorted(s.key for s in spans))


def test_stacked_spans_of_one_token_get_disambiguation_ids_as_inception_gives_them(tmp_path):
    # The format's documentation gives stacked annotations ids, and INCEpTION's writer does (tsv3-suite:
    # testSingleStackedNonTokenRelationWithoutFeatureValue writes "*[1]|*[2]"); its reader takes both forms.
    path = tmp_path / "one.tsv"
    spans = [Span(0, 5, "LOC"), Span(0, 5, "GPE"), Span(10, 15, "LOC"), Span(17, 21, "X"), Span(17, 27, "Y")]
    write_file([Document("Paris and Paris, Anna Smith", spans)], path, "webanno-tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[3] for line in lines[5:]] == ["GPE[1]|LOC[2]", "_", "LOC", "_", "Y[3]|X[4]", "Y[3]"]
    [doc] = read_file(path).documents
    assert spans_of(doc) == sorted(span.key for span in spans)


def test_sub_token_spans_are_read(tmp_path):
    path = tsv_file(tmp_path, "#Text=plays 北京人\n1-1\t0-5\tplays\t_\t\n1-1.1\t0-4\tplay\tV\t\n1-1.2\t4-5\ts\tS[1]\t\n"
                              "1-2\t6-9\t北京人\tS[1]\t\n1-2.1\t6-8\t北京\tLOC\t\n")
    [doc] = read_file(path).documents
    assert [(doc.text[s.start:s.end], s.label) for s in doc.gold] == [("play", "V"), ("s 北京人", "S"), ("北京", "LOC")]


@pytest.mark.parametrize("label", ["a|b", "[x]", "x[1]", "_", "*", "\\", "a\\", "a->b", "x;y", "\\t"])
def test_labels_with_reserved_characters_round_trip(tmp_path, label):
    assert unescape_value(escape_value(label)) == label
    _, result = round_trip(tmp_path, [Document("Ann and Bo met", [Span(0, 3, label), Span(0, 7, "PER"),
                                                                 Span(8, 10, label)])])
    assert spans_of(result.documents[0]) == sorted([(0, 3, label), (0, 7, "PER"), (8, 10, label)])


def test_text_escapes_follow_inception():
    text = "a\\b\tc\rd\x01e\x1cf\x0bg\x0ch\bi\u2028j\x85k"
    assert escape_text(text) == "a\\\\b\\tc\\rd\\\x01e\\\x1cf\x0bg\\fh\\bi\u2028j\x85k"
    assert unescape_text(escape_text(text), minor=3) == text
    assert unescape_text("caf\\u00e9 \\ud83d\\ude00 \\101", minor=1) == "café 😀 A"  # 3.0 and 3.1: Java escapes


@pytest.mark.parametrize("text", [
    "北京大学在北京。\r\nMary visits 上海 😀 today.",
    "  starts with spaces\n\n\nblank lines\n   indented\n",
    "👩\u200d👩\u200d👧 family 🏳️\u200d🌈 e\u0301 \\t \\ \u2028 \x85 \x0b tabs\tin\tit\r\n\r\n",
    "one\r\rtwo\n\t three",
])
def test_texts_read_back_exactly_with_their_offsets(tmp_path, text):
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans = [Span(start, end, "W") for start, end in words] + [Span(words[0][0], words[-1][1], "ALL")]
    warnings, result = round_trip(tmp_path, [Document(text, spans)])
    assert warnings == []
    [doc] = result.documents
    assert doc.text == text and spans_of(doc) == sorted(s.key for s in spans)


@st.composite
def documents(draw) -> Document:
    pieces = ["a", "Bo", "北", "京", "😀", "👍🏽", "👩\u200d👩\u200d👧", "e\u0301", "-", "|", "[1]", "\\", "_", "*",
              " ", "  ", "\n", "\r\n", "\t", "\u200b"]
    text = "".join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=20)))
    spans = set()
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        spans.add(Span(start, draw(st.integers(start + 1, len(text))), draw(st.sampled_from(["PER", "L|C", "x_y"]))))
    return Document(text, sorted(spans, key=lambda s: s.key))


def trimmed(text: str, span: Span) -> Span | None:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return span.moved(start, end) if start < end else None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(doc=documents())
@example(doc=Document("\n x", [Span(0, 3, "A")]))
def test_generated_documents_round_trip_but_for_what_the_writer_warns_about(tmp_path, doc):
    warnings, result = round_trip(tmp_path, [doc])
    if not doc.text.strip():
        assert result.documents == [] and any("no word" in w for w in warnings)
        return
    [again] = result.documents
    leading = len(doc.text) - len(doc.text.lstrip())
    assert again.text == " " * leading + doc.text[leading:]
    assert (again.text != doc.text) == any("read back as spaces" in w for w in warnings)
    expected = {trimmed(doc.text, span) for span in doc.spans} - {None}
    assert spans_of(again) == sorted(span.key for span in expected if span is not None)
    assert (expected != set(doc.spans)) == any("whitespace" in w for w in warnings)


def test_whitespace_at_span_edges_is_left_out_and_the_spans_written_are_counted(tmp_path):
    doc = Document("Ann  met\n", [Span(0, 3, "P"), Span(0, 4, "P"), Span(3, 5, "P"), Span(5, 9, "Q")])
    result = write_documents([doc], tmp_path / "one.tsv", "webanno-tsv")
    assert (result.spans, result.warnings) == (2, [
        "2 spans started or ended on whitespace, which WebAnno TSV cannot hold (its tokens leave whitespace out): "
        "written without it, as INCEpTION does",
        "2 spans were not written: of whitespace only, or the same as another span without the whitespace at its edges"])
    assert spans_of(read_file(tmp_path / "one.tsv").documents[0]) == [(0, 3, "P"), (5, 8, "Q")]


def test_several_documents_go_to_a_folder_one_file_each(tmp_path):
    docs = [Document("Ann met Bo", [Span(0, 3, "PER")], name="a/b"), Document("x", name="a/b"),
            Document(" \n ", name="empty"), Document("Eve", [Span(0, 3, "PER", PRED, 0.5, "m1")])]
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "old.tsv").write_text(HEADER, encoding="utf-8")
    warnings = write_file(docs, folder, "webanno-tsv")
    assert sorted(p.name for p in folder.iterdir()) == ["a_b.tsv", "a_b_2.tsv", "doc00004.tsv", "old.tsv"]
    assert warnings == [
        "1 predicted span was not written: webanno-tsv keeps one kind of span (source='gold'; choose source 'pred' or "
        "'all', --source on the command line, to write the others)",
        f"1 .tsv file in {folder} is not from this export (old.tsv): importing the folder would read it too; export "
        "into an empty folder or remove it",
        "1 document has no word: not written: a file without sentences is one INCEpTION does not import"]
    (folder / "old.tsv").unlink()
    assert [(d.name, d.text) for d in read_file(folder).documents] == [
        ("a_b", "Ann met Bo"), ("a_b_2", "x"), ("doc00004", "Eve")]
    with pytest.raises(FormatError) as caught:
        write_file(docs, tmp_path / "all.tsv", "webanno-tsv")
    assert caught.value.code == "E127" and "give a folder path" in str(caught.value)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        write_file(docs, tmp_path / "file", "webanno-tsv")
    assert caught.value.code == "E127"


def test_detection_aliases_and_the_tsv_suffix(tmp_path):
    assert {resolve_format(name) for name in ("inception", "webanno", "tsv3", "WebAnno-TSV")} == {"webanno-tsv"}
    assert format_for_suffix("predictions.tsv") == "conll"  # x.tsv has meant CoNLL columns
    conll = tmp_path / "tags.tsv"
    conll.write_text("北\tB-LOC\n京\tI-LOC\n", encoding="utf-8")
    assert detect_format(conll) == "conll"
    assert detect_format(tsv_file(tmp_path, "#Text=a\n1-1\t0-1\ta\t_\t\n", name="in.txt")) == "webanno-tsv"
    brat = tmp_path / "brat"
    brat.mkdir()
    shutil.copy(FIXTURES / "example2.tsv", brat)
    (brat / "doc.ann").write_text("", encoding="utf-8")
    (brat / "doc.txt").write_text("", encoding="utf-8")
    assert detect_format(brat) == "brat"


# -- malformed files ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "code", "line"), [
    ("#Text=a b\n1-1\t0-1\ta\n", "E110", 6),  # a column missing
    ("#Text=a b\n1-1\t0:1\ta\t_\t\n", "E110", 6),
    ("#Text=a b\n1-1\t1-0\ta\t_\t\n", "E004", 6),
    ("#Text=a b\n1-1\t0-1\tb\t_\t\n", "E005", 6),  # the token is not the text at its offsets
    ("#Text=😀 b\n1-1\t0-1\t😀\t_\t\n", "E007", 6),  # inside the emoji's two UTF-16 units
    ("#Text=a b\n1-1\t0-1\ta\t_\t\n1-2\t2-9\tb\t_\t\n", "E006", 7),  # past the text
    ("#Text=a b\n1-1\t0-1\ta\t_\t\n\n#Text=c\n2-1\t1-2\tc\t_\t\n", "E003", 9),  # inside the sentence before
    ("#Text=a b\n1-1\t0-1\ta\tX[1]\t\n1-2\t2-3\tb\tY[1]\t\n", "E110", 7),  # one id, two labels
    ("#Text=a b\n1-1\t0-1\ta\tX]\t\n", "E110", 6),
    ("#Text=a b\n\n1-1\t0-1\ta\t_\t\n", "E110", 6),  # a header without tokens
    ("#Text=a b\n1-1.1\t0-1\ta\t_\t\n", "E110", 6),  # a sub-token before its token
    ("1-1\t0-1\ta\t_\t\n", "E110", 5),  # a token outside a sentence
    ("#Text=a\n1-1\t0-1\ta\t \t\n", "E002", 6),  # a label of spaces
    ("#Text=a\n1-1\t0-1\ta\t_\t\n\n#Text=b\n2-1\t99999999999-99999999999\tb\t_\t\n", "E003", 9),
])
def test_malformed_files_name_their_line_and_import_nothing(tmp_path, body, code, line):
    with pytest.raises(ImportProblems) as caught:
        read_file(tsv_file(tmp_path, body))
    assert [(p.code, p.line) for p in caught.value.problems][:1] == [(code, line)], str(caught.value)


@pytest.mark.parametrize(("content", "says"), [
    ("1-1\t0-1\ta\t_\n", "its first line must be '#FORMAT=WebAnno TSV 3.3'"),
    ("#FORMAT=WebAnno TSV 2.0\n\n\n", "WebAnno TSV 2.0 is not read"),
    ("#id=1\n#text=Ms. Haag\n1\tMs.\t_\n", "not a WebAnno TSV file"),
])
def test_other_files_are_refused_as_a_whole(tmp_path, content, says):
    with pytest.raises(FormatError) as caught:
        read_file(tsv_file(tmp_path, content, header=""), "webanno-tsv")
    assert caught.value.code == "E112" and says in str(caught.value)


def test_the_command_line_round_trip_and_its_refusals(tmp_path, capsys):
    original = tmp_path / "a.nerdesk"
    docs = [Document("北京大学在北京。\r\nMary 😀 visits 上海.", [Span(0, 4, "ORG"), Span(0, 2, "LOC"),
                                                              Span(10, 14, "PER")], name="first"),
            Document("Anna  works at Acme Corp.\n", [Span(0, 4, "PER"), Span(15, 24, "ORG")], name="second")]
    with Project.create(original) as project:
        project.add_documents(docs)
    assert main(["export", str(original), "--format", "webanno-tsv", "--out", str(tmp_path / "one.tsv")]) == 1
    assert "E127" in capsys.readouterr().err and not (tmp_path / "one.tsv").exists()
    assert main(["export", str(original), "--format", "inception", "--out", str(tmp_path / "out")]) == 0
    copy = tmp_path / "b.nerdesk"
    assert main(["import", str(copy), str(tmp_path / "out")]) == 0
    with Project.open(copy) as project:
        again = [(d.name, d.text, spans_of(d)) for d in project.all_documents()]
    assert again == [(d.name, d.text, spans_of(d)) for d in docs]
    bad = tsv_file(tmp_path, "#Text=a\n1-1\t0-1\tb\t_\t\n")
    assert main(["import", str(copy), str(bad)]) == 1
    assert "E005" in capsys.readouterr().err
    with Project.open(copy) as project:
        assert len(list(project.all_documents())) == 2


def test_errors_are_nerdesk_errors_for_any_bytes(tmp_path):
    for content in (b"#FORMAT=WebAnno TSV 3.3\n\x00\xff", b"#FORMAT=WebAnno TSV 3." + b"9" * 5000, b"",
                    b"#FORMAT=WebAnno TSV 3.3\n#T_SP=\n\n\n", b"#FORMAT=WebAnno TSV 3.3\n#T_SP=|\n"):
        path = tmp_path / "x.tsv"
        path.write_bytes(content)
        with pytest.raises(NerdeskError):
            result = read_file(path, "webanno-tsv")
            assert result.documents


def test_a_file_is_written_as_inception_wrote_it(tmp_path):
    # INCEpTION's reference file, its span layer (webanno.custom.Span) aside: our named-entity layer instead.
    original = (FIXTURES / "testCrossSentenceSpanWithFeatureValue.tsv").read_text(encoding="utf-8")
    [doc] = read_file(FIXTURES / "testCrossSentenceSpanWithFeatureValue.tsv").documents
    path = tmp_path / "again.tsv"
    write_file([doc], path, "webanno-tsv")
    assert path.read_text(encoding="utf-8") == original.replace(
        "webanno.custom.Span", "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity")
