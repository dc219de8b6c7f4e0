"""CoNLL export options on real corpora: schemes, levels, stored tokens, mixed scripts, the CLI."""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main
from nerdesk.core.document import Document
from nerdesk.core.errors import NerdeskError
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file
from tests.conftest import dataset_file


def test_format_names_write_their_scheme(tmp_path):
    doc = Document("北京大学在海淀", [Span(0, 4, "ORG"), Span(4, 5, "X")])
    tags = {}
    for name in ("bio", "iob2", "bioes", "bmes"):
        write_file([doc], tmp_path / f"o.{name}", name)
        tags[name] = [line.split("\t")[-1] for line in (tmp_path / f"o.{name}").read_text("utf-8").split("\n")[:5]]
    assert tags["bio"] == tags["iob2"] == ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "B-X"]
    assert tags["bioes"] == ["B-ORG", "I-ORG", "I-ORG", "E-ORG", "S-X"]
    assert tags["bmes"] == ["B-ORG", "M-ORG", "M-ORG", "E-ORG", "S-X"]


def test_out_suffix_names_the_scheme_and_a_conflict_is_refused(tmp_path):
    doc = Document("北京", [Span(0, 2, "LOC")])
    write_file([doc], tmp_path / "o.bmes", "conll")
    assert (tmp_path / "o.bmes").read_text("utf-8").split("\n")[1] == "京\tE-LOC"
    with pytest.raises(NerdeskError, match="pass --format conll with --scheme") as caught:
        write_file([doc], tmp_path / "x.bio", "bmes", scheme="bio")
    assert caught.value.code == "E115"


def test_resume_bmes_round_trips_through_the_cli(tmp_path, capsys):
    source = dataset_file("resume_ner", "dev.char.bmes")
    project = tmp_path / "resume.nerdesk"
    assert main(["import", str(project), str(source)]) == 0
    out = tmp_path / "again.bmes"
    assert main(["export", str(project), "--format", "bmes", "--out", str(out), "--level", "char",
                 "--separator", "space"]) == 0
    assert out.read_text("utf-8").split() == source.read_text("utf-8").split()


def test_genia_token_level_uses_stored_tokens(tmp_path):
    result = read_file(dataset_file("genia", "dev.jsonl"))
    spans = sum(len(d.spans) for d in result.documents)
    warnings = write_file(result.documents, tmp_path / "genia.conll", "conll", level="token")
    dropped = next((int(w.split()[0]) for w in warnings if "do not start and end on token" in w), 0)
    assert dropped == 0, warnings  # whitespace tokens lost a third (1,570 of 4,714)
    back = read_file(tmp_path / "genia.conll", level="token").documents
    assert len(back) == len(result.documents)
    assert sum(len(d.spans) for d in back) == spans - dropped


def test_mixed_chinese_and_english_auto_level_keeps_every_span(tmp_path):
    docs = [Document("我在 Google 北京分部 工作", [Span(3, 9, "ORG"), Span(10, 12, "LOC"), Span(10, 14, "ORG")]),
            Document("He joined 腾讯 in 2019", [Span(10, 12, "ORG"), Span(16, 20, "DATE")])]
    warnings = write_file(docs, tmp_path / "mixed.bio", "conll")
    assert not any("were dropped" in w for w in warnings), warnings
    back = read_file(tmp_path / "mixed.bio").documents
    assert [sorted((s.mention(d.text), s.label) for s in d.spans) for d in back] == [
        sorted([("Google", "ORG"), ("北京", "LOC"), ("北京分部", "ORG")]), sorted([("腾讯", "ORG"), ("2019", "DATE")])]


def test_export_cli_flat_and_nested_layout(tmp_path, capsys):
    source = tmp_path / "n.jsonl"
    source.write_text(json.dumps({"text": "北京大学医院", "spans": [
        {"start": 0, "end": 6, "label": "ORG"}, {"start": 0, "end": 2, "label": "LOC"}], "status": "new"},
        ensure_ascii=False) + "\n", encoding="utf-8")
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), str(source)]) == 0
    assert main(["export", str(project), "--format", "conll", "--out", str(tmp_path / "n.bio")]) == 0
    assert (tmp_path / "n.bio").read_text("utf-8").split("\n")[0] == "北\tB-LOC\tB-ORG"
    capsys.readouterr()
    assert main(["export", str(project), "--format", "bioes", "--flat", "--out", str(tmp_path / "f.bioes")]) == 0
    assert "1 nested or overlapping span was dropped" in capsys.readouterr().err
    assert (tmp_path / "f.bioes").read_text("utf-8").split("\n")[5] == "院\tE-ORG"


CHUNK_NER = """EU B-NP B-ORG
rejects B-VP O
German B-NP B-MISC
call I-NP O
to B-VP O
boycott I-VP O
British B-NP B-MISC
lamb I-NP O
. O O

The B-NP O
European I-NP B-ORG
Commission I-NP I-ORG
said B-VP O
on B-PP O
Thursday B-NP O
until B-SBAR O
"""


