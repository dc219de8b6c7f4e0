"""Behaviour of each format on small hand-written files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, ImportProblems
from nerdesk.core.spans import GOLD, PRED, Span
from nerdesk.formats import read_file, read_files, write_file


def put(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


# -- CoNLL -------------------------------------------------------------------------------------------

def test_conll_nested_columns(tmp_path: Path) -> None:
    doc = Document("北京大学医院", [Span(0, 6, "ORG"), Span(0, 4, "ORG"), Span(0, 2, "LOC")])
    path = tmp_path / "n.bio"
    assert write_file([doc], path, "conll", level="char") == []
    # tab-separated, the outermost level in the last column (what spacy convert and CoNLL-2003 readers read)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "北\tB-LOC\tB-ORG\tB-ORG", "京\tI-LOC\tI-ORG\tI-ORG", "大\tO\tI-ORG\tI-ORG", "学\tO\tI-ORG\tI-ORG",
        "医\tO\tO\tI-ORG", "院\tO\tO\tI-ORG", ""]
    back = read_file(path)
    assert sorted(s.key for s in back.documents[0].spans) == sorted(s.key for s in doc.spans)


def test_conll_flat_warns(tmp_path: Path) -> None:
    doc = Document("北京大学医院", [Span(0, 6, "ORG"), Span(0, 4, "ORG"), Span(0, 2, "LOC")])
    warnings = write_file([doc], tmp_path / "f.bio", "conll", level="char", flat=True)
    assert warnings == ["2 nested or overlapping spans were dropped to fit one tag column (the outermost spans were kept)"]
    assert [s.key for s in read_file(tmp_path / "f.bio").documents[0].spans] == [(0, 6, "ORG")]


@pytest.mark.parametrize(("scheme", "tags"), [
    ("bio", ["B-PER", "I-PER", "I-PER", "O", "B-LOC"]),
    ("iob2", ["B-PER", "I-PER", "I-PER", "O", "B-LOC"]),
    ("bioes", ["B-PER", "I-PER", "E-PER", "O", "S-LOC"]),
    ("bmes", ["B-PER", "M-PER", "E-PER", "O", "S-LOC"]),
])
def test_conll_schemes(tmp_path: Path, scheme: str, tags: list[str]) -> None:
    doc = Document("张小明在京", [Span(0, 3, "PER"), Span(4, 5, "LOC")])
    path = tmp_path / "s.txt"
    write_file([doc], path, "conll", scheme=scheme, level="char")
    assert [line.split()[1] for line in path.read_text(encoding="utf-8").splitlines() if line] == tags
    assert sorted(s.key for s in read_file(path, "conll").documents[0].spans) == [(0, 3, "PER"), (4, 5, "LOC")]


def test_conll_token_level_with_other_columns(tmp_path: Path) -> None:
    path = put(tmp_path / "eng.conll", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"
                                       "German JJ B-NP B-MISC\ncall NN I-NP O\n.\t.\tO\tO\n\n"
                                       "Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n")
    result = read_file(path)
    assert [d.text for d in result.documents] == ["EU rejects German call .", "Peter Blackburn"]
    assert [[(s.mention(d.text), s.label) for s in d.spans] for d in result.documents] == [
        [("EU", "ORG"), ("German", "MISC")], [("Peter Blackburn", "PER")]]


def test_conll_token_level_writing(tmp_path: Path) -> None:
    doc = Document("IL-2  gene expression\r\nin T cells", [Span(0, 10, "DNA"), Span(0, 4, "protein"),
                                                          Span(26, 33, "cell_type"), Span(1, 3, "X")])
    warnings = write_file([doc], tmp_path / "t.conll", "conll", level="token")
    assert any(w.startswith("1 span does not start and end on token boundaries (or covers only whitespace) and "
                            "was dropped") for w in warnings)
    assert any("whitespace was replaced by single spaces" in w for w in warnings)
    back = read_file(tmp_path / "t.conll").documents[0]
    assert back.text == "IL-2 gene expression in T cells"
    assert sorted((s.mention(back.text), s.label) for s in back.spans) == [
        ("IL-2", "protein"), ("IL-2 gene", "DNA"), ("T cells", "cell_type")]


def test_conll_reports_bad_lines(tmp_path: Path) -> None:
    path = put(tmp_path / "bad.bio", "北 B-LOC\n京\n上 B-LOC X-LOC\n")
    with pytest.raises(ImportProblems) as error:
        read_file(path)
    assert {p.line for p in error.value.problems} >= {2, 3}


# -- brat --------------------------------------------------------------------------------------------

def test_brat_directory(tmp_path: Path) -> None:
    put(tmp_path / "a.txt", "北京大学 in Beijing\nSecond line")
    ann = ("T1\tORG 0 4\t北京大学\nT2\tLOC 0 2\t北京\nT3\tLOC 8 15\tBeijing\n"
           "T4\tLOC 8 10;11 15\tBe jing\nR1\tIn Arg1:T1 Arg2:T3\n#1\tAnnotatorNotes T1\tnote\n"
           "T5\tSPAN 14 22\tg Second\n")
    put(tmp_path / "b.txt", "no annotations")
    put(tmp_path / "a.ann", ann.replace("g Second", "g_Second"))
    with pytest.raises(ImportProblems, match="g_Second") as caught:
        read_file(tmp_path)
    assert caught.value.code == "E100"
    put(tmp_path / "a.ann", ann)  # brat writes a line break inside a mention as a space
    result = read_file(tmp_path)
    assert result.format == "brat"
    docs = {d.name: d for d in result.documents}
    assert sorted((s.mention(docs["a"].text), s.label) for s in docs["a"].spans) == [
        ("Beijing", "LOC"), ("g\nSecond", "SPAN"), ("北京", "LOC"), ("北京大学", "ORG")]
    assert docs["b"].spans == []
    assert any("1 discontinuous span (START END;START END) is not shown" in w for w in result.warnings)
    assert not any("skipped: nerdesk keeps T lines" in w for w in result.warnings)
    assert [entry["kind"] for entry in docs["a"].meta["brat"]] == ["T", "R", "#"]  # T4 in pieces; about T1, T3
    assert any("1 .txt file has no .ann beside it" in w for w in result.warnings)


def test_brat_writing(tmp_path: Path) -> None:
    docs = [Document("北京\r\nis big", [Span(0, 4, "LOC"), Span(0, 2, "City Name"), Span(5, 7, "LOC", PRED, 0.5),
                                      Span(0, 4, "LOC", PRED, 0.9)], name="doc/one")]  # the last: gold's twin
    out = tmp_path / "brat"
    warnings = write_file(docs, out, "brat")
    assert any("1 predicted span was not written" in w for w in warnings)  # a twin of a written span is not lost
    assert any("1 span has a label with spaces" in w for w in warnings)
    assert any("1 span begins or ends with a line break or tab: written without it" in w for w in warnings)
    assert (out / "doc_one.txt").read_bytes() == "北京\r\nis big".encode()
    assert (out / "doc_one.ann").read_text(encoding="utf-8") == "T1\tLOC 0 2\t北京\nT2\tCity_Name 0 2\t北京\n"
    assert "City_Name" in (out / "annotation.conf").read_text(encoding="utf-8")
    back = read_file(out)
    assert sorted(s.key for s in back.documents[0].spans) == [(0, 2, "City_Name"), (0, 2, "LOC")]


def brat_accepts(text: str, ann: str) -> bool:
    """brat's own rule (server/src/annotation.py, _parse_textbound_annotation): one line per annotation, and a
    T line's mention is the text of its pieces joined by a space."""
    for line in ann.splitlines():
        _, kind_offsets, mention = line.split("\t", 2)
        pieces = [piece.split(" ") for piece in kind_offsets.split(" ", 1)[1].split(";")]
        if mention != " ".join(text[int(start):int(end)] for start, end in pieces):
            return False
    return len(ann.split("\n")) == len(ann.splitlines()) + 1  # no \r or other break inside a line


