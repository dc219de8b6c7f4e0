"""The automatic start's probe scores the candidates only on reviewed documents no version learnt from:
a version probed on its own training documents finds nearly every boundary (100% on the Resume corpus after
one round), which says nothing of the documents to come. A retraining records the documents it learnt from."""

from __future__ import annotations

from fixtures_bundle import training_documents
from test_retrain_workflow import QUICK, build_project, sorted_tiny_bundle  # noqa: F401 (the fixture)

from nerdesk.core import Document, Span
from nerdesk.storage import Project
from nerdesk.workflows import probe
from nerdesk.workflows.evaluation_set import training_documents as trainable
from nerdesk.workflows.learnt_documents import LEARNT_DOCUMENTS, as_id_ranges, learnt_document_ids
from nerdesk.workflows.retrain_subprocess import run_retrain
from nerdesk.workflows.start_points import StartPoint

NEW_DOCUMENTS = [Document(f"第{n}位新患者王五在北京就诊。", [Span(4, 6, "NEW")], status="reviewed") for n in range(6)]


def reviewed_project(path, bundle, trained_on) -> Project:
    """The fixture's documents reviewed, a version that learnt them (as ``trained_on`` says), then new ones."""
    project = Project.create(path)
    documents = training_documents()
    for document in documents:
        document.status = "reviewed"
    project.add_documents(documents)
    learnt = [doc.id for doc in project.all_documents(status="reviewed")]
    project.register_model(name="v1", bundle_path=bundle, metrics={}, settings={},
                           trained_on=trained_on(learnt))
    project.add_documents([Document(doc.text, list(doc.spans), status="reviewed") for doc in NEW_DOCUMENTS])
    return project


def probed_documents(project, monkeypatch) -> tuple[list[str], probe.Candidate | None]:
    """The texts each candidate was probed on (the same for all), and the probe's choice."""
    probed: list[list[str]] = []
    real = probe.boundary_f1
    monkeypatch.setattr(probe, "boundary_f1",
                        lambda bundle, sample: probed.append([doc.text for doc in sample]) or real(bundle, sample))
    chosen = probe.best_candidate(project, {"NEW", "PER"})
    assert probed and all(texts == probed[0] for texts in probed)
    return probed[0], chosen


def test_the_probe_leaves_out_the_documents_a_version_learnt_from(sorted_tiny_bundle, tmp_path, monkeypatch):  # noqa: F811
    def recorded(ids):
        return {LEARNT_DOCUMENTS: as_id_ranges(ids)}

    with reviewed_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle, recorded) as project:
        texts, chosen = probed_documents(project, monkeypatch)
        assert sorted(texts) == sorted(doc.text for doc in NEW_DOCUMENTS)
        if chosen is not None:
            assert f"in {len(NEW_DOCUMENTS)} of your reviewed documents that none of your versions learnt from" \
                in chosen.reason


def test_a_version_that_does_not_say_what_it_learnt_is_probed_with_a_warning(sorted_tiny_bundle, tmp_path,  # noqa: F811
                                                                              monkeypatch):
    """A version registered before the record was kept may have learnt from any document: the probe cannot
    leave its documents out, and says that its figures flatter the versions."""
    with reviewed_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle, lambda ids: {}) as project:
        texts, chosen = probed_documents(project, monkeypatch)
        assert set(texts) & {doc.text for doc in training_documents()}  # the documents v1 learnt from
        assert chosen is not None and "which your versions may have learnt from" in chosen.reason
        assert "flatter" in chosen.reason


def test_the_id_ranges_round_trip():
    assert as_id_ranges([7, 1, 3, 2, 2]) == [[1, 3], [7, 7]]
    assert learnt_document_ids({LEARNT_DOCUMENTS: [[1, 3], [7, 7]]}) == {1, 2, 3, 7}
    assert learnt_document_ids({}) is None and learnt_document_ids({LEARNT_DOCUMENTS: [["1", 3]]}) is None


def test_a_retraining_records_the_documents_it_learnt_from(sorted_tiny_bundle, tmp_path):  # noqa: F811
    with build_project(tmp_path / "notes.nerdesk", sorted_tiny_bundle) as project:
        result = run_retrain(project, start=StartPoint("active"), options=QUICK)
        learnt = {doc.id for doc in trainable(list(project.all_documents(status="reviewed")))}
        assert learnt and learnt_document_ids(result.model.trained_on) == learnt


def test_a_version_that_cannot_be_probed_does_not_count(tmp_path, monkeypatch):
    """A version whose folder is gone is no candidate: that it does not say what it learnt must not make the
    probe take its figures for flattered ones."""
    samples = []
    real = probe.probe_sample
    monkeypatch.setattr(probe, "probe_sample", lambda *args: samples.append(real(*args)) or samples[-1])
    with Project.create(tmp_path / "notes.nerdesk") as project:
        project.add_documents([Document(doc.text, list(doc.spans), status="reviewed") for doc in NEW_DOCUMENTS])
        project.register_model(name="gone", bundle_path=tmp_path / "gone", metrics={}, settings={}, trained_on={})
        probe.best_candidate(project, {"NEW"})
        assert len(samples[0].documents) == len(NEW_DOCUMENTS) and not samples[0].learnt
