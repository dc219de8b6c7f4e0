"""Calibrating the decision threshold on dev documents, and what the bundle does with it."""

from __future__ import annotations

import pytest
from fixtures_bundle import sentence_documents, train_tiny_model, training_documents

from nerdesk.core.metrics import evaluate
from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.training.export import export_bundle
from nerdesk.training.logits import THRESHOLDS, calibrate_threshold, evaluate_model, torch_span_predictor

pytest.importorskip("torch")


def test_the_calibrated_threshold_scores_best_and_the_bundle_uses_it(tmp_path):
    model, tokenizer = train_tiny_model(steps=10, seed=3)
    documents = training_documents()
    at_zero = evaluate_model(model, tokenizer, documents)
    threshold, report = calibrate_threshold(model, tokenizer, documents)
    assert threshold in THRESHOLDS and threshold != 0  # a model trained for 10 steps is off at 0
    assert report.micro.f1 > at_zero.micro.f1
    direct = torch_span_predictor(model, tokenizer, threshold=threshold).predict([d.text for d in documents])
    assert report.micro.f1 == pytest.approx(evaluate([d.gold for d in documents], direct).micro.f1)

    bundle = export_bundle(model, tokenizer, tmp_path / "b", labels=list(model.config.labels),
                           dev_documents=sentence_documents(), threshold=threshold, max_span_tokens=None)
    loaded = Bundle.load(bundle)
    assert loaded.threshold == threshold
    spans = OnnxPredictor(loaded, variant="fp32").predict([d.text for d in documents])
    assert [[s.key for s in doc] for doc in spans] == [[s.key for s in doc] for doc in direct]
    assert all(span.score > 0.5 for doc in spans for span in doc)  # 0.5 is the boundary whatever the threshold
