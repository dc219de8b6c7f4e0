"""A span's score is a probability: a score outside [0, 1] (7, -0.5, infinity, NaN) is refused on import with the
file, line and record, and when stored, instead of being kept and shown as 700%."""

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


def test_importing_a_file_with_a_score_of_7_lists_the_record_and_imports_nothing(tmp_path, capsys):
    source = tmp_path / "predicted.jsonl"
    records = [{"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "PER", "source": "pred", "score": 0.9}]},
               {"text": "Carol left.", "spans": [{"start": 0, "end": 5, "label": "PER", "source": "pred",
                                                  "score": 7}]}]
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), str(source), "--format", "jsonl"]) == 1
    assert capsys.readouterr().err == (
        "nerdesk: error E100: 1 bad record; nothing was imported:\n"
        f"  E234 {source}, line 2, record 2: span 0..5 (PER) has score 7.0; a score is a probability between 0 and 1\n")
    records[1]["spans"][0]["score"] = 1
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    assert main(["import", str(project), str(source), "--format", "jsonl"]) == 0
    with Project.open(project) as opened:
        assert [span.score for doc in opened.all_documents() for span in doc.predictions] == [0.9, 1.0]
