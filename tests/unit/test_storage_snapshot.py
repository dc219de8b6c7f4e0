"""Reading a whole project is one snapshot: a concurrent edit of two documents is never seen half-applied."""

from __future__ import annotations

import threading

import pytest

from nerdesk.core import Document, Span
from nerdesk.storage import Project
from nerdesk.storage.documents import STREAM_BATCH

DOCUMENTS = 3 * STREAM_BATCH


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "snapshot.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(f"文本{i} Beijing", name="v0") for i in range(DOCUMENTS)])
    return path


def edit_first_and_last(path, stop: threading.Event, rounds: list[int]) -> None:
    """Rename the first and the last document together, one transaction per round, until stopped."""
    with Project.open(path) as project:
        first, *_, last = project.document_ids()
        while not stop.is_set():
            version = f"v{rounds[0] + 1}"
            with project.db.conn:  # one transaction covering both rows
                project.db.execute("UPDATE documents SET name = ? WHERE id IN (?, ?)", [version, first, last])
            rounds[0] += 1


def reads_during_edits(path, read) -> list[tuple[str, str]]:
    stop, rounds = threading.Event(), [0]
    writer = threading.Thread(target=edit_first_and_last, args=(path, stop, rounds))
    writer.start()
    pairs = []
    try:
        with Project.open(path) as project:
            while len(pairs) < 12 or rounds[0] < 3:
                documents = read(project)
                pairs.append((documents[0].name, documents[-1].name))
    finally:
        stop.set()
        writer.join()
    assert rounds[0] >= 3, "the writer never ran during the reads"
    return pairs


def test_all_documents_is_never_torn_by_a_concurrent_two_document_edit(project_path):
    pairs = reads_during_edits(project_path, lambda project: list(project.all_documents()))
    assert all(first == last for first, last in pairs), pairs
    assert len({first for first, _ in pairs}) > 1, "every read saw the same state: the edit never overlapped"


def test_a_snapshot_block_sees_one_state_across_several_reads(project_path):
    def read_twice(project):
        with project.read_snapshot():
            head = next(project.all_documents())
            *_, tail = project.all_documents()
            return [head, tail]

    pairs = reads_during_edits(project_path, read_twice)
    assert all(first == last for first, last in pairs), pairs


def test_a_write_after_an_abandoned_stream_still_commits(project_path):
    with Project.open(project_path) as project:
        stream = project.all_documents()
        first = next(stream)
        del stream  # closing the generator ends its read transaction
        assert not project.db.conn.in_transaction
        project.replace_predictions(first.id, [Span(0, 2, "X", "pred", 0.5)], "m")
    with Project.open(project_path) as project:
        assert project.spans(first.id) == [Span(0, 2, "X", "pred", 0.5, "m")]