def test_brat_writes_a_span_across_lines_in_pieces_as_brat_does_and_reads_it_back(tmp_path: Path) -> None:
    text = "Name:\tJohn Smith\r\nNew\u2028York 👩‍👩‍👧 City.\nNext"
    spans = [Span(0, 16, "FIELD"), Span(11, 27, "CROSS"), Span(18, 41, "PLACE"), Span(22, 38, "CITY")]
    warnings = write_file([Document(text, spans, name="a")], tmp_path / "out", "brat")
    ann = (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")
    assert brat_accepts(text, ann), ann
    assert "T2\tCROSS 11 16;18 21;22 27\tSmith New York" in ann
    assert warnings == []
    back = read_file(tmp_path / "out").documents[0]
    assert back.text == text and sorted(s.key for s in back.spans) == sorted(s.key for s in spans)


def test_brat_reads_event_triggers_as_events_not_entities(tmp_path: Path) -> None:
    put(tmp_path / "d.txt", "Alice visited Paris.")
    put(tmp_path / "d.ann", "T1\tPER 0 5\tAlice\nT2\tLOC 14 19\tParis\nT6\tTravel 6 13\tvisited\n"
                            "E1\tTravel:T6 Agent:T1 Destination:T2\n")
    result = read_file(tmp_path)
    assert sorted(s.label for s in result.documents[0].spans) == ["LOC", "PER"]
    assert "1 event trigger (a T line an E line names) was skipped: it marks an event, not an entity" in result.warnings


# -- doccano -----------------------------------------------------------------------------------------

def test_doccano_counts_utf16(tmp_path: Path) -> None:
    path = put(tmp_path / "d.jsonl", json.dumps({"id": 7, "text": "😀北京👩‍👩‍👧上海",
                                                 "label": [[2, 4, "LOC"], [12, 14, "LOC"], [4, 12, "FAM"]]},
                                                ensure_ascii=False) + "\n")
    result = read_file(path)
    assert result.format == "doccano"
    doc = result.documents[0]
    assert sorted((s.mention(doc.text), s.label) for s in doc.spans) == [
        ("上海", "LOC"), ("北京", "LOC"), ("👩‍👩‍👧", "FAM")]
    assert doc.meta == {"id": 7}
    write_file(result.documents, tmp_path / "o.jsonl", "doccano")
    record = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert record["id"] == 7 and sorted(record["label"]) == [[2, 4, "LOC"], [4, 12, "FAM"], [12, 14, "LOC"]]


def test_doccano_entities_and_surrogate_errors(tmp_path: Path) -> None:
    path = put(tmp_path / "e.jsonl", json.dumps({"text": "😀ab", "entities": [
        {"id": 1, "label": "X", "start_offset": 2, "end_offset": 4}], "relations": []}) + "\n")
    assert read_file(path, "doccano").documents[0].spans[0].key == (1, 3, "X")
    put(path, json.dumps({"text": "😀ab", "label": [[1, 3, "X"]]}) + "\n")
    with pytest.raises(ImportProblems, match="surrogate pair") as caught:
        read_file(path, "doccano")
    assert caught.value.code == "E100"


# -- Label Studio ------------------------------------------------------------------------------------

def test_label_studio_annotations_and_predictions(tmp_path: Path) -> None:
    tasks = [{
        "id": 3, "data": {"text": "😀北京欢迎你", "lang": "zh"},
        "annotations": [{"result": [{"type": "labels", "from_name": "label", "to_name": "text",
                                     "value": {"start": 1, "end": 3, "text": "北京", "labels": ["LOC"]}},
                                    {"type": "choices", "value": {"choices": ["news"]}}]},
                        {"was_cancelled": True, "result": []}],
        "predictions": [{"model_version": "m7", "score": 0.5, "result": [
            {"type": "labels", "score": 0.9, "value": {"start": 2, "end": 4, "text": "北京", "labels": ["GPE"]}},
            {"type": "labels", "value": {"start": 4, "end": 6, "text": "欢迎", "labels": ["X"]}}]}],
    }]
    path = put(tmp_path / "ls.json", json.dumps(tasks, ensure_ascii=False))
    result = read_file(path)
    assert result.format == "label-studio"
    doc = result.documents[0]
    assert [(s.key, s.source, s.score, s.model_version) for s in doc.gold] == [((1, 3, "LOC"), GOLD, None, None)]
    # the second prediction used UTF-16 offsets (2..4 in UTF-16 is 北京), accepted because only they match
    assert [(s.key, s.score, s.model_version) for s in doc.predictions] == [
        ((1, 3, "GPE"), 0.9, "m7"), ((3, 5, "X"), 0.5, "m7")]
    assert doc.meta == {"id": 3, "data": {"lang": "zh"},  # the X result took its prediction's score
                        "label_studio": {"unscored_results": [[3, 5, "X", "m7"]]}}
    assert any("UTF-16" in w for w in result.warnings)
    assert any("cancelled" in w for w in result.warnings)
    assert "1 result that is not a text span (choices, relations, ...) was skipped" in result.warnings
    write_file(result.documents, tmp_path / "again.json", "label-studio")
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))[0]
    assert again["id"] == 3 and again["data"] == {"lang": "zh", "text": "😀北京欢迎你"}
    assert again["predictions"][0]["model_version"] == "m7"
    assert [result.get("score") for result in again["predictions"][0]["result"]] == [0.9, None]


