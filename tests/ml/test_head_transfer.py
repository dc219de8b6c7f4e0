"""A new head borrows, for each new label, the weights of the old label that matches it on the reviewed
documents; labels without a counterpart start fresh."""

from __future__ import annotations

import torch

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.training.logits import evaluate_model
from nerdesk.training.model import save_checkpoint
from nerdesk.training.start import start_model
from tests.fixtures_bundle import sentence_documents, shared_tiny_model

RENAMED = {"PER": "PERSON", "LOC": "CITY"}  # ORG has no counterpart among the new labels


def reviewed_documents() -> list[Document]:
    """The tiny model's sentences annotated with new names for two labels and a label it never saw."""
    documents = []
    for doc in sentence_documents():
        spans = [Span(s.start, s.end, RENAMED[s.label]) for s in doc.gold if s.label in RENAMED]
        spans += [Span(s.start, s.end, "INSTITUTION") for s in doc.gold if s.label == "ORG" and "大学" in
                  doc.text[s.start:s.end]]
        documents.append(Document(doc.text, spans))
    return documents


def test_new_labels_start_from_their_best_matching_old_label(tmp_path):
    start, tokenizer = shared_tiny_model()
    save_checkpoint(start, tokenizer, tmp_path / "start")
    reviewed = reviewed_documents()
    labels = ["CITY", "INSTITUTION", "PERSON", "TIME"]  # TIME: in no reviewed document
    model, _ = start_model(str(tmp_path / "start"), labels, [d.text for d in reviewed], reviewed=reviewed)

    assert model.config.extra["head_from"] == {"CITY": "LOC", "INSTITUTION": "ORG", "PERSON": "PER"}
    rows = 2 * model.head.head_size
    old, new = start.head.projection.weight, model.head.projection.weight  # (m * 2d, H)
    assert torch.equal(new[2 * rows:3 * rows], old[0:rows])  # PERSON <- PER (labels PER, LOC, ORG)
    assert torch.equal(new[0:rows], old[rows:2 * rows])  # CITY <- LOC
    assert not torch.equal(new[3 * rows:4 * rows], old[0:rows])  # TIME: fresh weights
    # Before a single training step, the new model already finds the renamed entities.
    report = evaluate_model(model, tokenizer, reviewed)
    assert report.per_label["PERSON"].f1 > 0.9 and report.per_label["CITY"].f1 > 0.5


def test_without_reviewed_documents_the_head_is_fresh(tmp_path):
    start, tokenizer = shared_tiny_model()
    save_checkpoint(start, tokenizer, tmp_path / "start")
    model, _ = start_model(str(tmp_path / "start"), ["CITY", "PERSON"], [])
    assert "head_from" not in model.config.extra
    report = evaluate_model(model, tokenizer, reviewed_documents())
    assert report.micro.f1 < 0.5
