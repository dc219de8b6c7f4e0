"""Each public corpus imports with its native format and exports back with identical spans.

Counts are computed independently from the raw files (plain ``json``/line parsing here, not the readers).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nerdesk.formats import detect_format, read_file, write_file
from tests.conftest import dataset_file as dataset


def keys(result) -> list[list[tuple[int, int, str]]]:
    return [sorted(s.key for s in doc.spans) for doc in result.documents]


def roundtrip(tmp_path: Path, result, fmt: str, **options):
    out = tmp_path / f"out.{fmt}"
    warnings = write_file(result.documents, out, fmt, **options)
    assert warnings == []
    again = read_file(out, fmt)
    assert [d.text for d in again.documents] == [d.text for d in result.documents]
    assert keys(again) == keys(result)
    return out


def raw_cluener(path: Path) -> tuple[int, Counter]:
    docs, labels = 0, Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            docs += 1
            for label, mentions in json.loads(line).get("label", {}).items():
                labels[label] += sum(len(positions) for positions in mentions.values())
    return docs, labels


def raw_tags(path: Path, prefixes: tuple[str, ...]) -> tuple[int, Counter]:
    sentences, labels, inside = 0, Counter(), False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            sentences += inside
            inside = False
            continue
        inside = True
        tag = line.split()[-1]
        if tag[0] in prefixes:
            labels[tag[2:]] += 1
    return sentences + inside, labels


@pytest.mark.parametrize("split", ["dev", "train"])
def test_cluener(tmp_path: Path, split: str) -> None:
    path = dataset("cluener", f"{split}.json")
    assert detect_format(path) == "cluener"
    result = read_file(path)
    assert result.format == "cluener" and result.encoding == "utf-8" and result.warnings == []
    docs, labels = raw_cluener(path)
    assert len(result.documents) == docs == {"dev": 1343, "train": 10748}[split]
    assert Counter(s.label for d in result.documents for s in d.spans) == labels
    for doc in result.documents[:200]:  # inclusive ends became exclusive
        for span in doc.spans:
            assert span.mention(doc.text) and span.end <= len(doc.text)
    roundtrip(tmp_path, result, "cluener")


def test_cluener_inclusive_end_example(tmp_path: Path) -> None:
    result = read_file(dataset("cluener", "dev.json"))
    first = result.documents[0]  # 彭小军认为，国内银行现在走的是台湾的发卡模式 ... name 彭小军 [[0, 2]]
    assert ("彭小军", "name") in {(s.mention(first.text), s.label) for s in first.spans}
    assert (0, 3, "name") in {s.key for s in first.spans}


@pytest.mark.parametrize("split", ["dev", "train"])
def test_cmeee(tmp_path: Path, split: str) -> None:
    path = dataset("cmeee_v2", f"{split}.json")
    assert detect_format(path) == "cmeee"
    result = read_file(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert len(result.documents) == len(raw) == {"dev": 1000, "train": 4000}[split]
    expected = Counter(e["type"] for record in raw for e in record["entities"])
    assert Counter(s.label for d in result.documents for s in d.spans) == expected
    nested = sum(
        any(a is not b and a.overlaps(b) for b in d.spans) for d in result.documents for a in d.spans
    )
    assert nested > 0  # CMeEE is nested and nothing was flattened
    roundtrip(tmp_path, result, "cmeee")


@pytest.mark.parametrize("split", ["test", "dev"])
def test_genia(tmp_path: Path, split: str) -> None:
    path = dataset("genia", f"{split}.jsonl")
    assert detect_format(path) == "genia"
    result = read_file(path)
    expected = Counter()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        expected.update(e["type"] for e in record["entities"])
    got = Counter(s.label for d in result.documents for s in d.spans)
    assert got == expected
    assert len(result.documents) == len(records) == {"test": 1732, "dev": 1765}[split]
    if split == "test":
        assert sum(got.values()) == 5119
        assert got == {"protein": 2900, "DNA": 1132, "cell_line": 403, "RNA": 106, "cell_type": 578}
    out = roundtrip(tmp_path, result, "genia")
    # entity_mentions (token offsets) are rebuilt from the tokens and match the original ones
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for original, again in zip(records[:300], written[:300], strict=True):
        assert sorted(map(json.dumps, again["entity_mentions"])) == sorted(map(json.dumps, original["entity_mentions"]))
        assert again["doc_id"] == original["doc_id"] and again["tokens"] == original["tokens"]


def test_genia_train_counts() -> None:
    path = dataset("genia", "train.jsonl")
    result = read_file(path, "genia")
    assert len(result.documents) == 15038
    assert sum(len(d.spans) for d in result.documents) == 46203


@pytest.mark.parametrize("name", ["dev.bio", "test.bio"])
def test_peoples_daily(tmp_path: Path, name: str) -> None:
    path = dataset("peoples_daily", name)
    assert detect_format(path) == "conll"
    result = read_file(path)
    sentences, labels = raw_tags(path, ("B",))
    assert len(result.documents) == sentences == {"dev.bio": 2318, "test.bio": 4636}[name]
    assert Counter(s.label for d in result.documents for s in d.spans) == labels
    assert result.warnings == []
    out = roundtrip(tmp_path, result, "conll", scheme="bio", level="char", separator="space")
    assert out.read_bytes() == path.read_bytes()  # the very same file comes back


@pytest.mark.parametrize("name", ["dev.char.bmes", "test.char.bmes"])
def test_resume(tmp_path: Path, name: str) -> None:
    path = dataset("resume_ner", name)
    assert detect_format(path) == "conll"
    result = read_file(path)
    sentences, labels = raw_tags(path, ("B", "S"))
    assert len(result.documents) == sentences == {"dev.char.bmes": 463, "test.char.bmes": 477}[name]
    assert Counter(s.label for d in result.documents for s in d.spans) == labels
    out = roundtrip(tmp_path, result, "conll", scheme="bmes", level="char", separator="space")
    assert out.read_bytes() == path.read_bytes()