# -- text --------------------------------------------------------------------------------------------

def test_text_lines_and_paragraphs(tmp_path: Path) -> None:
    path = put(tmp_path / "p.txt", "first line\r\nsecond line\r\n\r\n  \nthird\n")
    path.write_bytes(b"first line\r\nsecond line\r\n\r\n  \nthird\n")
    assert [d.text for d in read_file(path).documents] == ["first line", "second line", "third"]
    assert [d.text for d in read_file(path, split="paragraph").documents] == ["first line\r\nsecond line", "third"]
    assert [d.text for d in read_file(path, split="document").documents] == [
        "first line\r\nsecond line\r\n\r\n  \nthird\n"]


# -- corpora -----------------------------------------------------------------------------------------

def test_cluener_mention_mismatch_and_inclusive_end(tmp_path: Path) -> None:
    path = put(tmp_path / "c.json", '{"text": "浙商银行企业信贷部", "label": {"company": {"浙商银行": [[0, 3]]}}}\n')
    assert read_file(path).documents[0].spans[0].key == (0, 4, "company")
    put(path, '{"text": "浙商银行企业信贷部", "label": {"company": {"浙商银行": [[0, 4]]}}}\n')
    with pytest.raises(ImportProblems, match="浙商银行企") as caught:
        read_file(path)
    assert caught.value.code == "E100"


