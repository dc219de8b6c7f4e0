"""Mention replacement: copies keep every span on the text it labels, nested spans untouched, offsets in code
points whatever the script."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.training.augment import mention_swapped_copies, mentions_by_label, standalone_spans

DOCUMENTS = [
    # a disease nested in a longer one, a drug on its own, CJK text
    Document("患者有糖尿病肾病，服用二甲双胍。", [Span(3, 8, "dis"), Span(3, 6, "dis"), Span(11, 15, "dru")]),
    # emoji, a ZWJ sequence and \r\n around the mentions
    Document("👩‍⚕️ gave aspirin\r\nto 🧑🏽 at Mayo Clinic.", [Span(6, 13, "dru"), Span(25, 36, "org")]),
    Document("Ibuprofen helps.", [Span(0, 9, "dru")]),
]


def texts(document: Document) -> set[tuple[str, str]]:
    return {(document.text[span.start:span.end], span.label) for span in document.gold}


def test_standalone_spans_leave_out_nested_and_overlapping_ones():
    spans = [Span(0, 5, "a"), Span(1, 3, "b"), Span(6, 9, "c"), Span(8, 12, "d"), Span(13, 14, "e")]
    assert [(s.start, s.end) for s in standalone_spans(spans)] == [(13, 14)]


span_bounds = st.tuples(st.integers(0, 30), st.integers(1, 6))


@settings(max_examples=300, deadline=None)
@given(st.lists(span_bounds, max_size=12))
def test_standalone_spans_are_exactly_those_that_overlap_no_other(bounds):
    spans = [Span(start, start + length, "x") for start, length in bounds]
    expected = sorted((span.start, span.end) for span in spans
                       if not any(other is not span and other.start < span.end and span.start < other.end
                                  for other in spans))
    assert [(span.start, span.end) for span in standalone_spans(spans)] == expected


def test_copies_swap_standalone_mentions_and_keep_nested_spans_with_their_text():
    copies = mention_swapped_copies(DOCUMENTS, 3, random.Random(1))
    assert len(copies) == 9
    pool = mentions_by_label(DOCUMENTS)
    for copy in copies:
        for span in copy.gold:
            assert 0 <= span.start < span.end <= len(copy.text)
            assert copy.text[span.start:span.end] in pool[span.label]
    chinese = copies[:3]
    for copy in chinese:  # the nested pair keeps its text and its nesting; the drug may change
        assert {"糖尿病肾病", "糖尿病"} <= {text for text, _ in texts(copy)}
        assert copy.text.startswith("患者有糖尿病肾病，服用")
    drugs = {text for copy in copies for text, label in texts(copy) if label == "dru"}
    assert len(drugs) >= 2  # mentions do change (which ones depends on the seed)
    assert all("\r\n" in copy.text for copy in copies[3:6])


def test_same_seed_same_copies():
    first = mention_swapped_copies(DOCUMENTS, 2, random.Random(7))
    second = mention_swapped_copies(DOCUMENTS, 2, random.Random(7))
    assert [(d.text, [(s.start, s.end, s.label) for s in d.gold]) for d in first] == \
           [(d.text, [(s.start, s.end, s.label) for s in d.gold]) for d in second]


def test_a_document_whose_spans_all_overlap_gets_no_copy():
    nested_only = Document("left kidney", [Span(0, 11, "bod"), Span(5, 11, "bod")])
    assert mention_swapped_copies([nested_only], 3, random.Random(0)) == []


@st.composite
def annotated(draw):
    text = draw(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, draw(st.sampled_from(["a", "b"]))))
    unique = {(s.start, s.end, s.label): s for s in spans}
    return Document(text, list(unique.values()))


@settings(max_examples=200, deadline=None)
@given(st.lists(annotated(), min_size=1, max_size=4), st.integers(0, 2 ** 16))
def test_every_span_of_a_copy_labels_the_text_it_labelled_or_a_pool_mention(documents, seed):
    pool = mentions_by_label(documents)
    copies = mention_swapped_copies(documents, 2, random.Random(seed))
    assert len(copies) == 2 * sum(1 for doc in documents if standalone_spans(doc.gold))
    for copy in copies:
        for span in copy.gold:
            assert 0 <= span.start < span.end <= len(copy.text)
            assert copy.text[span.start:span.end] in pool[span.label]
