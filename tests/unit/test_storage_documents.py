"""Bulk import, reading back, streaming and the document list queries."""

from __future__ import annotations

import time

import pytest

from nerdesk.core import PRED, Document, ProjectError, Span, SpanError
from nerdesk.storage import DocumentSummary, Project


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.nerdesk") as project:
        yield project


def sample_documents():
    return [
        Document("Alice met Bob in Paris.", [Span(0, 5, "PER"), Span(10, 13, "PER"), Span(17, 22, "LOC")],
                 name="first"),
        Document("The Bank of Paris\r\nopened.", [Span(0, 17, "ORG"), Span(12, 17, "LOC")], split="train"),
        Document("Nothing here  at all 👋🏽.", status="reviewed"),
        Document("Paris again", [Span(0, 5, "LOC"), Span(0, 5, "LOC", PRED, 0.9, "m1")]),
    ]


def test_documents_round_trip_exactly(project):
    originals = sample_documents()
    ids = project.add_documents(originals)
    assert ids == [1, 2, 3, 4]
    for doc_id, original in zip(ids, originals, strict=True):
        stored = project.document(doc_id)
        assert stored.text == original.text  # \r\n, double spaces and emoji modifiers survive
        assert sorted(stored.spans, key=repr) == sorted(original.spans, key=repr)
        assert (stored.name, stored.status, stored.split, stored.id) == (
            original.name, original.status, original.split, doc_id)
    assert project.label_set().names == ["PER", "LOC", "ORG"]


def test_ids_continue_after_deletion(project):
    project.add_documents(sample_documents())
    project.delete_documents([4])
    assert project.add_documents([Document("new")]) == [5]


def test_one_bad_span_leaves_the_project_unchanged(project):
    project.add_documents(sample_documents())
    before = [(d.text, d.spans) for d in project.all_documents()]
    labels_before = project.label_set().names
    good = [Document(f"doc {i}", [Span(0, 3, "NEWLABEL")]) for i in range(5000)]
    bad = Document("short", [Span(2, 9, "NEWLABEL")], name="broken.txt")
    where = r"document 4001 \(broken.txt\).*outside the text.*nothing was stored"
    with pytest.raises(SpanError, match=where) as caught:
        project.add_documents([*good[:4000], bad, *good[4000:]])
    assert caught.value.code == "E003"
    assert [(d.text, d.spans) for d in project.all_documents()] == before
    assert project.label_set().names == labels_before
    assert project.add_documents([Document("after")]) == [5]


@pytest.mark.parametrize("span", [Span(3, 3, "X"), Span(-1, 2, "X"), Span(0, 2, ""), Span(0, 2, "X", "silver")])
def test_malformed_spans_are_rejected(project, span):
    with pytest.raises(SpanError):
        project.add_documents([Document("abcdef", [span])])
    assert project.count_documents() == 0


def test_unknown_status_is_rejected(project):
    with pytest.raises(ProjectError, match="document 2.*unknown status 'done'") as caught:
        project.add_documents([Document("a"), Document("b", status="done")])
    assert caught.value.code == "E231"
    assert project.count_documents() == 0


def test_duplicate_spans_in_input_are_stored_once(project):
    [doc_id] = project.add_documents([Document("abc", [Span(0, 1, "X"), Span(0, 1, "X")])])
    assert project.spans(doc_id) == [Span(0, 1, "X")]


def test_progress_reports_reach_the_total(project):
    seen = []
    project.add_documents((Document(f"t{i}") for i in range(4500)), progress=seen.append)
    assert seen[-1] == 4500
    assert seen == sorted(seen) and len(seen) >= 3


@pytest.mark.parametrize("count", [3, 4500])
def test_an_error_raised_by_the_last_progress_call_rolls_everything_back(project, count):
    """The last progress report comes before the commit, so cancelling at 100 % still adds nothing."""
    reports = []

    def cancel_at_the_end(done: int) -> None:
        reports.append(done)
        if done == count:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        project.add_documents([Document(f"t{i}", [Span(0, 1, "NEW")]) for i in range(count)],
                              progress=cancel_at_the_end, labels=["DECLARED"])
    assert reports[-1] == count
    assert project.count_documents() == 0 and project.label_set().names == []


