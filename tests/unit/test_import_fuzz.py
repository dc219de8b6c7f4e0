"""Fuzzed imports, file to project: valid exports of every format, mutated, imported as a user would.

The corpus is built when the tests run: a few documents (nested, CJK, emoji, CRLF, predictions with
scores, metadata) written by ``write_file`` in every format. Hypothesis picks a format and a list of
mutations (byte flips, cuts, repeats, and tokens that broke imports before: lone surrogate escapes,
``NaN``/``Infinity``, a 5,000-digit number, Arabic-Indic digits, NUL). Each case imports the result
through the shared import path into a project that already holds a document, and checks four things:
only ``NerdeskError`` escapes; after a failure the project is unchanged; after a success every document
stored equals the document read; and the project still exports.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core import Document, NerdeskError, Span
from nerdesk.formats import FORMATS, read_file, write_file
from nerdesk.storage import Project
from nerdesk.workflows import transfer

NUMBERS = [b"-1", b"0", b"99999", b"1e999", b"NaN", b"Infinity", b"-Infinity", b"9" * 5000, b"\xd9\xa1", b"1.5",
           b"true", b"null", b'"3"']
IN_STRINGS = [b"\\ud800", b"\\udfff", b"\\u0000", b"\xf0\x9f\x98\x80", b"\r", b"\\n", b" ", b"\xe2\x80\x8d", b"x" * 300]
NASTY_TOKENS = [b"\\ud800", b"\\udfff", b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000,
                b"\xd9\xa1", b"\x00", b"\xef\xbb\xbf", b"\r", b"\n\n", b'"', b"{", b"]", b",", b"-1", b"null",
                b"\t", b"\xf0\x9f\x98\x80", b"\xff\xfe", b"true", b"[]", b"{}"]


FOLDER_FORMATS = ("brat", "webanno-tsv")  # several documents are written as a folder of files


def seed_documents() -> list[Document]:
    text = "北京大学在北京。\r\nMary visits 上海 😀 today."
    return [
        Document(text, [Span(0, 4, "ORG"), Span(0, 2, "LOC"), Span(5, 7, "LOC"),
                        Span(10, 14, "PER"), Span(22, 24, "LOC", "pred", 0.875, "m@1")],
                 name="first", meta={"source": "news", "n": 3}),
        Document("Anna  works at Acme Corp.", [Span(0, 4, "PER"), Span(15, 24, "ORG")], name="second"),
        Document("no entities here", [], name="third"),
    ]


def build_corpus(folder: Path) -> dict[str, Path]:
    """One valid export per writable format (a file, or a folder of files)."""
    corpus = {}
    for name, spec in FORMATS.items():
        target = folder / (name if name in FOLDER_FORMATS else f"seed-{name}{spec.extensions[0]}")
        write_file(seed_documents(), target, name)
        corpus[name] = target
    return corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("import-fuzz-corpus"))


def test_the_corpus_holds_a_readable_export_of_every_format(corpus):
    assert set(corpus) == set(FORMATS)
    for name, path in corpus.items():
        assert read_file(path, name).documents, name


@st.composite
def mutations(draw, size: int) -> list[tuple]:
    """Steps of blind byte damage and of damage that keeps the syntax (a number or a string's content)."""
    steps = []
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["number", "number", "string", "string", "label",
                                     "flip", "cut", "repeat", "insert", "replace", "truncate"]))
        tokens = {"number": NUMBERS, "string": IN_STRINGS}.get(kind, NASTY_TOKENS)
        at = draw(st.integers(0, max(size - 1, 0)))
        steps.append((kind, at, draw(st.integers(1, 40)), draw(st.sampled_from(tokens)), draw(st.integers(0, 255))))
    return steps


def _nth(pattern: bytes, data: bytes, at: int) -> re.Match | None:
    found = list(re.finditer(pattern, data))
    return found[at % len(found)] if found else None


