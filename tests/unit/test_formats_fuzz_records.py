"""Hostile records of every format: a valid record mutated until it is not, read with and without ``format``.

Each case starts from a valid record (or file) of one format and changes it the way broken exports and
hand edits do: a field of the wrong JSON type (offsets as floats, strings, booleans, huge or negative
numbers; labels as lists, null or empty; text as a number), keys removed or added, JSON nested 10,000
levels deep, bytes that are not UTF-8, lone surrogate escapes, a byte-order mark, ``\\r\\n`` line ends,
NUL bytes, numbers of 5,000 digits. CoNLL columns, brat ``.ann`` lines and plain text are built from hostile
tokens instead, and a spaCy DocBin is damaged inside its zlib stream. Reading must end in a ``NerdeskError``
with a code and a message, one line per problem, never in another exception nor in the readers' catch-all
(``E118``, a bug hidden behind a message); a file that is read gives spans inside their texts.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core.errors import ImportProblems, NerdeskError
from nerdesk.formats import read_file

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT = "北京😀 ab\u200dc"

LS_RESULT = {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 2, "text": "北京", "labels": ["LOC"]}}
SEEDS: dict[str, tuple[str, str, Any]] = {  # case -> (format, suffix, records of the file or the whole JSON value)
    "nerdesk-json": ("nerdesk-json", ".json", {
        "format": "nerdesk", "version": 1, "labels": ["LOC", {"name": "X"}], "documents": [
            {"id": 1, "name": "n", "text": TEXT, "status": "new", "meta": {"k": [1]}, "split": "train",
             "spans": [{"start": 0, "end": 2, "label": "LOC", "text": "北京", "source": "pred", "score": 0.5,
                        "model_version": "m1"}]}]}),
    "jsonl": ("jsonl", ".jsonl", [{"id": 1, "text": TEXT, "status": "reviewed", "meta": {},
                                   "spans": [{"start": 0, "end": 2, "label": "LOC", "text": "北京"}]}]),
    "cluener": ("cluener", ".json", [{"id": 3, "text": TEXT, "label": {"LOC": {"北京": [[0, 1]]}}}]),
    "cmeee": ("cmeee", ".json", [{"text": TEXT, "entities": [{"start_idx": 0, "end_idx": 1, "type": "LOC",
                                                               "entity": "北京"}]}]),
    "genia": ("genia", ".jsonl", [{"doc_id": "d", "sent_id": "s", "text": TEXT, "tokens": ["北京😀", "ab\u200dc"],
                                   "entities": [{"start": 0, "end": 2, "type": "LOC", "text": "北京"}],
                                   "entity_mentions": []}]),
    "doccano": ("doccano", ".jsonl", [{"id": 1, "text": TEXT, "label": [[0, 2, "LOC"], [5, 7, "X"]]}]),
    "doccano-relations": ("doccano", ".jsonl", [{
        "id": 1, "text": TEXT, "entities": [{"id": 1, "label": "LOC", "start_offset": 0, "end_offset": 2},
                                            {"id": 2, "label": "X", "start_offset": 5, "end_offset": 7}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "in"}]}]),
    "label-studio": ("label-studio", ".json", [{
        "id": 1, "data": {"text": TEXT, "other": "x"}, "meta": {"nerdesk_status": "skipped"},
        "annotations": [{"result": [LS_RESULT], "was_cancelled": False}],
        "predictions": [{"model_version": "m", "score": 0.5, "result": [
            {**LS_RESULT, "score": 0.4, "value": {"start": 4, "end": 6, "text": "ab", "labels": ["X"]}}]}]}]),
    "label-studio-min": ("label-studio", ".json", [{
        "id": 1, "text": TEXT, "label": [{"start": 0, "end": 2, "text": "北京", "labels": ["LOC"]}],
        "annotator": 1, "annotation_id": 2, "lead_time": 1.5}]),
    "spacy": ("spacy", ".jsonl", [{"text": TEXT, "spans": [{"start": 0, "end": 2, "label": "LOC", "text": "北京"}],
                                   "answer": "accept", "_input_hash": 1}]),
    "spacy-doc-json": ("spacy", ".jsonl", [{"text": TEXT, "ents": [{"start": 0, "end": 2, "label": "LOC"}],
                                            "spans": {"sc": [{"start": 4, "end": 6, "label": "X", "kb_id": ""}]},
                                            "tokens": [{"id": 0, "start": 0, "end": 2}]}]),
    "hf-tokens": ("hf-tokens", ".jsonl", [{"id": "0", "tokens": ["北京", "😀", "ab\u200dc"],
                                          "ner_tags": ["B-LOC", "O", "S-X"], "pos_tags": [1, 2, 3]}]),
}
LINE_CASES = {"jsonl", "genia", "doccano", "doccano-relations", "spacy", "spacy-doc-json", "cluener", "hf-tokens"}

DEEP = "\x00deep\x00"  # replaced by 10,000 levels of [ when the record is serialised
HOSTILE = [None, True, False, 0, -1, 1.5, -0.0, 10**30, -(2**63), 2**64, 1e308, float("nan"), float("inf"),
           "3", "", " ", "LOC ", "A\nB", "\ud800", "\udfff", "\x00", "😀", "👩\u200d👩\u200d👧", "\r\n",
           [], {}, [[]], [None], [0, 1], [[0, 1, "X"]], ["LOC"], {"LOC": []}, {"a": {"b": [1]}}, DEEP]
KEYS = ["text", "label", "labels", "entities", "spans", "data", "relations", "status", "cats", "answer", "tokens",
        "format", "documents", "annotations", "predictions", "completions", "result", "type", "value", "start", "end",
        "start_offset", "end_offset", "start_idx", "end_idx", "id", "from_id", "to_id", "was_cancelled", "meta",
        "to_name", "from_name", "score", "model_version", "source", "annotator", "annotation_id", "lead_time", "x",
        "a\nb"]


def _places(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path into a JSON value, itself included."""
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        found.extend(_places(child, (*path, key)))
    return found


