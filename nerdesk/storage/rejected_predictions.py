"""Predictions the user turned down, so that no later model run proposes them again.

A prediction removed by an edit that does not make it gold (rejected, deleted, relabelled or resized,
rejected when the document was marked reviewed, taken along with the gold span it stood under) is
recorded by position and label. Storing a model's predictions leaves out every recorded one: a Retrain's
re-prediction or a Predict all replaces the predictions of each document not yet reviewed, and would
otherwise show again what the user has already said no to. An edit that puts a prediction back (an
undo) forgets it; so does an undo that a model run has overtaken (``Change.released``).

The rows follow label renames and merges (``relabel``); a label's deletion leaves them, so that its
predictions stay rejected should it be added again. Forgetting all of a document's rejections
(``forget_document``) lets the next model run propose them again: a rejection made by mistake can be
taken back after its undo step is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from nerdesk.core.edits import Change
from nerdesk.core.spans import GOLD, PRED

Key = tuple[int, int, str]  # (start, end, label), as Span.key

CREATE_TABLE = """
CREATE TABLE rejected_predictions (
    doc_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    "start" INTEGER NOT NULL,
    "end"   INTEGER NOT NULL,
    label   TEXT NOT NULL,
    PRIMARY KEY (doc_id, "start", "end", label)
) WITHOUT ROWID
"""
FORGET = 'DELETE FROM rejected_predictions WHERE doc_id = ? AND "start" = ? AND "end" = ? AND label = ?'
REMEMBER = 'INSERT OR IGNORE INTO rejected_predictions (doc_id, "start", "end", label) VALUES (?, ?, ?, ?)'


def record(db: Database, change: Change) -> None:
    """Remember the predictions ``change`` turns down and forget those it puts back or releases.

    A prediction replaced by a gold span of its place and label was accepted, not turned down. A change
    that adds predictions (an undo, a label merge moving predictions to another label) turns nothing
    down: it only forgets.
    """
    back = [span for span in (*change.added, *change.released) if span.source == PRED]
    db.conn.executemany(FORGET, [(change.doc_id, *span.key) for span in back])
    if any(span.source == PRED for span in change.added):
        return
    accepted = {span.key for span in change.added if span.source == GOLD}
    turned_down = [(change.doc_id, *span.key) for span in change.removed
                   if span.source == PRED and span.key not in accepted]
    db.conn.executemany(REMEMBER, turned_down)


def rejected(db: Database, doc_ids: Sequence[int]) -> dict[int, set[Key]]:
    """The rejected predictions of each of ``doc_ids`` that has any."""
    found: dict[int, set[Key]] = {}
    for first in range(0, len(doc_ids), 500):
        batch = list(doc_ids[first:first + 500])
        marks = ", ".join("?" for _ in batch)
        rows = db.execute(
            f'SELECT doc_id, "start", "end", label FROM rejected_predictions WHERE doc_id IN ({marks})', batch)
        for doc_id, start, end, label in rows.fetchall():
            found.setdefault(int(doc_id), set()).add((int(start), int(end), str(label)))
    return found


def count(db: Database, doc_id: int) -> int:
    """How many predictions the user rejected in the document ``doc_id``."""
    row = db.execute("SELECT count(*) FROM rejected_predictions WHERE doc_id = ?", [doc_id]).fetchone()
    return int(row[0])


def forget_document(db: Database, doc_id: int) -> int:
    """Forget every rejected prediction of the document ``doc_id``; returns how many there were."""
    return int(db.execute("DELETE FROM rejected_predictions WHERE doc_id = ?", [doc_id]).rowcount)


def relabel(db: Database, old: str, new: str) -> None:
    """Rejected predictions of ``old`` become rejected predictions of ``new`` (a rename, or a merge of
    ``old`` into ``new``), except where a prediction of ``new`` stands at that place."""
    db.execute("UPDATE OR IGNORE rejected_predictions SET label = ? WHERE label = ?", [new, old])
    db.execute("DELETE FROM rejected_predictions WHERE label = ?", [old])
    db.execute(
        "DELETE FROM rejected_predictions WHERE label = ? AND EXISTS (SELECT 1 FROM spans WHERE "
        'spans.doc_id = rejected_predictions.doc_id AND spans."start" = rejected_predictions."start" AND '
        "spans.\"end\" = rejected_predictions.\"end\" AND spans.label = ? AND spans.source = 'pred')", [new, new])
