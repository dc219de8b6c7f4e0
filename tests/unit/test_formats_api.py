"""The public API of nerdesk.formats: detection, all-or-nothing imports, atomic writes, options."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError
from nerdesk.core.labels import LabelSet
from nerdesk.core.spans import PRED, Span
from nerdesk.formats import (
    FORMATS,
    ImportResult,
    detect,
    detect_format,
    read_file,
    read_files,
    registry,
    write_file,
)

DOCS = [
    Document("北京医院😀是一家医院", [Span(0, 4, "ORG"), Span(0, 2, "LOC"), Span(2, 4, "ORG", PRED, 0.75, "v1")],
             name="one", meta={"source": "unit"}, status="reviewed"),
    Document("GENIA style text with IL-2 gene", [Span(22, 31, "DNA"), Span(22, 26, "protein")], name="two"),
]
EXPECTED_NAMES = {
    "nerdesk-json": "out.json", "jsonl": "out.jsonl", "text": "out.txt", "cluener": "out.json",
    "cmeee": "out.json", "genia": "out.jsonl", "conll": "out.bio", "brat": "outdir", "doccano": "out.jsonl",
    "label-studio": "out.json", "spacy": "out.jsonl", "spacy-v2": "out.json", "pubtator": "out.pubtator",
    "hf-tokens": "out.jsonl", "webanno-tsv": "outdir", "w2ner": "out.json", "dygie": "out.jsonl",
    "spert": "out.json", "boson": "out.txt",
}


def test_every_format_has_a_spec() -> None:
    assert set(FORMATS) == set(EXPECTED_NAMES)
    for name, spec in FORMATS.items():
        assert spec.name == name and callable(spec.reader) and callable(spec.writer)
        assert spec.description and spec.offsets and spec.keeps
        assert all(ext.startswith(".") for ext in spec.extensions)
    assert not FORMATS["nerdesk-json"].lossy and not FORMATS["jsonl"].lossy
    assert FORMATS["conll"].lossy and FORMATS["text"].lossy


@pytest.mark.parametrize("fmt", list(EXPECTED_NAMES))
def test_detect_what_was_written(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / EXPECTED_NAMES[fmt]
    write_file(DOCS, path, fmt)
    assert detect_format(path) == fmt
    result = read_file(path)
    assert isinstance(result, ImportResult) and result.format == fmt and result.encoding == "utf-8"
    assert len(result.documents) == 2


BARE = {"text": "Nothing here."}
SHOWING_THEIR_FORMAT = {
    "spacy": {"text": "Anna lives in Paris", "spans": [{"start": 0, "end": 4, "label": "PER"}]},
    "doccano": {"text": "Anna lives in Paris", "label": [[0, 4, "PER"]]},
    "cluener": {"text": "Anna lives in Paris", "label": {"PER": {"Anna": [[0, 3]]}}},
    "genia": {"text": "Anna lives in Paris", "entities": [{"start": 0, "end": 4, "type": "PER"}]},
}


@pytest.mark.parametrize("fmt", sorted(SHOWING_THEIR_FORMAT))
def test_a_file_that_starts_with_bare_texts_is_judged_by_its_first_annotated_record(tmp_path: Path, fmt: str) -> None:
    # A first record without spans fits every format; guessing from it alone read the file as CLUENER and
    # dropped the spans of the records after it without a word.
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [BARE, BARE, SHOWING_THEIR_FORMAT[fmt]]), "utf-8")
    assert detect_format(path) == fmt
    assert [len(doc.spans) for doc in read_file(path).documents] == [0, 0, 1]
    array = tmp_path / "mixed.json"
    array.write_text(json.dumps([BARE, {"text": "头痛", "entities": [
        {"start_idx": 0, "end_idx": 1, "type": "sym", "entity": "头痛"}]}], ensure_ascii=False), "utf-8")
    assert detect_format(array) == "cmeee"
    assert [len(doc.spans) for doc in read_file(array).documents] == [0, 1]


def test_a_file_of_bare_texts_only_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "bare.jsonl"
    path.write_text(json.dumps(BARE) + "\n" + json.dumps({"text": "More."}) + "\n", "utf-8")
    assert detect_format(path) == "cluener"
    assert [doc.text for doc in read_file(path).documents] == ["Nothing here.", "More."]


def test_detect_failures(tmp_path: Path) -> None:
    odd = tmp_path / "notes.xyz"
    odd.write_text("just some words\nand more", encoding="utf-8")
    empty = tmp_path / "empty.dat"
    empty.write_bytes(b"")
    attempts = {"E104": lambda: detect_format(tmp_path / "missing.json"), "E102": lambda: detect_format(odd),
                "E103": lambda: detect_format(empty), "E101": lambda: read_file(odd, "word")}
    for code, attempt in attempts.items():
        with pytest.raises(FormatError) as caught:
            attempt()
        assert caught.value.code == code, str(caught.value)


def test_format_aliases(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("北 B-LOC\n京 I-LOC\n", encoding="utf-8")
    assert detect_format(path) == "conll"  # CoNLL content in a .txt file
    assert read_file(path, "bio").format == "conll"


def test_nerdesk_json_layout(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    labels = LabelSet.from_names(["LOC", "ORG", "UNUSED"])
    assert write_file(DOCS, path, "nerdesk-json", labels=labels) == []
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "nerdesk" and data["version"] == 1
    assert data["offsets"] == "code points, end exclusive"
    assert data["labels"] == ["LOC", "ORG", "UNUSED", "DNA", "protein"]
    doc = data["documents"][0]
    assert set(doc) >= {"id", "name", "text", "status", "meta", "spans"}
    assert doc["spans"][0] == {"start": 0, "end": 4, "label": "ORG", "text": "北京医院", "source": "gold",
                               "score": None, "model_version": None}
    pred = [s for s in doc["spans"] if s["source"] == "pred"][0]
    assert (pred["score"], pred["model_version"]) == (0.75, "v1")
    result = read_file(path)
    assert result.labels == ["LOC", "ORG", "UNUSED", "DNA", "protein"]


def test_labels_in_first_seen_order(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "abc", "spans": [{"start": 1, "end": 2, "label": "Z"}]}\n'
                    '{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "A"}, '
                    '{"start": 2, "end": 3, "label": "Z"}]}\n', encoding="utf-8")
    assert read_file(path, "spacy").labels == ["Z", "A"]


def test_a_lone_file_problem_keeps_its_own_code(tmp_path: Path, capsys) -> None:
    from nerdesk.cli import main

    with pytest.raises(FormatError) as missing:
        read_files([tmp_path / "missing.json"])
    assert missing.value.code == "E104" and str(missing.value) == f"{tmp_path / 'missing.json'}: no such file or directory"
    odd = tmp_path / "odd.dat"
    odd.write_bytes(b"\x00\x01\x02")
    with pytest.raises(FormatError) as unknown:
        read_files([odd])
    assert unknown.value.code == "E102"
    assert main(["import", str(tmp_path / "p.nerdesk"), str(tmp_path / "missing.json")]) == 1
    assert capsys.readouterr().err.startswith(f"nerdesk: error E104: {tmp_path / 'missing.json'}: no such file")
    assert not (tmp_path / "p.nerdesk").exists()


def test_the_command_line_lists_each_bad_record_with_its_code(tmp_path: Path, capsys) -> None:
    from nerdesk.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"text": "ab", "label": {"X": {"ab": [[0, 5]]}}}\nnot json\n', encoding="utf-8")
    assert main(["import", str(tmp_path / "p.nerdesk"), str(bad), str(tmp_path / "missing.json")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "nerdesk: error E100: 3 bad records; nothing was imported:"
    assert [line.split()[0] for line in lines[1:]] == ["E003", "E111", "E104"]


def test_read_files_is_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    bad = tmp_path / "bad.json"
    good2 = tmp_path / "good2.jsonl"
    write_file(DOCS[:1], good, "cluener")
    write_file(DOCS[1:], good2, "spacy")
    bad.write_text('{"text": "abc", "label": {"X": {"abd": [[0, 2]]}}}\n{"text": 5}\n', encoding="utf-8")
    with pytest.raises(ImportProblems) as error:
        read_files([good, bad, tmp_path / "missing.json"])
    problems = error.value.problems
    assert len(problems) == 3
    assert {p.path for p in problems} == {str(bad), str(tmp_path / "missing.json")}
    assert error.value.code == "E100" and [p.code for p in problems] == ["E005", "E110", "E104"]
    merged = read_files([good, good2])
    assert [d.text for d in merged.documents] == [DOCS[0].text, DOCS[1].text]
    assert merged.labels == ["ORG", "LOC", "DNA", "protein"]
    assert merged.format == "cluener, spacy"


def test_writes_are_atomic(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_file(DOCS, path, "jsonl")
    before = path.read_bytes()
    broken = [Document("abc", meta={"x": object()})]
    with pytest.raises(FormatError) as caught:
        write_file(broken, path, "jsonl")
    assert caught.value.code == "E121"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary file left


def test_write_checks_options_and_spans(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no option") as caught:
        write_file(DOCS, tmp_path / "a.bio", "conll", schema="bio")
    assert caught.value.code == "E108"
    with pytest.raises(FormatError, match="scheme") as caught:
        write_file(DOCS, tmp_path / "a.bio", "conll", scheme="xyz")
    assert caught.value.code == "E108"
    with pytest.raises(FormatError) as caught:
        write_file([Document("ab", [Span(0, 5, "X")])], tmp_path / "a.json", "cluener")
    assert caught.value.code == "E114"
    with pytest.raises(FormatError, match="source") as caught:
        write_file(DOCS, tmp_path / "a.json", "cluener", source="both")
    assert caught.value.code == "E108"


def test_every_error_is_a_nerdesk_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    for content in ("[" * 100000, "[" * 100000 + "]" * 100000, '{"text": "' + "\\" * 3):
        path.write_text(content, encoding="utf-8")
        for fmt in FORMATS:
            if fmt == "text":
                continue  # any text is plain text
            with pytest.raises(NerdeskError):
                read_file(path, fmt)


def test_docs_describe_every_format() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "formats.md"
    sections = docs.read_text(encoding="utf-8").split("\n### ")[1:]
    for name in FORMATS:
        section = next((s for s in sections if f"`{name}`" in s.split("\n", 1)[0]), None)
        assert section is not None, f"docs/formats.md has no section for {name}"
        assert "Offsets" in section or "offsets" in section, name


def test_docs_carry_the_registry_table() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    table = docs.split("<!-- registry table: begin -->\n", 1)[1].split("\n<!-- registry table: end -->", 1)[0]
    assert table == registry.markdown_table(), "regenerate the table in docs/formats.md from the registry"


def test_each_module_declares_its_specs_and_the_registry_only_collects_them() -> None:
    declared = [spec for module in registry.MODULES for spec in module.SPECS]
    assert [spec.name for spec in declared] == list(FORMATS)
    assert all(FORMATS[spec.name] is spec for spec in declared)
    assert all(registry.resolve_format(alias) == name for alias, name in registry.ALIASES.items())
    assert not set(registry.ALIASES) & set(FORMATS)
    with pytest.raises(ValueError, match="declared twice"):
        registry.collect([*declared, replace(declared[0], name="other", aliases=("json",))])


def test_brat_pair_given_as_two_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("北京 is here", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tLOC 0 2\t北京\n", encoding="utf-8")
    result = read_files([tmp_path / "a.txt", tmp_path / "a.ann"])
    assert result.format == "brat" and len(result.documents) == 1
    assert result.documents[0].spans[0].key == (0, 2, "LOC")
    assert read_file(tmp_path / "a.ann").documents[0].text == "北京 is here"


def test_detect_a_json_array_with_a_long_first_record(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    text = "头痛" * 200_000
    path.write_text(json.dumps([{"text": text, "entities": [
        {"start_idx": 0, "end_idx": 1, "type": "sym", "entity": "头痛"}]}], ensure_ascii=False), encoding="utf-8")
    assert detect_format(path) == "cmeee"


PRODIGY_CORRECT = {  # what Prodigy's ner.correct writes: the model's spans name it in "source"
    "text": "Apple is in Cupertino", "_input_hash": 11, "_task_hash": 22,
    "tokens": [{"text": "Apple", "start": 0, "end": 5, "id": 0, "ws": True},
               {"text": "is", "start": 6, "end": 8, "id": 1, "ws": True},
               {"text": "in", "start": 9, "end": 11, "id": 2, "ws": True},
               {"text": "Cupertino", "start": 12, "end": 21, "id": 3, "ws": False}],
    "spans": [{"token_start": 0, "token_end": 0, "start": 0, "end": 5, "text": "Apple", "label": "ORG",
               "source": "en_core_web_sm", "input_hash": 11},
              {"token_start": 3, "token_end": 3, "start": 12, "end": 21, "text": "Cupertino", "label": "GPE"}],
    "_view_id": "ner_manual", "answer": "accept"}


@pytest.mark.parametrize("marker", ["answer", "_input_hash", "_task_hash", "tokens"])
def test_prodigy_records_whose_spans_name_a_model_are_prodigy(tmp_path: Path, marker: str) -> None:
    # Read as nerdesk JSONL they were refused: a model name is not a nerdesk span source.
    record = {"text": PRODIGY_CORRECT["text"], "spans": PRODIGY_CORRECT["spans"], marker: PRODIGY_CORRECT[marker]}
    path = tmp_path / "correct.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(PRODIGY_CORRECT) + "\n", "utf-8")
    assert detect_format(path) == "spacy"
    result = read_file(path)
    assert [s.key for s in result.documents[1].spans] == [(0, 5, "ORG"), (12, 21, "GPE")]


def test_nerdesk_records_are_told_by_status_or_a_gold_or_pred_source(tmp_path: Path) -> None:
    spans = [{"start": 0, "end": 4, "label": "PER"}]
    assert detect.classify_record({"text": "Anna", "spans": spans, "status": "new"}, in_array=False) == "jsonl"
    assert detect.classify_record({"text": "Anna", "spans": [{**spans[0], "source": "pred"}]},
                                  in_array=True) == "nerdesk-json"
    assert detect.classify_record({"text": "Anna", "spans": [{**spans[0], "source": "my_model"}]},
                                  in_array=False) == "spacy"


def test_a_doccano_relation_export_starting_with_a_record_without_entities(tmp_path: Path) -> None:
    empty = {"id": 1, "text": "Nothing here.", "entities": [], "relations": [], "Comments": []}
    assert detect.classify_record(empty, in_array=False) == "doccano"
    path = tmp_path / "relations.jsonl"
    path.write_text(json.dumps(empty) + "\n", "utf-8")
    assert detect_format(path) == "doccano"
    path.write_text(json.dumps(empty) + "\n" + json.dumps({
        "id": 2, "text": "Bob visited Rome.", "relations": [], "entities": [
            {"id": 20, "label": "PER", "start_offset": 0, "end_offset": 3}]}) + "\n", "utf-8")
    assert detect_format(path) == "doccano"
    assert [[s.key for s in doc.spans] for doc in read_file(path).documents] == [[], [(0, 3, "PER")]]


def test_label_studio_tasks_still_to_annotate_are_recognised_whatever_their_text_field(tmp_path):
    """Tasks as a user imports them into Label Studio: only "data", the text under any field name."""
    one = tmp_path / "one.json"
    one.write_text(json.dumps([{"data": {"body": "Alice met Bob."}}]), encoding="utf-8")
    assert detect_format(one) == "label-studio"
    assert [doc.text for doc in read_file(one).documents] == ["Alice met Bob."]
    two = tmp_path / "two.json"
    two.write_text(json.dumps([{"data": {"title": "A", "body": "Alice met Bob."}}]), encoding="utf-8")
    assert detect_format(two) == "label-studio"
    assert [doc.text for doc in read_file(two, text_field="body").documents] == ["Alice met Bob."]