def _apply(value: Any, path: tuple, action: str, new: Any, key: str) -> Any:
    """``value`` with the thing at ``path`` replaced, deleted, or given an extra key or item."""
    if not path and action != "add":
        return new
    parent = value
    for step in path[:-1] if action != "add" else path:
        parent = parent[step]
    if action == "add":
        if isinstance(parent, dict):
            parent[key] = new
        elif isinstance(parent, list):
            parent.append(new)
    elif action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return value


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    value = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        places = _places(value)
        path = places[draw(st.integers(0, len(places) - 1))]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        new = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
        value = _apply(value, path, action, new, draw(st.sampled_from(KEYS)))
    return value


def _serialise(case: str, value: Any, ascii_only: bool, indent: int | None) -> bytes:
    if case in LINE_CASES and isinstance(value, list):
        content = "".join(json.dumps(record, ensure_ascii=ascii_only) + "\n" for record in value)
    else:
        content = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    content = content.replace(json.dumps(DEEP, ensure_ascii=ascii_only), "[" * 10_000 + "]" * 10_000)
    return content.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


def damaged(data: bytes, how: str, at: float) -> bytes:
    """``data`` with a byte-order mark, \\r\\n or \\r line ends, a bad byte, a NUL, unclosed nesting, a number
    of 5,000 digits (more than Python converts), or cut short."""
    where = int(len(data) * at)
    return {"none": data, "bom": b"\xef\xbb\xbf" + data, "crlf": data.replace(b"\n", b"\r\n"),
            "bad-byte": data[:where] + b"\xff" + data[where:], "nul": data[:where] + b"\x00" + data[where:],
            "deep": data[:where] + b"[" * 10_000 + data[where:], "cut": data[:where],
            "lone-cr": data.replace(b"\n", b"\r"),
            "huge-number": data[:where] + re.sub(rb"\d+", b"9" * 5000, data[where:], count=1)}[how]


