"""PubTator: files shaped like NCBI-disease, BC5CDR and BioRED (sentences written for these tests), refused lines,
relations, identifiers, CJK and emoji offsets, detection, and round trips (also fuzzed)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems, NerdeskError
from nerdesk.core.spans import PRED, Span
from nerdesk.formats import detect_format, read_file, write_file
from nerdesk.formats.pubtator import IDS, RELATIONS, TITLE_LENGTH, looks_like_pubtator

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Two documents the way BC5CDR writes them (a tab after the identifier, composite mentions with their parts, CID
# relation lines) and one the way NCBI-disease does (no trailing tab, "+" between identifiers).
TITLE_1 = "Warfarin-related bleeding and kidney injury in older adults."
ABSTRACT_1 = ("Bleeding and renal or hepatic failure were recorded in patients given warfarin. "
              "Kidney injury was rare.")
TITLE_2 = "Seizures after a high dose of lithium."
ABSTRACT_2 = "A man developed seizures and tremor after lithium."
TITLE_3 = "Familial breast and ovarian cancer in one pedigree."
ABSTRACT_3 = "Breast or ovarian cancer was found in five sisters."
SAMPLE = f"""1000001|t|{TITLE_1}
1000001|a|{ABSTRACT_1}
1000001\t0\t8\tWarfarin\tChemical\tD014859\t
1000001\t17\t25\tbleeding\tDisease\tD006470\t
1000001\t30\t43\tkidney injury\tDisease\tD058186\t
1000001\t61\t69\tBleeding\tDisease\tD006470\t
1000001\t74\t98\trenal or hepatic failure\tDisease\tD051437|D017093\trenal failure|hepatic failure
1000001\t131\t139\twarfarin\tChemical\tD014859\t
1000001\t141\t154\tKidney injury\tDisease\t-1\t
1000001\tCID\tD014859\tD006470

1000002|t|{TITLE_2}
1000002|a|{ABSTRACT_2}
1000002\t0\t8\tSeizures\tDisease\tD012640\t
1000002\t30\t37\tlithium\tChemical\tD008094\t
1000002\t55\t63\tseizures\tDisease\tD012640\t
1000002\t68\t74\ttremor\tDisease\tD014202\t
1000002\t81\t88\tlithium\tChemical\tD008094\t
1000002\tCID\tD008094\tD012640

1000003|t|{TITLE_3}
1000003|a|{ABSTRACT_3}
1000003\t0\t34\tFamilial breast and ovarian cancer\tCompositeMention\tD001943+D010051
1000003\t52\t76\tBreast or ovarian cancer\tCompositeMention\tD001943|D010051