def test_cmeee_keeps_extra_keys(tmp_path: Path) -> None:
    path = put(tmp_path / "m.json", json.dumps([{"id": "x1", "text": "头痛", "entities": [
        {"start_idx": 0, "end_idx": 1, "type": "sym", "entity": "头痛"}]}], ensure_ascii=False))
    result = read_file(path)
    assert result.format == "cmeee" and result.documents[0].meta == {"id": "x1"}
    write_file(result.documents, tmp_path / "o.json", "cmeee")
    assert json.loads((tmp_path / "o.json").read_text(encoding="utf-8")) == json.loads(path.read_text("utf-8"))


def test_spacy_prodigy_records(tmp_path: Path) -> None:
    path = put(tmp_path / "s.jsonl", json.dumps({
        "text": "Apple buys U.K. startup", "_input_hash": 1, "answer": "accept",
        "tokens": [{"text": "Apple", "start": 0, "end": 5, "id": 0}],
        "spans": [{"start": 0, "end": 5, "label": "ORG", "token_start": 0, "token_end": 0, "text": "Apple"},
                  {"start": 11, "end": 15, "label": "GPE"}]}) + "\n")
    result = read_file(path)
    assert result.format == "spacy"
    doc = result.documents[0]
    assert [(s.mention(doc.text), s.label) for s in doc.spans] == [("Apple", "ORG"), ("U.K.", "GPE")]
    assert doc.status == "reviewed"  # answer accept: reviewed
    assert doc.meta == {"_input_hash": 1, "tokens": [{"text": "Apple", "start": 0, "end": 5, "id": 0}]}  # Prodigy's


def test_a_folder_of_conll_txt_files_is_not_taken_for_brat_texts(tmp_path: Path) -> None:
    # A CoNLL corpus as many repositories keep it: the folder was imported as three brat documents whose text
    # was the "TOKEN TAG" lines, with only a warning that the .txt files had no .ann.
    conll = "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n\n"
    for name in ("train.txt", "valid.txt", "test.txt"):
        put(tmp_path / name, conll)
    with pytest.raises(FormatError, match=r"\.txt files are conll .*nerdesk import PROJECT .*\*\.txt") as caught:
        read_file(tmp_path)
    assert caught.value.code == "E124"
    assert sum(len(d.spans) for d in read_files(sorted(tmp_path.glob("*.txt"))).documents) == 9
    (tmp_path / "plain").mkdir()
    put(tmp_path / "plain" / "a.txt", "Ann met Bob in Paris.\n")  # plain texts still make a collection to annotate
    assert [d.text for d in read_file(tmp_path / "plain").documents] == ["Ann met Bob in Paris.\n"]


def test_brat_types_are_named_as_brat_reads_annotation_conf(tmp_path: Path) -> None:
    # brat keeps only a-z, A-Z, 0-9, _ and - of a type's name in annotation.conf ("ORG.Commercial" becomes
    # "ORG_Commercial"), so a .ann naming "ORG.Commercial" pointed at a type brat did not have.
    text = "Acme hired Ann in Oslo"
    doc = Document(text=text, spans=[Span(0, 4, "ORG.Commercial"), Span(11, 14, "PER/Individual"),
                                     Span(18, 22, "地名")])
    warnings = write_file([doc], tmp_path / "out", "brat")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert conf.startswith("[entities]\nORG_Commercial\nPER_Individual\n地名\n")
    ann = (tmp_path / "out" / "doc00001.ann").read_text(encoding="utf-8")
    assert [line.split("\t")[1].split(" ")[0] for line in ann.splitlines()] == [
        "ORG_Commercial", "PER_Individual", "地名"]
    assert any("2 spans have labels with spaces or other characters" in w for w in warnings)
    assert any("1 label (地名) has letters beyond ASCII" in w for w in warnings)