DAMAGE = st.sampled_from(["none", "none", "none", "bom", "crlf", "bad-byte", "nul", "deep", "cut", "lone-cr",
                          "huge-number"])


_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # where str.splitlines() breaks a line


def check_read(path: Path, fmt: str | None) -> None:
    """Read ``path``: a ``NerdeskError`` with a code and a message, or documents whose spans fit their texts."""
    try:
        result = read_file(path, fmt)
    except NerdeskError as error:
        assert str(error).strip() and error.code, repr(error)
        assert error.code != "E118", f"a reader failed unexpectedly: {error}"  # the catch-all of pipeline._run_reader
        assert "cannot tell the format of this file (" not in str(error), str(error)  # detection's catch-all
        problems = error.problems if isinstance(error, ImportProblems) else [error]
        assert problems and all(p.code and str(p).strip() for p in problems)
        assert not [p for p in problems if _LINE_BREAKS.search(str(p))], "a problem must print on one line"
        return
    for doc in result.documents:
        assert isinstance(doc.text, str)
        for span in doc.spans:
            assert type(span.start) is int and type(span.end) is int, span
            assert 0 <= span.start < span.end <= len(doc.text), (span, len(doc.text))
            assert isinstance(span.label, str) and span.label.strip(), span


def check_file(content: bytes, fmt: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(content)
        check_read(path, fmt)
        check_read(path, None)


@pytest.mark.parametrize("case", sorted(SEEDS))
def test_the_seed_records_are_valid(case, tmp_path):
    fmt, suffix, seed = SEEDS[case]
    path = tmp_path / f"seed{suffix}"
    path.write_bytes(_serialise(case, seed, False, None))
    assert read_file(path, fmt).documents[0].spans
    assert read_file(path).format == fmt


@pytest.mark.parametrize("case", sorted(SEEDS))
def test_hostile_records_are_refused_clearly_or_read_right(case):
    fmt, suffix, seed = SEEDS[case]

    @SETTINGS
    @given(value=mutated(seed), ascii_only=st.booleans(), indent=st.sampled_from([None, 1]), how=DAMAGE,
           at=st.floats(0, 1))
    def run(value, ascii_only, indent, how, at):
        check_file(damaged(_serialise(case, value, ascii_only, indent), how, at), fmt, suffix)

    run()


# -- formats of lines: CoNLL columns, brat standoff, plain text ----------------------------------------

TOKENS = ["北", "京", "😀", "ab", "-DOCSTART-", "O", "\u200d", "\x00", "\ud800", "x" * 300, "١٢", "#"]
TAGS = ["O", "B-LOC", "I-LOC", "E-LOC", "S-X", "M-X", "L-X", "U-X", "B-", "I-", "B-NP", "I-VP", "B-LOC\x00",
        "B_X", "b-LOC", "B-\ud800", "X", "", "B-" + "L" * 200]
SPACES = ["\t", " ", "\x0b", "\x1c", "\u3000", "\u2028", "\x85", "\t\t"]
ENDS = ["\n", "\r\n", "\r", "\n\n", "\n \n"]


@st.composite
def conll_files(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        fields = [draw(st.sampled_from(TOKENS))] + draw(st.lists(st.sampled_from(TAGS), max_size=3))
        lines.append(draw(st.sampled_from(SPACES)).join(fields) + draw(st.sampled_from(ENDS)))
    return "".join(lines).encode("utf-8", "surrogatepass")


@SETTINGS
@given(content=conll_files(), how=DAMAGE, at=st.floats(0, 1), suffix=st.sampled_from([".bio", ".conll", ".txt"]))
def test_hostile_conll_columns_are_refused_clearly_or_read_right(content, how, at, suffix):
    check_file(damaged(content, how, at), "conll", suffix)


NUMBERS = ["0", "1", "2", "5", "6", "12", "-1", "1.5", "١", "9" * 30, "9" * 5000, "0" * 30 + "1", "", "x"]
LABELS = ["LOC", "X Y", "LOC\x00", "\ud800", "😀", "#", ""]


@st.composite
def brat_annotations(draw: st.DrawFn) -> bytes:
    lines = []
    for number in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["T", "T", "T", "R", "A", "#", "E", "T;"]))
        count = draw(st.sampled_from([2, 2, 2, 1, 3]))
        offsets = " ".join(draw(st.lists(st.sampled_from(NUMBERS), min_size=count, max_size=count)))
        if kind == "T;":
            offsets = f"{offsets};{draw(st.sampled_from(NUMBERS))} {draw(st.sampled_from(NUMBERS))}"
        body = f"{draw(st.sampled_from(LABELS))} {offsets}"
        fields = [f"{kind[0]}{number + 1}", body, draw(st.sampled_from(["北京", "ab", "", "\u200d", "a\tb"]))]
        cut = draw(st.sampled_from([3, 3, 2, 1]))
        lines.append(draw(st.sampled_from(["\t", "\t", "\t", " "])).join(fields[:cut]) + draw(st.sampled_from(ENDS)))
    return "".join(lines).encode("utf-8", "surrogatepass")


