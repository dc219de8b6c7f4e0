"""A document is predicted line by line and sentence by sentence, as its lines and sentences would be alone: no
span crosses the end of a line (the English model joined a byline's name to the dateline under it). A
hard-wrapped paragraph is still read whole."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from fixtures_english import SENTENCES, tiny_english_bundle

from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.lines import line_ends
from nerdesk.runtime.predictor import OnnxPredictor

EVERY_CELL = -1e9  # a logit threshold every cell is above: each span the window allows is predicted
SHIPPED = Path(__file__).resolve().parents[2] / "models" / "en-general-conll"


@pytest.fixture(scope="module")
def predictor(tmp_path_factory) -> OnnxPredictor:
    return OnnxPredictor(Bundle.load(tiny_english_bundle(tmp_path_factory)), threads=1)


def shifted(spans, by: int) -> list[tuple[int, int, str, float]]:
    return [(span.start + by, span.end + by, span.label, round(span.score or 0, 6)) for span in spans]


@pytest.mark.parametrize("threshold", [None, EVERY_CELL])
def test_each_line_gets_the_spans_it_gets_alone(predictor, threshold):
    lines = [text for text, _ in SENTENCES[:4]]
    document = "\r\n".join(lines)
    [spans] = predictor.predict([document], threshold=threshold)
    assert spans and not any("\n" in document[s.start:s.end] or "\r" in document[s.start:s.end] for s in spans)
    alone, begin = [], 0
    for line, found in zip(lines, predictor.predict(lines, threshold=threshold), strict=True):
        alone += shifted(found, begin)
        begin += len(line) + 2
    assert shifted(spans, 0) == alone


def test_a_hard_wrapped_paragraph_is_read_as_one_line(predictor):
    paragraph = " ".join(text for text, _ in SENTENCES[:4])
    wrapped = textwrap.fill(paragraph, 45)
    assert wrapped.count("\n") == 3 and line_ends(wrapped) == []
    [spans] = predictor.predict([wrapped], threshold=EVERY_CELL)
    assert any("\n" in wrapped[s.start:s.end] for s in spans)
    assert shifted(spans, 0) == shifted(predictor.predict([paragraph], threshold=EVERY_CELL)[0], 0)


@pytest.mark.skipif(not (SHIPPED / "bundle.json").is_file(), reason="models/en-general-conll not built")
def test_the_english_model_keeps_a_byline_and_a_dateline_apart():
    predictor = OnnxPredictor(Bundle.load(SHIPPED), threads=1)
    text = "Written by Sarah Miller\nBOSTON, Dec 5\r\nGroup B\r\nLeeds United 3 2 1 0 7"
    found = [(text[span.start:span.end], span.label) for span in predictor.predict([text])[0]]
    assert found == [("Sarah Miller", "PER"), ("BOSTON", "LOC"), ("Leeds United", "ORG")]


@pytest.mark.parametrize("threshold", [None, EVERY_CELL])
def test_each_sentence_of_a_paragraph_gets_the_spans_it_gets_alone(predictor, threshold):
    sentences = ["Maria Lopez joined Acme Corporation in Madrid.", "John Smith flew from London to Paris!",
                 "The Danish team beat Norway in Oslo."]
    [spans] = predictor.predict([" ".join(sentences)], threshold=threshold)
    alone, begin = [], 0
    for sentence, found in zip(sentences, predictor.predict(sentences, threshold=threshold), strict=True):
        alone += shifted(found, begin)
        begin += len(sentence) + 1
    assert spans and shifted(spans, 0) == alone


@pytest.mark.skipif(not (SHIPPED / "bundle.json").is_file(), reason="models/en-general-conll not built")
def test_the_english_model_reads_a_paragraph_as_its_sentences():
    predictor = OnnxPredictor(Bundle.load(SHIPPED), threads=1)
    text = "The striker scored twice for Arsenal on Saturday. Wenger said the club would appeal. Chelsea lost at home."
    found = [(text[span.start:span.end], span.label) for span in predictor.predict([text])[0]]
    assert found == [("Arsenal", "ORG"), ("Wenger", "PER"), ("Chelsea", "ORG")]  # Chelsea was PER read whole
