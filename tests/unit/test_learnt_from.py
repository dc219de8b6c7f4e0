"""Whether a model with a kept head is continued gently or learns at the full rate, from what its bundle records."""

from __future__ import annotations

import pytest

from nerdesk.core.learnt_from import LEARNT_FROM, documents_learnt_from, learns_afresh


@pytest.mark.parametrize(("trained_on", "expected"), [
    ({"train_documents": 10748}, 10748),  # an embedded model, trained on a whole corpus
    ({"documents": 38, "start": "transfer"}, 38),  # a version retrained in the project
    ({"documents": 75, "start": "continue", LEARNT_FROM: 38}, 38),  # a gentle continuation keeps its start's count
    ({"documents": 75, "start": "continue"}, None),  # a gentle continuation from before the count was kept
    ({"documents": 75, "start": "continue", LEARNT_FROM: None}, None),  # continued from a model of unknown count
    ({}, None),
    ({"documents": "many"}, None),
    ({"documents": True}, None),
])
def test_the_count_a_bundle_records(trained_on, expected):
    assert documents_learnt_from(trained_on) == expected


def test_only_a_model_that_learnt_from_fewer_documents_learns_them_at_the_full_rate():
    assert learns_afresh(38, 360)
    assert not learns_afresh(360, 360)
    assert not learns_afresh(4000, 300)  # the embedded medical model and 300 reviewed documents
    assert not learns_afresh(None, 360)