@SETTINGS
@given(ann=brat_annotations(), text=st.sampled_from([TEXT, "", "\ufeff北京\r\nab", "a\rb\x00"]), how=DAMAGE,
       at=st.floats(0, 1), bom=st.booleans())
def test_hostile_brat_files_are_refused_clearly_or_read_right(ann, text, how, at, bom):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "collection"
        folder.mkdir()
        (folder / "doc.txt").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        (folder / "doc.ann").write_bytes(damaged(ann, how, at))
        for path in (folder, folder / "doc.ann", folder / "doc.txt"):
            check_read(path, "brat")
            check_read(path, None)


@SETTINGS
@given(text=st.text(st.sampled_from(["a", "北", "😀", "\r", "\n", " ", "\x00", "\u2028", "\ufeff", "\x85"]),
                    max_size=40), how=DAMAGE, at=st.floats(0, 1), split=st.sampled_from(["line", "paragraph",
                                                                                        "document"]))
def test_hostile_plain_text_is_refused_clearly_or_read_exactly(text, how, at, split):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.txt"
        path.write_bytes(damaged(text.encode("utf-8"), how, at))
        check_read(path, None)
        try:
            result = read_file(path, "text", split=split)
        except NerdeskError as error:
            assert error.code in ("E106",), error
            return
        content = path.read_bytes().decode(result.encoding)
        assert all(doc.text and doc.text in content for doc in result.documents)


# -- WebAnno TSV: sentences and token lines built from hostile pieces ------------------------------------

TSV_SEED = (  # what nerdesk writes for TEXT + "\r\nx y" with nested spans (its emoji counts two UTF-16 units)
    "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
    "#Text=北京😀 ab\u200dc\\r\n1-1\t0-1\t北\tLOC[1]|X[2]\t\n1-2\t1-2\t京\tLOC[1]|X[2]\t\n"
    "1-3\t2-4\t😀\tX[2]\t\n1-4\t5-6\ta\tY\t\n1-5\t6-7\tb\t_\t\n1-6\t7-9\t\u200dc\t_\t\n\n"
    "#Text=x y\n2-1\t11-12\tx\tZ[3]\t\n2-2\t13-14\ty\tZ[3]\t\n")
TSV_PIECES = ["_", "*", "LOC", "LOC[1]", "X[2]|LOC[1]", "*[1]", "X]", "a\\|b", "[", "x[99999999999]", "|", "", " ",
              "LOC\x00", "\ud800", "a->1-1", "1-1", "1-1.1", "x", "١-١", "0-2", "3-5", "2-0", "0-99", "9" * 30 + "-1",
              "0-" + "9" * 5000, "北京", "😀", "#Text=北京😀 ab", "#Text=a\\tb\\r\\u00e9\\", "#Sentence.id=s",
              "#T_SP=webanno.custom.Span|", "#T_SP=webanno.custom.S|ROLE_a:b_c|webanno.custom.T", "#T_RL=x.R|v|BT_x",
              "#T_SP=", "#FORMAT=WebAnno TSV 3.1", "#FORMAT=WebAnno TSV 2.0", "#FORMAT=WebAnno TSV 3." + "9" * 5000]


