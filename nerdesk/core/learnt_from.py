"""How many documents a model learnt from, and whether training it again must learn at the full rate.

A model whose head already knows every label is continued gently (``nerdesk.training.recipe``): that
protects a model trained on a whole corpus from a few hundred reviewed documents. A version retrained in
the project on 40 documents is another matter: continuing it gently on 400 left it where it was (People's
Daily: 52.8 test F1 at 400 reviewed documents, against 67.3 when it learnt them at the full rate;
docs/benchmarks.md). Training decides with this rule which recipe to use, and the retrain workflow tells
the user the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LEARNT_FROM = "learnt_from_documents"  # the bundle's trained_on key written by every training run
GENTLE = "continue"  # the trained_on "start" of a gentle continuation (``nerdesk.training.recipe.CONTINUE``)


def documents_learnt_from(trained_on: Mapping[str, Any]) -> int | None:
    """The number of documents a model learnt from at the full rate, from its bundle's ``trained_on``.

    A gentle continuation learns little from its own documents, so it carries over its start's count.
    None when the record does not say (a bundle from elsewhere, or a gentle continuation written before
    the count was recorded).
    """
    recorded = trained_on.get(LEARNT_FROM)
    if recorded is None and trained_on.get("start") == GENTLE:
        return None
    for key in (LEARNT_FROM, "documents", "train_documents"):
        value = trained_on.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


def learns_afresh(learnt_from: int | None, training_documents: int) -> bool:
    """Whether a model that knows every label must learn ``training_documents`` at the full rate: it learnt
    from fewer of them than it is now given. A model whose count is unknown is continued gently."""
    return learnt_from is not None and learnt_from < training_documents
