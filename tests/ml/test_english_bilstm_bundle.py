"""The shipped character-aware English model (models/en-general-conll-bilstm) loads and finds persons,
organizations and places in English sentences written for this test, batched or one at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.chars import CHAR_INPUT
from nerdesk.runtime.predictor import OnnxPredictor

BUNDLE = Path(__file__).resolve().parents[2] / "models" / "en-general-conll-bilstm"
MAX_BUNDLE_BYTES = 25 * 1024 * 1024

# (text, [(mention, label), ...]), written for this test (not from CoNLL-2003).
SENTENCES = [
    ("Angela Merkel met Emmanuel Macron in Paris on Tuesday .",
     [("Angela Merkel", "PER"), ("Emmanuel Macron", "PER"), ("Paris", "LOC")]),
    ("Microsoft opened a new office in Berlin last year .", [("Microsoft", "ORG"), ("Berlin", "LOC")]),
    ("Shares of Toyota rose in Tokyo after the company reported strong profits .",
     [("Toyota", "ORG"), ("Tokyo", "LOC")]),
    ("Kofi Annan flew to Nairobi .", [("Kofi Annan", "PER"), ("Nairobi", "LOC")]),
]

pytestmark = pytest.mark.skipif(not (BUNDLE / "bundle.json").is_file(),
                                reason="models/en-general-conll-bilstm not built")


@pytest.fixture(scope="module")
def predictor() -> OnnxPredictor:
    return OnnxPredictor(Bundle.load(BUNDLE), threads=1)


def test_bundle_is_small_reads_characters_and_names_its_labels(predictor):
    bundle = predictor.bundle
    assert bundle.labels.names == ["LOC", "MISC", "ORG", "PER"] and bundle.flat
    assert bundle.labels.get("ORG").display_name == "Organization"
    assert sum(path.stat().st_size for path in BUNDLE.iterdir() if path.is_file()) <= MAX_BUNDLE_BYTES
    assert CHAR_INPUT in predictor.logits_function.input_names
    assert predictor.window_maker.chars is not None


def test_finds_people_organizations_and_places_alike_batched_or_alone(predictor):
    texts = [text for text, _ in SENTENCES]
    together = predictor.predict(texts, batch_size=8)
    alone = [predictor.predict([text], batch_size=1)[0] for text in texts]
    assert [[(s.start, s.end, s.label) for s in spans] for spans in together] == \
           [[(s.start, s.end, s.label) for s in spans] for spans in alone]
    for (text, expected), spans in zip(SENTENCES, together, strict=True):
        found = {(text[s.start:s.end], s.label) for s in spans}
        assert set(expected) <= found, (text, found)