@st.composite
def webanno_tsv_files(draw: st.DrawFn) -> bytes:
    """The seed file with a few lines or tab-separated fields replaced, inserted, repeated or removed."""
    lines = TSV_SEED.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        piece, action = draw(st.sampled_from(TSV_PIECES)), draw(st.sampled_from(["field", "field", "line", "cut",
                                                                                  "repeat"]))
        if action == "field":
            fields = lines[at].split("\t")
            fields[draw(st.integers(0, len(fields) - 1))] = piece
            lines[at] = "\t".join(fields)
        elif action == "line":
            lines.insert(at, piece)
        elif action == "cut":
            del lines[at]
        else:
            lines.insert(at, lines[at])
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@SETTINGS
@given(content=webanno_tsv_files(), how=DAMAGE, at=st.floats(0, 1), suffix=st.sampled_from([".tsv", ".txt"]))
def test_hostile_webanno_tsv_files_are_refused_clearly_or_read_right(content, how, at, suffix):
    check_file(damaged(content, how, at), "webanno-tsv", suffix)


# -- spaCy DocBin: the msgpack inside the zlib stream damaged -------------------------------------------

@pytest.fixture(scope="module")
def docbin_fields(tmp_path_factory) -> dict[str, Any]:
    pytest.importorskip("spacy")
    import srsly

    from nerdesk.core import Document, Span
    from nerdesk.formats import write_file
    path = tmp_path_factory.mktemp("docbin") / "seed.spacy"
    write_file([Document(TEXT, [Span(0, 2, "LOC"), Span(0, 1, "X")], name="n", meta={"a": [1]}, status="reviewed"),
                Document("hello world", [Span(6, 11, "X")])], path, "spacy")
    return srsly.msgpack_loads(zlib.decompress(path.read_bytes()))


PACKABLE = [None, True, 0, -1, 1.5, 2**63 - 1, -(2**63), "", "x", "😀", b"", b"\xff" * 9, [], {}, [1, 2], {"a": 1}]


def _flipped(data: bytes, at: float, byte: int) -> bytes:
    where = int(len(data) * at) if data else 0
    return data[:where] + bytes([byte]) + data[where + 1:]


@SETTINGS
@given(data=st.data())
def test_damaged_docbins_are_refused_clearly_or_read_right(docbin_fields, data):
    import srsly
    fields = copy.deepcopy(docbin_fields)
    key = data.draw(st.sampled_from(sorted(fields)))
    at, byte = data.draw(st.floats(0, 1)), data.draw(st.integers(0, 255))
    value = fields[key]
    if isinstance(value, bytes) and data.draw(st.booleans()):
        fields[key] = _flipped(value, at, byte)
    elif isinstance(value, list) and value and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(value) - 1))
        item = value[index]
        value[index] = _flipped(item, at, byte) if isinstance(item, bytes) else data.draw(st.sampled_from(PACKABLE))
    elif key == "user_data":
        meta = data.draw(st.sampled_from([{"a": b"\xff"}, {"a": float("nan")}, [1], "x", {"b": {"c": None}}]))
        fields[key] = [srsly.msgpack_dumps({"nerdesk": {"meta": meta, "status": data.draw(st.sampled_from(PACKABLE))}})
                       if isinstance(meta, dict) else meta] * 2
    else:
        fields[key] = data.draw(st.sampled_from(PACKABLE))
    check_file(zlib.compress(srsly.msgpack_dumps(fields)), "spacy", ".spacy")
