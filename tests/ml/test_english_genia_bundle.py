"""The shipped English biomedical model (models/en-bio-genia) loads, decodes nested spans and finds genes,
proteins, cells and cell lines in sentences written for this test (not from GENIA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.predictor import OnnxPredictor

BUNDLE = Path(__file__).resolve().parents[2] / "models" / "en-bio-genia"
MAX_BUNDLE_BYTES = 25 * 1024 * 1024

SENTENCES = [
    ("Activation of NF-kappa B in human T cells requires the IL-2 receptor .",
     [("NF-kappa B", "protein"), ("human T cells", "cell_type"), ("IL-2 receptor", "protein")]),
    ("We measured c-fos mRNA levels in peripheral blood monocytes after stimulation with LPS .",
     [("c-fos mRNA", "RNA"), ("peripheral blood monocytes", "cell_type")]),
    ("Expression of the human GM-CSF gene was studied in the HL-60 cell line .",
     [("HL-60 cell line", "cell_line")]),
    # Nested: a protein's name inside the name of its gene.
    ("IL-2 gene expression in activated T lymphocytes depends on NFAT binding to the IL-2 enhancer.",
     [("IL-2 gene", "DNA"), ("IL-2", "protein"), ("NFAT", "protein")]),
]

pytestmark = pytest.mark.skipif(not (BUNDLE / "bundle.json").is_file(), reason="models/en-bio-genia not built")


@pytest.fixture(scope="module")
def predictor() -> OnnxPredictor:
    return OnnxPredictor(Bundle.load(BUNDLE), threads=1)


def test_bundle_is_small_nested_and_carries_the_corpus_licence(predictor):
    bundle = predictor.bundle
    assert sorted(bundle.labels.names) == ["DNA", "RNA", "cell_line", "cell_type", "protein"]
    assert not bundle.flat
    assert bundle.labels.get("cell_line").display_name == "Cell line"
    assert sum(path.stat().st_size for path in BUNDLE.iterdir() if path.is_file()) <= MAX_BUNDLE_BYTES
    assert "GENIA Project License" in (BUNDLE / "GENIA_LICENSE.txt").read_text("utf-8")
    assert bundle.manifest["metrics"]["test"]["micro"]["f1"] >= 0.76


def test_finds_biomedical_entities_nested_ones_included(predictor):
    predicted = predictor.predict([text for text, _ in SENTENCES])
    for (text, expected), spans in zip(SENTENCES, predicted, strict=True):
        found = {(text[s.start:s.end], s.label) for s in spans}
        assert set(expected) <= found, (text, found)
    nested = predicted[3]
    assert any(outer.encloses(inner) for outer in nested for inner in nested if outer is not inner)
