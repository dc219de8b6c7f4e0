"""The demo project's English documents: the general ones predicted with the embedded English model and the
biomedical ones with the English biomedical model when each is installed, left unpredicted (without an error)
when it is not. The embedded models are tiny test bundles in a
models folder of the test's own."""

from __future__ import annotations

import shutil
import time

import pytest
from fixtures_bundle import shared_tiny_bundle
from fixtures_english import install_english_model

from nerdesk.storage import Project
from nerdesk.workflows.default_models import BIOMEDICAL_EN, GENERAL_EN, MEDICAL_ZH, MODELS_ENV, text_script
from nerdesk.workflows.demo import DEMO_TEXTS, demo_texts_dir, ensure_demo_project


@pytest.fixture
def models(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv(MODELS_ENV, str(folder))
    return folder


def documents_by_script(path) -> tuple[dict, dict, str | None, dict[str, str]]:
    with Project.open(path) as project:
        documents = list(project.all_documents())
        active = project.active_model()
        versions = {version.bundle_path.name: version.name for version in project.model_versions()}
    chinese = {doc.text: doc for doc in documents if text_script([doc.text]) == "cjk"}
    english = {doc.text: doc for doc in documents if doc.text in file_lines("english.txt")}
    return chinese, english, active.bundle_path.name if active else None, versions


def file_lines(name: str) -> list[str]:
    return (demo_texts_dir() / name).read_text("utf-8").splitlines()


def biomedical_documents(path) -> list:
    with Project.open(path) as project:
        return [doc for doc in project.all_documents() if doc.text in file_lines("biomedical.txt")]


def test_the_demo_has_english_documents_written_for_it():
    english, biomedical = file_lines("english.txt"), file_lines("biomedical.txt")
    assert DEMO_TEXTS["english.txt"] == GENERAL_EN and 6 <= len(english) <= 10
    assert DEMO_TEXTS["biomedical.txt"] == BIOMEDICAL_EN and 4 <= len(biomedical) <= 10
    assert all(text_script([line]) == "latin" for line in english + biomedical)


def eager_chinese_bundle(directory) -> None:
    """The tiny Chinese model with a decision threshold far below its scores: the demo's clinical notes are
    unlike the sentences it learnt, and with its own threshold it may find nothing in them, which would leave
    no trace of which model predicted them."""
    from fixtures_bundle import LABELS, sentence_documents, shared_tiny_model

    from nerdesk.training.export import export_bundle

    export_bundle(*shared_tiny_model(), directory, labels=LABELS, dev_documents=sentence_documents(), threshold=-30.0)


def test_each_demo_document_is_predicted_by_the_model_for_its_script(models, tmp_path, tmp_path_factory):
    eager_chinese_bundle(models / MEDICAL_ZH)
    install_english_model(models, tmp_path_factory)
    began = time.perf_counter()
    path = ensure_demo_project(tmp_path / "data")
    seconds = time.perf_counter() - began
    chinese, english, active, versions = documents_by_script(path)
    assert len(english) == 8 and len(chinese) == 10
    assert active == MEDICAL_ZH and set(versions) == {MEDICAL_ZH, GENERAL_EN}
    # every document went through a model (its status says so), and only through the one for its script
    assert all(doc.status == "predicted" for doc in [*chinese.values(), *english.values()])
    english_versions = {span.model_version for doc in english.values() for span in doc.predictions}
    chinese_versions = {span.model_version for doc in chinese.values() for span in doc.predictions}
    assert english_versions <= {versions[GENERAL_EN]}
    assert chinese_versions == {versions[MEDICAL_ZH]}
    assert seconds < 10, f"building the demo took {seconds:.1f} s"
    # the biomedical model is not installed here: its documents wait, without an error
    assert all(doc.status == "new" and not doc.predictions for doc in biomedical_documents(path))


def test_the_biomedical_documents_are_predicted_by_the_biomedical_model(models, tmp_path, tmp_path_factory):
    shutil.copytree(shared_tiny_bundle(tmp_path_factory), models / BIOMEDICAL_EN)
    path = ensure_demo_project(tmp_path / "data")
    chinese, english, active, versions = documents_by_script(path)
    biomedical = biomedical_documents(path)
    assert active == BIOMEDICAL_EN and set(versions) == {BIOMEDICAL_EN}
    assert len(biomedical) == len(file_lines("biomedical.txt"))
    assert all(doc.status == "predicted" for doc in biomedical)
    assert all(doc.status == "new" for doc in [*chinese.values(), *english.values()])


def test_without_the_english_model_its_documents_stay_unpredicted(models, tmp_path, tmp_path_factory):
    shutil.copytree(shared_tiny_bundle(tmp_path_factory), models / MEDICAL_ZH)
    chinese, english, active, versions = documents_by_script(ensure_demo_project(tmp_path / "data"))
    assert active == MEDICAL_ZH and set(versions) == {MEDICAL_ZH}
    assert all(not doc.predictions and doc.status == "new" for doc in english.values())
    assert all(doc.status == "predicted" for doc in chinese.values())


def test_with_only_the_english_model_it_is_the_active_one(models, tmp_path, tmp_path_factory):
    install_english_model(models, tmp_path_factory)
    chinese, english, active, _ = documents_by_script(ensure_demo_project(tmp_path / "data"))
    assert active == GENERAL_EN
    assert all(not doc.predictions and doc.status == "new" for doc in chinese.values())
    assert all(doc.status == "predicted" for doc in english.values())
