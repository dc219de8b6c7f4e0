"""Round trips through every format on generated documents: CJK, emoji (ZWJ sequences too), \\r\\n, nested
spans. Lossless parts must come back equal; where a format cannot keep something, the writer must say so.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nerdesk.core.document import STATUSES, Document
from nerdesk.core.spans import GOLD, PRED, Span, nesting_depth, sort_spans
from nerdesk.core.wording import by_count, counted
from nerdesk.formats import FORMATS, read_file, write_file
from nerdesk.formats.conll_read import words_to_text

PIECES = ["a", "B", "z", "1", " ", "  ", "\r\n", "\n", "北", "京", "医", "院", "病", "。", "，", "😀", "👍🏽",
          "👩\u200d👩\u200d👧", "é", "e\u0301", "\u200b", "-", "'", '"', "\\", "\t"]
LABELS = ["PER", "LOC", "疾病", "org_x"]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def texts(draw, pieces=PIECES) -> str:
    return "".join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=25)))


@st.composite
def documents(draw, *, predictions: bool = False, pieces=PIECES, rich: bool = False) -> Document:
    text = draw(texts(pieces))
    n = len(text)
    spans: dict[tuple[int, int, str, str], Span] = {}
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(LABELS))
        if predictions and draw(st.booleans()):
            score = draw(st.floats(0.0, 1.0, allow_nan=False))
            span = Span(start, end, label, PRED, score, draw(st.sampled_from(["m1", "m2", None])))
        else:
            span = Span(start, end, label)
        spans[(start, end, label, span.source)] = span
    doc = Document(text=text, spans=list(spans.values()))
    if rich:
        doc.name = draw(st.none() | st.text(max_size=8))
        doc.status = draw(st.sampled_from(STATUSES))
        doc.meta = draw(st.dictionaries(st.text(max_size=5), st.none() | st.integers() | st.text(max_size=5),
                                        max_size=3))
        doc.id = draw(st.none() | st.integers(1, 10**6))
        doc.split = draw(st.none() | st.sampled_from(["train", "dev"]))
    return doc


def corpora(**kwargs):
    return st.lists(documents(**kwargs), min_size=1, max_size=4)


def write_read(docs, fmt: str, write_options=None, read_options=None):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("out" if fmt == "brat" else f"out{FORMATS[fmt].extensions[0]}")
        warnings = write_file(docs, path, fmt, **(write_options or {}))
        result = read_file(path, fmt, **(read_options or {}))
    return warnings, result


def gold_keys(doc) -> list[tuple[int, int, str]]:
    return sorted(s.key for s in doc.spans if s.source == GOLD)


def gold_mentions(doc) -> list[tuple[str, str]]:
    """(mention with whitespace runs collapsed, label) of each gold span."""
    return sorted((" ".join(doc.text[s.start:s.end].split()), s.label) for s in doc.spans if s.source == GOLD)


BRAT_BREAKS = "\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def brat_gold_keys(doc) -> list[tuple[int, int, str]]:
    """The gold keys brat can hold: without line breaks and tabs at their edges, none of breaks only."""
    keys = []
    for start, end, label in gold_keys(doc):
        mention = doc.text[start:end]
        if mention.strip(BRAT_BREAKS):
            lead, trail = len(mention) - len(mention.lstrip(BRAT_BREAKS)), len(mention) - len(mention.rstrip(BRAT_BREAKS))
            keys.append((start + lead, end - trail, label))
    return sorted(set(keys))  # 'a' and 'a\r' of one label are the same span once the break is left out


def all_spans(doc) -> list[Span]:
    return sort_spans(doc.spans)


@SETTINGS
@given(corpora(predictions=True, rich=True), st.sampled_from(["nerdesk-json", "jsonl"]))
def test_native_formats_keep_everything(docs, fmt):
    warnings, result = write_read(docs, fmt)
    assert warnings == []
    assert len(result.documents) == len(docs)
    for before, after in zip(docs, result.documents, strict=True):
        assert after.text == before.text
        assert all_spans(after) == all_spans(before)
        assert (after.name, after.status, after.meta, after.id, after.split) == (
            before.name, before.status, before.meta, before.id, before.split)


@SETTINGS
@given(corpora(), st.sampled_from(["cluener", "cmeee", "genia", "spacy", "doccano", "brat"]))
def test_span_formats_keep_text_and_gold_spans(docs, fmt):
    warnings, result = write_read(docs, fmt)
    if fmt == "genia":  # only the token-level copy of the spans can lose something
        assert all("entity_mentions" in w for w in warnings)
    elif fmt == "brat":  # line breaks and tabs at a span's edges; the label 疾病, which brat cannot name a type
        assert all("with a line break or tab" in w or "of line breaks or tabs only" in w
                   or "letters beyond ASCII" in w for w in warnings)
    elif fmt == "doccano":  # nested spans need the project's "Allow overlapping spans"
        assert all("'Allow overlapping spans'" in w for w in warnings)
    else:
        assert warnings == []
    assert [d.text for d in result.documents] == [d.text for d in docs]
    expected = brat_gold_keys if fmt == "brat" else gold_keys
    assert [gold_keys(d) for d in result.documents] == [expected(d) for d in docs]


@SETTINGS
@given(corpora(predictions=True), st.sampled_from(["cluener", "cmeee", "spacy", "doccano", "brat", "conll"]))
def test_gold_only_formats_warn_about_predictions(docs, fmt):
    gold = [{s.key for s in d.spans if s.source == GOLD} for d in docs]  # a twin of a written span is not lost
    preds = sum(s.source == PRED and s.key not in keys for d, keys in zip(docs, gold, strict=True) for s in d.spans)
    warnings, _ = write_read(docs, fmt)
    said = f"{counted(preds, 'predicted span')} {by_count(preds, 'was', 'were')} not written"
    assert (preds > 0) == any(w.startswith(said) for w in warnings)


@SETTINGS
@given(corpora(predictions=True))
def test_predictions_only_export(docs):
    warnings, result = write_read(docs, "cluener", {"source": "pred"})
    expected = [sorted(s.key for s in d.spans if s.source == PRED) for d in docs]
    assert [sorted(s.key for s in d.spans) for d in result.documents] == expected


@SETTINGS
@given(corpora(predictions=True))
def test_label_studio_keeps_gold_and_predictions(docs):
    warnings, result = write_read(docs, "label-studio")
    assert warnings == []
    assert [d.text for d in result.documents] == [d.text for d in docs]
    for before, after in zip(docs, result.documents, strict=True):
        assert all_spans(after) == all_spans(before)


@SETTINGS
@given(corpora(), st.sampled_from(["bio", "iob2", "bioes", "bmes"]))
def test_conll_char_level_nested_columns(docs, scheme):
    warnings, result = write_read(docs, "conll", {"scheme": scheme, "level": "char"}, {"level": "char"})
    clean = all(not any(ch.isspace() for ch in d.text) for d in docs)
    if clean:
        assert warnings == []
        assert [d.text for d in result.documents] == [d.text for d in docs]
        assert [gold_keys(d) for d in result.documents] == [gold_keys(d) for d in docs]
    else:
        assert any("text in char-level CoNLL" in w or "no chars" in w for w in warnings)


@SETTINGS
@given(corpora(pieces=["北", "京", "医", "院", "a", "😀", "👩\u200d👩\u200d👧"]))
def test_conll_flat_warns_how_many_spans_were_dropped(docs):
    warnings, result = write_read(docs, "conll", {"level": "char", "flat": True}, {"level": "char"})
    nested = [d for d in docs if nesting_depth(d.spans) > 1]
    kept = sum(len(d.spans) for d in result.documents)
    dropped = sum(len(d.spans) for d in docs) - kept
    if nested:
        assert dropped > 0
        said = f"{counted(dropped, 'nested or overlapping span')} {by_count(dropped, 'was', 'were')} dropped"
        assert any(said in w for w in warnings)
    else:
        assert dropped == 0 and warnings == []
    for doc in result.documents:
        assert nesting_depth(doc.spans) <= 1


@SETTINGS
@given(corpora(pieces=["ab", "北京", "😀", " ", "x"]))
@example(docs=[Document("abababab  😀", [Span(0, 11, "PER")])])  # a double space inside a span
def test_conll_token_level(docs):
    warnings, result = write_read(docs, "conll", {"level": "token"}, {"level": "token"})
    written = [d for d in docs if d.text.split()]
    if len(written) < len(docs):
        assert any(w.startswith(f"{counted(len(docs) - len(written), 'document')} with no tokens") for w in warnings)
    # A word a span starts or ends inside is cut there to keep the span (was: the span was dropped): the
    # text read back then has a space there, and the writer says so.
    cut = any(" cut where a span starts or ends inside " in w for w in warnings)
    for before, after in zip(written, result.documents, strict=True):
        if cut:
            assert after.text == " ".join(after.text.split())
            assert "".join(after.text.split()) == "".join(before.text.split())
        else:  # words joined by a space, but for one between Chinese characters ("北京 大学" reads "北京大学")
            assert after.text == words_to_text(before.text.split())[0]
    normal = all(d.text == words_to_text(d.text.split())[0] for d in docs)
    if normal and not warnings:
        assert [gold_keys(d) for d in result.documents] == [gold_keys(d) for d in docs]
    if not normal:
        assert warnings
    # Offsets move when whitespace is normalised; what must survive (or be reported) is each mention.
    if any(gold_mentions(a) != gold_mentions(b) for a, b in zip(written, result.documents, strict=True)):
        assert any("boundaries" in w for w in warnings)


@SETTINGS
@given(corpora(), st.sampled_from(["line", "paragraph"]))
def test_plain_text(docs, split):
    warnings, result = write_read(docs, "text", {"split": split}, {"split": split})
    spans = sum(len(d.spans) for d in docs)
    assert (spans > 0) == any("keeps no spans" in w for w in warnings)
    if [d.text for d in result.documents] != [d.text for d in docs]:
        assert any("keeps no spans" not in w for w in warnings)
