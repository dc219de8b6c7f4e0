"""A span's score is a probability: a score outside [0, 1] (7, -0.5, infinity, NaN) is refused when stored, instead of
being kept and shown as 700%; a file that holds one imports the span without its score, and says so."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nerdesk.cli import main
from nerdesk.core import Document, Span
from nerdesk.core.errors import SpanError
from nerdesk.core.spans import PRED, validate_span
from nerdesk.storage import Project

TEXT = "Alice met Bob in Paris."


@pytest.mark.parametrize("score", [7, 7.0, -0.5, 1.0000001, -1e-9, float("inf"), float("-inf"), float("nan"),
                                   np.float32(1.5)])
def test_a_score_outside_zero_to_one_is_refused(score):
    with pytest.raises(SpanError) as caught:
        validate_span(Span(0, 5, "PER", PRED, score, "m"), TEXT)
    assert caught.value.code == "E234"
    assert str(caught.value) == f"span 0..5 (PER) has score {score!r}; a score is a probability between 0 and 1"


@pytest.mark.parametrize("score", [None, 0, 0.0, 1, 1.0, 0.5, np.float32(0.25), np.float64(0.999)])
def test_a_probability_or_no_score_is_kept(score):
    validate_span(Span(0, 5, "PER", PRED, score, "m"), TEXT)


def test_storing_a_span_scored_7_names_the_document_and_stores_nothing(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        with pytest.raises(SpanError) as caught:
            project.add_documents([Document(TEXT), Document(TEXT, [Span(0, 5, "PER", PRED, 7.0, "m")])])
        assert caught.value.code == "E234" and str(caught.value).startswith("document 2: span 0..5 (PER) has score 7.0")
        assert list(project.all_documents()) == []


def test_importing_a_file_with_a_score_of_7_keeps_the_span_without_its_score_and_says_so(tmp_path, capsys):
    """Other tools' scores are not always probabilities (a Label Studio backend may write 95): the span is kept."""
    source = tmp_path / "predicted.jsonl"
    records = [{"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "PER", "source": "pred", "score": 0.9}]},
               {"text": "Carol left.", "spans": [{"start": 0, "end": 5, "label": "PER", "source": "pred",
                                                  "score": 7}]}]
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), str(source), "--format", "jsonl"]) == 0
    assert ("nerdesk: warning: 1 span had a score outside 0..1 (the first: 7 on line 2), so it was imported "
            "without its score") in capsys.readouterr().err
    with Project.open(project) as opened:
        assert [span.score for doc in opened.all_documents() for span in doc.predictions] == [0.9, None]


def test_a_label_studio_prediction_scored_95_keeps_its_spans(tmp_path):
    from nerdesk.formats import read_file

    task = {"data": {"text": TEXT}, "predictions": [{"model_version": "m", "score": 95, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]}]}
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps([task]), encoding="utf-8")
    result = read_file(source)
    assert [(span.label, span.score) for span in result.documents[0].predictions] == [("PER", None)]
    assert any("score outside 0..1" in warning for warning in result.warnings)