def test_spans_filtered_by_source(project):
    [*_, doc_id] = project.add_documents(sample_documents())
    assert project.spans(doc_id, "gold") == [Span(0, 5, "LOC")]
    assert project.spans(doc_id, "pred") == [Span(0, 5, "LOC", PRED, 0.9, "m1")]


def test_missing_document_is_a_project_error(project):
    with pytest.raises(ProjectError, match="no document with id 42") as caught:
        project.document(42)
    assert caught.value.code == "E230"


def test_all_documents_streams_in_batches_with_filters(project):
    docs = [Document(f"text {i}", [Span(0, 4, "T")], split="dev" if i % 3 == 0 else "train") for i in range(1203)]
    project.add_documents(docs)
    streamed = list(project.all_documents())
    assert [d.text for d in streamed] == [d.text for d in docs]
    assert all(d.spans == [Span(0, 4, "T")] for d in streamed)
    assert len(list(project.all_documents(split="dev"))) == 401
    project.set_status([1, 2], "reviewed")
    assert [d.id for d in project.all_documents(status="reviewed")] == [1, 2]
    assert [d.id for d in project.all_documents(status=["reviewed"], split="dev")] == [1]


def test_list_queries_filter_and_count(project):
    project.add_documents(sample_documents())
    assert project.document_ids(label="LOC") == [1, 2, 4]
    assert project.document_ids(search="paris") == [1, 2, 4]  # ASCII case-insensitive
    assert project.document_ids(search="first") == [1]  # the name counts too
    assert project.document_ids(search="50%") == []  # LIKE wildcards are taken literally
    assert project.document_ids(status="reviewed") == [3]
    assert project.document_ids(split="train") == [2]
    assert project.count_documents(label="LOC", search="again") == 1
    assert project.count_documents(status=["new", "reviewed"]) == 4


def test_summaries_page_through_the_list(project):
    project.add_documents(sample_documents())
    page = project.document_summaries(offset=1, limit=2)
    assert page == [
        DocumentSummary(2, "The Bank of Paris opened.", "new", 2, 0, 26, "train"),
        DocumentSummary(3, "Nothing here at all 👋🏽.", "reviewed", 0, 0, 24),
    ]
    # The prediction of document 4 is a twin of its gold span: not pending, so not counted.
    assert project.document_summaries(label="LOC")[-1] == DocumentSummary(4, "Paris again", "new", 1, 0, 11)
    assert project.document_summaries()[0].title == "first"
    assert project.document_summaries()[0].opening == "Alice met Bob in Paris.", "the list can show a named text's beginning"


def test_summaries_count_the_pending_predictions_the_view_shows(project):
    project.add_documents([Document("患者\r\n头痛👨‍👩‍👧三天。", [Span(0, 2, "X", PRED, 0.9, "m"), Span(4, 6, "Y", PRED, 0.3, "m"),
                                                       Span(4, 6, "Y"), Span(11, 13, "Z", PRED, 0.5, "m")])])
    counts = {score: project.document_summaries(min_score=score)[0].pred_count for score in (0.0, 0.5, 0.6, 0.95)}
    assert counts == {0.0: 2, 0.5: 2, 0.6: 1, 0.95: 0}  # the 0.3 twin of a gold span never counts


def test_status_split_and_delete(project):
    project.add_documents(sample_documents())
    project.set_status([1, 4], "reviewed")
    project.set_split([1, 3], "test")
    assert project.document_ids(status="reviewed") == [1, 3, 4]
    assert project.document_ids(split="test") == [1, 3]
    with pytest.raises(ProjectError) as caught:
        project.set_status([1], "done")
    assert caught.value.code == "E231"
    project.delete_documents([1, 2])
    assert project.document_ids() == [3, 4]
    assert project.db.execute("SELECT count(*) FROM spans WHERE doc_id IN (1, 2)").fetchone()[0] == 0


def test_bulk_import_of_100k_spans(project):
    """Loose bound only; the benchmark measures the real figure."""
    text = "甲乙丙丁戊己庚辛壬癸" * 4
    docs = [Document(text, [Span(i, i + 2, f"L{i % 5}") for i in range(0, 40, 2)]) for _ in range(5000)]
    started = time.perf_counter()
    project.add_documents(docs)
    elapsed = time.perf_counter() - started
    assert project.stats()["spans"]["gold"] == 100_000
    assert elapsed < 30, f"100k spans took {elapsed:.1f} s"
