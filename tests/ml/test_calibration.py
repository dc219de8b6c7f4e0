"""Calibrating the decision threshold on dev documents, and what the bundle does with it."""

from __future__ import annotations

import math

import pytest
from fixtures_bundle import sentence_documents, train_tiny_model, training_documents

from nerdesk.core.metrics import Counts, Report, evaluate
from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.training.export import export_bundle
from nerdesk.training.logits import (
    SPAN_COUNT_TOLERANCE,
    THRESHOLDS,
    calibrate_threshold,
    choose_threshold,
    evaluate_model,
    torch_span_predictor,
)

pytest.importorskip("torch")


def found(report: Report) -> int:
    return report.micro.tp + report.micro.fp


def test_the_calibrated_threshold_finds_about_the_gold_number_of_spans_and_the_bundle_uses_it(tmp_path):
    model, tokenizer = train_tiny_model(steps=10, seed=3)
    documents = training_documents()
    at_zero = evaluate_model(model, tokenizer, documents)
    threshold, report = calibrate_threshold(model, tokenizer, documents)
    gold = report.micro.support
    assert threshold in THRESHOLDS and threshold != 0  # a model trained for 10 steps is off at 0
    assert abs(found(report) - gold) <= SPAN_COUNT_TOLERANCE * gold < abs(found(at_zero) - gold)
    direct = torch_span_predictor(model, tokenizer, threshold=threshold).predict([d.text for d in documents])
    assert report.micro.f1 == pytest.approx(evaluate([d.gold for d in documents], direct).micro.f1)

    bundle = export_bundle(model, tokenizer, tmp_path / "b", labels=list(model.config.labels),
                           dev_documents=sentence_documents(), threshold=threshold, max_span_tokens=None)
    loaded = Bundle.load(bundle)
    assert loaded.threshold == threshold
    spans = OnnxPredictor(loaded, variant="fp32").predict([d.text for d in documents])
    assert [[s.key for s in doc] for doc in spans] == [[s.key for s in doc] for doc in direct]
    assert all(span.score > 0.5 for doc in spans for span in doc)  # 0.5 is the boundary whatever the threshold


def outcome(threshold: float, tp: int, fp: int, gold: int = 100) -> tuple[float, Report]:
    return threshold, Report(micro=Counts(tp=tp, fp=fp, fn=gold - tp))


def test_a_lucky_f1_far_from_the_gold_number_of_spans_is_not_chosen():
    noisy_peak = outcome(-0.5, tp=40, fp=5)  # F1 0.55 with 45 spans found for 100
    plausible = outcome(-3.0, tp=50, fp=40)  # F1 0.53 with 90 found
    also_plausible = outcome(-3.5, tp=50, fp=60)  # F1 0.48 with 110 found
    assert choose_threshold([noisy_peak, plausible, also_plausible]) == plausible


def test_equal_scores_go_to_the_threshold_nearest_zero_and_none_plausible_to_the_nearest_count():
    assert choose_threshold([outcome(-2.0, tp=50, fp=50), outcome(-1.0, tp=50, fp=50)])[0] == -1.0
    assert choose_threshold([outcome(-1.0, tp=20, fp=0), outcome(-4.0, tp=30, fp=10)])[0] == -4.0


def every_outcome(model, tokenizer, documents) -> list[tuple[float, Report]]:
    """Each threshold's report, each scored in full: what the choice once cost."""
    from nerdesk.core.spans import best_non_overlapping

    lowest = min(THRESHOLDS)
    predictor = torch_span_predictor(model, tokenizer, threshold=lowest, flat=False)
    candidates = predictor.predict([doc.text for doc in documents])
    outcomes = []
    for threshold in THRESHOLDS:
        cutoff = 1.0 / (1.0 + math.exp(lowest - threshold))
        kept = [[span for span in spans if span.score > cutoff] for spans in candidates]
        kept = [best_non_overlapping(spans) for spans in kept] if model.config.flat else kept
        outcomes.append((threshold, evaluate([doc.gold for doc in documents], kept)))
    return outcomes


@pytest.mark.parametrize(("steps", "flat"), [(0, False), (10, False), (0, True), (10, True)])
def test_a_flood_of_candidates_is_counted_not_scored_at_every_threshold(steps, flat, monkeypatch):
    """An untrained head proposes nearly every span: scoring them all at each of the 15 thresholds took two
    minutes after a 20-second training from scratch. Only the thresholds the rule may pick are scored, and
    the choice is the one scoring all of them gives."""
    from nerdesk.training import logits

    model, tokenizer = train_tiny_model(steps=steps, seed=3)
    model.config.flat = flat
    documents = training_documents()
    gold = sum(len(doc.gold) for doc in documents)
    outcomes = every_outcome(model, tokenizer, documents)
    scored: list[int] = []

    def counting(gold_docs, pred_docs):
        pred_docs = list(pred_docs)
        scored.append(sum(map(len, pred_docs)))
        return evaluate(gold_docs, pred_docs)

    monkeypatch.setattr(logits, "evaluate", counting)
    threshold, report = calibrate_threshold(model, tokenizer, documents)
    assert (threshold, report) == choose_threshold(outcomes)  # the choice and the report of scoring them all
    assert len(scored) < len(THRESHOLDS)
    assert len(scored) == 1 or max(scored) <= (1 + SPAN_COUNT_TOLERANCE) * gold  # only plausible ones
    if steps == 0 and not flat:
        assert found(outcomes[0][1]) > 100 * gold  # nearly every span is a candidate
        assert len(scored) == 1  # none finds about the gold number: the one nearest it only
        assert sum(scored) < sum(found(report) for _, report in outcomes) / 100


def test_the_chosen_threshold_is_its_own_progress_event_not_a_data_one():
    """``nerdesk retrain --progress json`` once gave the threshold's message as a ``DataEncoded`` event."""
    import json
    from types import SimpleNamespace

    from nerdesk.training.run import calibrate_threshold_on_dev
    from nerdesk.workflows.progress import ThresholdChosen, parse_progress_line

    model, tokenizer = train_tiny_model(steps=10, seed=3)
    lines: list[str] = []
    threshold = calibrate_threshold_on_dev(SimpleNamespace(model=model, best_report=None), tokenizer,
                                           SimpleNamespace(dev_documents=training_documents()),
                                           SimpleNamespace(max_span_tokens=None),
                                           lambda event, **fields: lines.append(json.dumps({"event": event, **fields})))
    assert threshold != 0
    (event,) = map(parse_progress_line, lines)
    assert isinstance(event, ThresholdChosen) and event.threshold == threshold
    assert event.message.startswith("decision threshold set where the model finds about as many spans")
