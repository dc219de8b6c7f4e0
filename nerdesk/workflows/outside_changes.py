"""What another window or program changed in the open project: taken in, so that no edit is built on a stale
copy of the spans (two windows on one project drifted apart: a relabel in one put a second gold span beside
the one the other had accepted, and its undo took the other window's work away)."""

from __future__ import annotations

from nerdesk.core.errors import NerdeskError
from nerdesk.workflows.session import EditingSession


def take_outside_changes(session: EditingSession) -> bool:
    """Reload the labels, the document list and the open document when another connection committed to the
    project since the last look; the undo history is cleared then (its steps were built on what was shown).
    True when there was something to take in."""
    project = session.project
    if project is None or not project.changed_elsewhere():
        return False
    session.history.clear()
    session.refresh_labels()
    document = session.document
    if document is not None and document.id is not None:
        try:
            fresh = project.document(document.id)
        except NerdeskError:  # deleted elsewhere
            session.open_document(None)
        else:
            if fresh.text == document.text:  # the same text: its spans again, the view keeps its place
                session.document = fresh
                session.listener.spans_changed(document.id)
            else:
                session.open_document(document.id)
    session.listener.documents_changed()
    return True
