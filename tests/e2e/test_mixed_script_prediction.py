"""A project of Chinese and English documents: a model predicts again only the documents in its own script.

A Chinese model activated after a retraining (or a roll-back) used to predict the English documents too,
finding nothing there and wiping what the English model had found. Real bundles and ONNX Runtime.
"""

from __future__ import annotations

import pytest
from fixtures_bundle import cluener_dev_texts, shared_tiny_bundle
from fixtures_english import SENTENCES, tiny_english_bundle

from nerdesk.core.document import Document
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage import Project
from nerdesk.workflows import models

ENGLISH = [text for text, _ in SENTENCES[:4]]
CHINESE = [*cluener_dev_texts(5), "患者\r\n自述头痛👨‍👩‍👧三天。"]
TOO_SHORT = ["OK 👍"]  # too few letters to tell its script: every model predicts it
UNPREDICTED_ENGLISH = "Patch notes for version 2.1 are out today."


@pytest.fixture
def mixed_project(tmp_path, tmp_path_factory):
    with Project.create(tmp_path / "mixed.nerdesk") as project:
        project.add_documents([Document(text) for text in [*ENGLISH, *CHINESE, *TOO_SHORT]])
        english = models.register_bundle(project, tiny_english_bundle(tmp_path_factory))
        models.activate(project, english)
        yield project


def predictions_by_text(project: Project) -> dict[str, list]:
    return {doc.text: doc.predictions for doc in project.all_documents()}


def test_a_chinese_model_leaves_the_english_predictions_alone(mixed_project, tmp_path_factory):
    english_found = predictions_by_text(mixed_project)
    assert any(english_found[text] for text in ENGLISH)

    # An English document no model of its script has predicted: a Chinese model would find nonsense there too.
    mixed_project.add_documents([Document(UNPREDICTED_ENGLISH)])
    chinese = models.register_bundle(mixed_project, shared_tiny_bundle(tmp_path_factory))
    targets = models.activate(mixed_project, chinese)

    assert sorted(text for _, text in targets.items) == sorted([*CHINESE, *TOO_SHORT])
    assert targets.other_script == len(ENGLISH) + 1 and targets.model_script == "cjk"
    assert targets.left_alone() == "5 Latin-script documents left as they are (the model was trained on Chinese (CJK) text)"
    assert not predictions_by_text(mixed_project)[UNPREDICTED_ENGLISH]
    after = predictions_by_text(mixed_project)
    assert all(after[text] == english_found[text] for text in ENGLISH)  # spans, scores and model version
    chinese_version = Bundle.load(shared_tiny_bundle(tmp_path_factory), check_models=False).model_version
    assert {span.model_version for text in CHINESE for span in after[text]} == {chinese_version}


def test_an_english_model_leaves_the_chinese_predictions_alone(mixed_project, tmp_path_factory):
    chinese = models.register_bundle(mixed_project, shared_tiny_bundle(tmp_path_factory))
    models.activate(mixed_project, chinese)
    chinese_found = predictions_by_text(mixed_project)
    kept = [text for text in CHINESE if chinese_found[text]]  # what the Chinese model found something in
    assert kept
    english = next(v.id for v in mixed_project.model_versions() if v.id != chinese)

    targets = models.activate(mixed_project, english)  # rolling back to the English model

    after = predictions_by_text(mixed_project)
    assert all(after[text] == chinese_found[text] for text in kept)
    assert targets.other_script == len(CHINESE)  # those the Chinese model found nothing in too
    assert targets.left_alone().startswith(f"{len(CHINESE)} Chinese (CJK) documents left as they are")