def test_a_chunk_column_is_not_read_as_entities(tmp_path):
    # token chunk NER: every column parses as a tag, and B-NP, I-VP... were read as a nested entity level.
    path = tmp_path / "chunk_ner.conll"
    path.write_text(CHUNK_NER, encoding="utf-8")
    result = read_file(path)
    assert [[(s.mention(d.text), s.label) for s in d.spans] for d in result.documents] == [
        [("EU", "ORG"), ("German", "MISC"), ("British", "MISC")], [("European Commission", "ORG")]]
    assert any("syntactic chunks" in warning for warning in result.warnings)


def test_nested_entity_columns_are_all_read(tmp_path):
    path = tmp_path / "nested.conll"
    path.write_text("北 B-LOC B-ORG\n京 I-LOC I-ORG\n大 O I-ORG\n学 O I-ORG\n", encoding="utf-8")
    assert sorted(s.key for s in read_file(path).documents[0].spans) == [(0, 2, "LOC"), (0, 4, "ORG")]


def test_auto_level_cuts_a_word_a_span_ends_in_instead_of_writing_characters(tmp_path):
    # One span ending inside "York." made the whole English export one character per row.
    docs = [Document("I moved to New York.", [Span(11, 19, "LOC")]), Document("Paris is nice", [Span(0, 5, "LOC")])]
    warnings = write_file(docs, tmp_path / "en.bio", "conll")
    rows = (tmp_path / "en.bio").read_text("utf-8").split("\n")
    assert rows[:6] == ["I\tO", "moved\tO", "to\tO", "New\tB-LOC", "York\tI-LOC", ".\tO"]
    assert any("1 word was cut where a span starts or ends inside it" in w for w in warnings)
    assert not any("whitespace" in w for w in warnings), warnings  # single spaces only: nothing to blame them for
    back = read_file(tmp_path / "en.bio").documents
    assert [d.text for d in back] == ["I moved to New York .", "Paris is nice"]
    assert [[(s.mention(d.text), s.label) for s in d.spans] for d in back] == [[("New York", "LOC")], [("Paris", "LOC")]]


def test_auto_level_keeps_characters_for_text_without_spaces(tmp_path):
    docs = [Document("北京大学在海淀", [Span(0, 4, "ORG"), Span(0, 2, "LOC")])]
    assert write_file(docs, tmp_path / "zh.bio", "conll") == []
    assert (tmp_path / "zh.bio").read_text("utf-8").split("\n")[:2] == ["北\tB-LOC\tB-ORG", "京\tI-LOC\tI-ORG"]
    assert read_file(tmp_path / "zh.bio").documents[0].text == "北京大学在海淀"


def test_auto_level_weighs_mentions_that_would_lose_their_spaces(tmp_path):
    # Character level keeps the nested 中国 but writes "São Paulo" as "SãoPaulo" and "New York" as "NewYork";
    # token level drops only 中国 (inside the word 中国人民银行, which is not cut inside a span).
    docs = [Document("Zoë met Ana in São Paulo.", [Span(0, 3, "PER"), Span(15, 24, "LOC")]),
            Document("中国人民银行在北京", [Span(0, 6, "ORG"), Span(0, 2, "LOC"), Span(7, 9, "LOC")]),
            Document("Back in New York.", [Span(8, 16, "LOC")])]
    warnings = write_file(docs, tmp_path / "mixed.bio", "conll")
    assert any("1 span does not start and end on token boundaries" in w for w in warnings)
    back = read_file(tmp_path / "mixed.bio").documents
    assert [sorted((s.mention(d.text), s.label) for s in d.spans) for d in back] == [
        [("São Paulo", "LOC"), ("Zoë", "PER")], [("中国人民银行", "ORG"), ("北京", "LOC")], [("New York", "LOC")]]


def test_germeval_comment_lines_and_token_numbers_are_not_read_as_text(tmp_path):
    # GermEval 2014 (davidsbatista/NER-datasets): "#<TAB>url<TAB>[date]" then "index token outer inner". The
    # comments made the file unknown (E102) or bad tags (E110); without them the numbers became the text.
    path = tmp_path / "NER-de-dev.tsv"
    path.write_text("#\thttp://www.heise.de/tp/r4/artikel/32/32883/1.html\t[2010-07-04]\n"
                    "1\tGleich\tO\tO\n2\tdarauf\tO\tO\n3\tEcce\tB-OTH\tO\n4\thomo\tI-OTH\tO\n5\tJesu\tB-PER\tO\n"
                    "6\t#\tO\tO\n7\t.\tO\tO\n\n# text = a second sentence\n1\tBerlin\tB-LOC\tO\n", encoding="utf-8")
    result = read_file(path)
    assert [d.text for d in result.documents] == ["Gleich darauf Ecce homo Jesu # .", "Berlin"]
    assert sorted((s.mention(d.text), s.label) for d in result.documents for s in d.spans) == [
        ("Berlin", "LOC"), ("Ecce homo", "OTH"), ("Jesu", "PER")]
    assert any(w.startswith("2 comment lines (# first, no tag last) were skipped") for w in result.warnings)
    assert any("numbers the tokens" in w for w in result.warnings)