def mutate_syntax(data: bytes, kind: str, at: int, token: bytes) -> bytes:
    """Replace the ``at``-th number, put ``token`` inside the ``at``-th string, or swap two labels."""
    if kind == "label":
        return data.replace(b"LOC", b"ORG\\ud800" if at % 2 else b"PER").replace(b"PER", b"LOC", 1)
    match = _nth(rb"-?\d+(\.\d+)?" if kind == "number" else rb'"[^"\\]*"', data, at)
    if match is None:
        return data
    where = match.start() if kind == "number" else match.start() + 1 + (at % max(len(match.group()) - 1, 1))
    end = match.end() if kind == "number" else where
    return data[:where] + token + data[end:]


def mutate(data: bytes, steps: list[tuple]) -> bytes:
    for kind, at, length, token, byte in steps:
        if kind in ("number", "string", "label"):
            data = mutate_syntax(data, kind, at, token)
            continue
        at = min(at, len(data))
        if kind == "flip":
            data = data[:at] + bytes([byte]) + data[at + 1:]
        elif kind == "cut":
            data = data[:at] + data[at + length:]
        elif kind == "repeat":
            data = data[:at + length] + data[at:]
        elif kind == "insert":
            data = data[:at] + token + data[at:]
        elif kind == "replace":
            data = data[:at] + token + data[at + length:]
        else:
            data = data[:at]
    return data


def mutated_copy(source: Path, folder: Path, steps: list[tuple], pick: int) -> Path:
    """A copy of ``source`` (file or brat folder) with one of its files mutated."""
    if source.is_dir():
        target = folder / source.name
        shutil.copytree(source, target)
        files = sorted(target.iterdir())
        victim = files[pick % len(files)]
    else:
        target = victim = folder / source.name
        shutil.copyfile(source, target)
    victim.write_bytes(mutate(victim.read_bytes(), steps))
    return target


def state(project: Project):
    documents = [(d.text, d.name, d.meta, d.status, sorted((s.key, s.source, s.score) for s in d.spans))
                 for d in project.all_documents()]
    return documents, project.label_set().names


def assert_stored_as_read(project: Project, ids: list[int], documents: list[Document]) -> None:
    assert len(ids) == len(documents)
    for doc_id, read in zip(ids, documents, strict=True):
        stored = project.document(doc_id)
        assert (stored.text, stored.name, stored.meta) == (read.text, read.name, read.meta)
        assert {(s.key, s.source, s.score) for s in stored.spans} == {(s.key, s.source, s.score) for s in read.spans}
    assert {s.label for d in documents for s in d.spans} <= set(project.label_set().names)


def assert_still_exports(project: Project, folder: Path, format_name: str) -> None:
    out = folder / "export.json"
    report = transfer.export_documents(project, out, "nerdesk-json")
    assert report.documents == len(list(project.all_documents()))
    json.loads(out.read_text(encoding="utf-8"))
    again = folder / f"again-{format_name}"
    again = again if format_name in FOLDER_FORMATS else again.with_suffix(FORMATS[format_name].extensions[0])
    transfer.export_documents(project, again, format_name)


def import_case(source: Path, format_name: str, detect: bool, steps: list[tuple], pick: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = mutated_copy(source, folder, steps, pick)
        with Project.open(folder / "fuzz.nerdesk", create=True) as project:
            project.add_documents([Document("已有的文档 stays.", [Span(0, 2, "OLD")], name="existing")])
            before = state(project)
            try:
                result = transfer.read_import([path], None if detect else format_name)
                report = transfer.store_import(project, result)
            except NerdeskError as error:
                assert str(error).strip()  # a message to show (stderr escapes a lone surrogate it quotes)
                assert state(project) == before
                return "refused"
            assert_stored_as_read(project, report.ids, result.documents)
            assert_still_exports(project, folder, format_name)
            return "imported"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_exports_import_exactly_or_change_nothing(corpus, data):
    format_name = data.draw(st.sampled_from(sorted(corpus)))
    source = corpus[format_name]
    size = max((p.stat().st_size for p in source.iterdir()), default=0) if source.is_dir() else source.stat().st_size
    steps = data.draw(mutations(size))
    import_case(source, format_name, data.draw(st.booleans()), steps, data.draw(st.integers(0, 10)))


def test_unmutated_exports_import_exactly(corpus):
    outcomes = {name: import_case(path, name, False, [], 0) for name, path in corpus.items()}
    assert set(outcomes.values()) == {"imported"}, outcomes