"""


def write(tmp_path: Path, content: str, name: str = "corpus.pubtator") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(ImportProblems) as caught:
        read_file(path, "pubtator")
    return caught.value.problems


def test_the_sample_offsets_are_what_real_files_carry():
    for title, abstract, block in [(TITLE_1, ABSTRACT_1, 0), (TITLE_2, ABSTRACT_2, 1), (TITLE_3, ABSTRACT_3, 2)]:
        text = f"{title} {abstract}"
        for line in SAMPLE.split("\n\n")[block].split("\n")[2:]:
            fields = line.split("\t")
            if fields[1].isdigit():
                assert text[int(fields[1]):int(fields[2])] == fields[3], line


def test_a_realistic_file_is_read_with_its_identifiers_and_relations(tmp_path):
    result = read_file(write(tmp_path, SAMPLE))
    assert result.format == "pubtator"
    first, second, third = result.documents
    assert first.text == f"{TITLE_1} {ABSTRACT_1}" and first.name == "1000001"
    assert [(s.start, s.end, s.label) for s in first.gold][:3] == [(0, 8, "Chemical"), (17, 25, "Disease"),
                                                                  (30, 43, "Disease")]
    assert first.meta[TITLE_LENGTH] == len(TITLE_1)
    assert [74, 98, "Disease", "D051437|D017093", "renal failure|hepatic failure"] in first.meta[IDS]
    assert first.meta[RELATIONS] == [["CID", "D014859", "D006470"]]
    assert len(second.spans) == 5 and third.meta[IDS][0] == [0, 34, "CompositeMention", "D001943+D010051"]
    assert set(result.labels) == {"Chemical", "Disease", "CompositeMention"}
    assert any("2 relation lines were kept" in w for w in result.warnings)


def test_a_realistic_file_is_written_back_byte_for_byte(tmp_path):
    documents = read_file(write(tmp_path, SAMPLE)).documents
    out = tmp_path / "again.pubtator"
    assert write_file(documents, out, "pubtator") == []
    assert out.read_text(encoding="utf-8") == SAMPLE


def test_a_span_changed_in_nerdesk_loses_its_identifier_and_a_new_one_has_none(tmp_path):
    doc = read_file(write(tmp_path, SAMPLE)).documents[1]
    doc.spans = [s for s in doc.spans if s.start != 68] + [Span(68, 74, "Symptom"), Span(15, 37, "Event")]
    out = tmp_path / "edited.pubtator"
    write_file([doc], out, "pubtator")
    lines = out.read_text(encoding="utf-8").split("\n")
    assert "1000002\t68\t74\ttremor\tSymptom\t-1" in lines
    assert "1000002\t15\t37\ta high dose of lithium\tEvent\t-1" in lines
    assert "1000002\t30\t37\tlithium\tChemical\tD008094\t" in lines


def test_a_mention_that_is_not_the_text_at_its_offsets_is_refused_with_its_line(tmp_path):
    bad = SAMPLE.replace("1000002\t30\t37\tlithium", "1000002\t31\t38\tlithium")
    bad = bad.replace("1000003\t52\t76\t", "1000003\t52\t999\t")
    found = problems_of(write(tmp_path, bad))
    assert [(p.line, p.code) for p in found] == [(15, "E005"), (24, "E003")]
    assert "line 15: span 31..38 (Chemical) covers 'ithium.' but the file says 'lithium'" in str(found[0])


def test_pubtator_centrals_no_abstract_mark_is_skipped_with_a_warning(tmp_path):
    # spyysalo/pubtator's bioconcepts2pubtator sample: one such line refused all 651 documents (E003).
    content = ("27103693|t|Canine babesiosis: autochthonous today, endemic tomorrow?\n27103693|a|\n"
               "27103693\t59\t70\tNO ABSTRACT\tChemical\t\n27103693\t0\t17\tCanine babesiosis\tDisease\tMESH:D001404\n")
    result = read_file(write(tmp_path, content))
    assert [(s.start, s.end, s.label) for s in result.documents[0].spans] == [(0, 17, "Disease")]
    assert any('1 annotation "NO ABSTRACT" past the end of its text' in w and "line 3" in w for w in result.warnings)
    inside = content.replace("59\t70\tNO ABSTRACT", "0\t6\tNO ABSTRACT")  # inside the text it is checked as any
    assert [p.code for p in problems_of(write(tmp_path, inside))] == ["E005"]


@pytest.mark.parametrize(("content", "line", "words"), [
    ("1|t|Title\n1\t0\t5\tTitle\n", 2, "needs PMID<TAB>START"),
    ("1|t|Title\n2\t0\t5\tTitle\tX\n", 2, "for '2' but it is inside the document of '1'"),
    ("1\t0\t5\tTitle\tX\n", 1, "outside any document"),
    ("1|t|Title\n1|a|Abstract\n1|a|Again\n", 3, "second abstract"),
    ("1|t|Title\n1\t0\t5\tTitle\tX\n1|a|Late\n", 3, "after its annotations"),
    ("1|t|Title\n2|a|Other\n", 2, "without its title line"),
    ("1|t|Title\n1|x|What\n", 2, "unknown section |x|"),
    ("1|t|Title\n1\tjust\ttwo\n", 2, "expected an annotation"),
    ("1|t|Title\n1\t0\t" + "9" * 5000 + "\tTitle\tX\n", 2, "5,000 digits"),
    ("1|t|Title\n1\t0\t\u0661\tTitle\tX\n", 2, "offsets must be ASCII digits"),
    ("1|t|Title\n1\t 3\t5\tTitle\tX\n", 2, "offsets must be ASCII digits"),
    ("1|t|Title\n1\t0\t5\tTitle\t\n", 2, "has no label"),
])
def test_malformed_lines_are_named(tmp_path, content, line, words):
    found = problems_of(write(tmp_path, content))
    assert found[0].line == line and words in str(found[0]), str(found[0])


def test_a_mention_with_spaces_at_its_edges_is_taken_at_its_offsets(tmp_path):
    # NCBI-disease's training file has one such line (two spaces after the mention).
    path = write(tmp_path, "5|t|Febrile seizures plus\n5\t0\t16\tFebrile seizures  \tSpecificDisease\tD003294\n")
    result = read_file(path)
    assert [(s.start, s.end) for s in result.documents[0].spans] == [(0, 16)]
    assert result.warnings == ["1 mention differed from the text at its offsets only by spaces at its edges "
                               "(the first on line 2): the spans were imported at their offsets"]


def test_titles_without_abstracts(tmp_path):
    content = "7|t|Only a title here\n7\t7\t12\ttitle\tX\n\n8|t|Empty abstract\n8|a|\n\n9|t|Next\n9|a|Body\n"
    first, second, third = read_file(write(tmp_path, content)).documents
    assert (first.text, second.text, third.text) == ("Only a title here", "Empty abstract", "Next Body")
    out = tmp_path / "out.pubtator"
    write_file([first, second, third], out, "pubtator")
    assert [d.text for d in read_file(out).documents] == [first.text, second.text, third.text]
    assert "7|a|\n" in out.read_text(encoding="utf-8")


def test_crlf_line_ends_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    assert detect_format(path) == "pubtator"
    result = read_file(path)
    assert [d.name for d in result.documents] == ["1000001", "1000002", "1000003"]
    assert result.documents[0].text == f"{TITLE_1} {ABSTRACT_1}"
    assert sum(len(d.spans) for d in result.documents) == 14


def test_cjk_and_emoji_offsets_are_code_points_and_utf16_ones_are_converted(tmp_path):
    title, abstract = "北京😀医院的病例", "患者出现头痛😀和发热。"
    text = f"{title} {abstract}"
    assert text[13:15] == "头痛" and text[17:19] == "发热"
    path = write(tmp_path, f"42|t|{title}\n42|a|{abstract}\n42\t13\t15\t头痛\tSymptom\t\n42\t19\t21\t发热\tSymptom\t\n")
    result = read_file(path)
    assert [(s.start, s.end) for s in result.documents[0].spans] == [(13, 15), (17, 19)]
    assert any("1 span had UTF-16 offsets" in w and "line 4" in w for w in result.warnings)
    out = tmp_path / "out.pubtator"
    write_file(result.documents, out, "pubtator")
    assert "42\t17\t19\t发热\tSymptom\t\n" in out.read_text(encoding="utf-8")
    assert read_file(out).documents[0].spans == result.documents[0].spans


def test_writing_documents_that_never_were_pubtator(tmp_path):
    documents = [
        Document("Aspirin\tcauses\r\nulcers.", [Span(0, 7, "Chemical"), Span(16, 22, "Disease"),
                                                 Span(0, 7, "Disease", PRED, 0.9, "m1")], name="notes-1"),
        Document("Heparin and bleeding.", [Span(0, 7, "Chemical")], name="12345"),
        Document("One more.", name=None),
    ]
    out = tmp_path / "out.pubtator"
    warnings = write_file(documents, out, "pubtator")
    assert any("1 predicted span was not written" in w for w in warnings)
    assert any("2 documents have no PMID as name" in w for w in warnings)
    assert any("1 document had line breaks or tabs" in w for w in warnings)
    content = out.read_text(encoding="utf-8")
    assert content.startswith("1|t|Aspirin causes  ulcers.\n1|a|\n1\t0\t7\tAspirin\tChemical\t-1\n")
    back = read_file(out).documents
    assert [d.name for d in back] == ["1", "12345", "2"]
    assert [s.key for s in back[0].spans] == [(0, 7, "Chemical"), (16, 22, "Disease")]
    assert back[0].text == "Aspirin causes  ulcers." and back[1].text == documents[1].text
    preds = tmp_path / "pred.pubtator"
    write_file(documents, preds, "pubtator", source="pred")
    assert [len(d.spans) for d in read_file(preds).documents] == [1, 0, 0]


def test_nested_and_overlapping_spans_go_out_and_come_back(tmp_path):
    doc = Document("adenomatous polyposis coli tumour", [Span(0, 26, "Disease"), Span(0, 33, "Gene"),
                                                          Span(12, 33, "X")], name="9")
    out = tmp_path / "nested.pubtator"
    write_file([doc], out, "pubtator")
    assert sorted(s.key for s in read_file(out).documents[0].spans) == sorted(s.key for s in doc.spans)


def test_detection_needs_two_lines_that_agree(tmp_path):
    assert detect_format(write(tmp_path, SAMPLE, "ncbi.txt")) == "pubtator"
    assert detect_format(write(tmp_path, SAMPLE, "BioRED.PubTator")) == "pubtator"
    assert detect_format(write(tmp_path, "12|t|Title only\n12\t0\t5\tTitle\tX\t\n", "a.txt")) == "pubtator"
    assert detect_format(write(tmp_path, "", "empty.pubtator")) == "pubtator"
    for plain in ["Config|t|value is a pipe table\nnext line\n", "a|t|b\nc|a|d\n", "x|t|y\n",
                  "1|t|Title\n1\tnot\tan annotation\n", "one line of prose\n"]:
        assert not looks_like_pubtator(plain), plain
        assert detect_format(write(tmp_path, plain, "plain.txt")) == "text", plain


# -- fuzz ---------------------------------------------------------------------------------------------

ALPHABET = st.sampled_from(list("ab cd|XY北京😀\u200d\t\n-") + ["|t|", "|a|"])
one_line = st.text(st.sampled_from(list("ab cdé北京😀\u200d|-.")), max_size=20)


@st.composite
def documents(draw) -> Document:
    title, abstract = draw(one_line), draw(one_line)
    text = f"{title} {abstract}" if abstract else title
    spans = set()
    for _ in range(draw(st.integers(0, 4))):
        if len(text) < 1:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.add(Span(start, end, draw(st.sampled_from(["Gene", "Disease", "A B"]))))
    name = draw(st.sampled_from([None, "123", "PMC9", "x"]))
    return Document(text, sorted(spans, key=lambda s: s.key), name=name, meta={TITLE_LENGTH: len(title)})


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=3))
def test_written_documents_read_back_with_their_texts_and_spans(docs):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pubtator"
        write_file(docs, out, "pubtator")
        back = read_file(out, "pubtator").documents
    assert [d.text for d in back] == [d.text for d in docs]
    assert [sorted(s.key for s in d.spans) for d in back] == [sorted(s.key for s in d.spans) for d in docs]


LINE_PIECES = st.sampled_from(["1", "2", "|t|", "|a|", "\t", "0", "5", "99", "Title", "北京😀", "X", "-1",
                               "\r", "\n", "\n\n", " ", "\ufeff", "D01|D02", "CID", "9" * 40])


@SETTINGS
@given(st.lists(LINE_PIECES, max_size=40), st.booleans())
def test_hostile_lines_are_refused_clearly_or_read_right(pieces, detect):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.txt"
        path.write_text("1|t|Title 北京😀\n1|a|X\n" + "".join(pieces), encoding="utf-8")
        try:
            result = read_file(path, None if detect else "pubtator")
        except NerdeskError as error:
            assert error.code and str(error).strip() and error.code != "E118", str(error)
            return
    for doc in result.documents:
        doc.validate()


def test_files_saved_with_a_byte_order_mark_and_joined(tmp_path):
    """``cat a.pubtator b.pubtator`` of files saved with a mark: the second PMID was read as '\\ufeff456'."""
    one = "\ufeff123|t|Aspirin helps.\n123|a|It does.\n123\t0\t7\tAspirin\tChemical\tD001241\n\n"
    two = "\ufeff456|t|Ibuprofen too.\n456|a|Yes.\n456\t0\t9\tIbuprofen\tChemical\tD007052\n\n"
    path = tmp_path / "joined.pubtator"
    path.write_text(one + two, encoding="utf-8")
    docs = read_file(path).documents
    assert [(d.name, d.text, [s.mention(d.text) for s in d.spans]) for d in docs] == [
        ("123", "Aspirin helps. It does.", ["Aspirin"]), ("456", "Ibuprofen too. Yes.", ["Ibuprofen"])]
