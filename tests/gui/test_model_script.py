"""The active model and the open document in different scripts: a notice, a status-bar mark, a suggestion.

The embedded models are looked for in a folder of the test's own (``NERDESK_MODELS_DIR``): the real Chinese
model linked in, and the tiny English test bundle (tests/fixtures_english.py) where a test installs it, so
the tests say the same whether or not the real English model is built.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fixtures_english import install_english_model
from tokenizers import Tokenizer
from tokenizers.models import WordLevel

from nerdesk.core.document import Document
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import GENERAL_EN, GENERAL_ZH, MODELS_ENV, embedded_model, models_dir
from nerdesk.workflows.model_script import CJK, LATIN, bundle_script, script_mismatch
from tests.conftest import dataset_file

ENGLISH = "However, the patient was given interleukin 2 at the hospital in Boston last week."
CHINESE = "张伟在北京大学读书，后来去了上海工作。"


def english_bundle(folder: Path) -> Path:
    """A bundle folder whose tokenizer is a word vocabulary of CoNLL-2003 English (the manifest is copied)."""
    words: dict[str, int] = {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}
    with open(dataset_file("conll2003", "train.conll"), encoding="utf-8") as handle:
        for line in handle:
            word = line.split(" ", 1)[0].strip()
            if word and not word.startswith("-DOCSTART-") and len(words) < 3000:
                words.setdefault(word, len(words))
    folder.mkdir()
    Tokenizer(WordLevel(words, unk_token="[UNK]")).save(str(folder / "tokenizer.json"))
    shutil.copy(embedded_model(GENERAL_ZH) / "bundle.json", folder / "bundle.json")
    return folder


def test_scripts_of_the_embedded_model_and_an_english_vocabulary(tmp_path):
    assert bundle_script(embedded_model(GENERAL_ZH)) == CJK
    assert bundle_script(english_bundle(tmp_path / "en")) == LATIN
    assert bundle_script(tmp_path / "en", {"script": CJK}) == CJK  # the manifest's word wins
    assert script_mismatch(CHINESE, embedded_model(GENERAL_ZH)) is None
    mismatch = script_mismatch(ENGLISH, embedded_model(GENERAL_ZH))
    assert mismatch is not None and (mismatch.document_script, mismatch.model_script) == (LATIN, CJK)
    assert mismatch.suggestion is None and "No embedded model fits" in mismatch.message


@pytest.fixture(autouse=True)
def models(tmp_path, monkeypatch) -> Path:
    """A models folder holding only the real embedded Chinese general model."""
    real = models_dir() / GENERAL_ZH
    folder = tmp_path / "models"
    folder.mkdir()
    if (real / "bundle.json").is_file():
        (folder / GENERAL_ZH).symlink_to(real.resolve(), target_is_directory=True)
    monkeypatch.setenv(MODELS_ENV, str(folder))
    return folder


@pytest.fixture
def project_path(tmp_path) -> Path:
    path = tmp_path / "scripts.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(CHINESE), Document(ENGLISH)])
        model = embedded_model(GENERAL_ZH)
        manifest = json.loads((model / "bundle.json").read_text(encoding="utf-8"))
        model_id = project.register_model(name=manifest["model_version"], bundle_path=model, metrics={},
                                          settings={}, trained_on=manifest["trained_on"])
        project.set_active_model(model_id)
    return path


def test_chinese_model_on_english_text_is_flagged(make_window, project_path, qtbot):
    window = make_window()
    window.open_project(project_path)
    chinese_id, english_id = (window.documents.model.doc_id(row) for row in range(2))
    assert not window.model_panel.script_notice.isVisible()
    assert not window.script_warning.isVisible()
    window.open_document(english_id)
    notice = window.model_panel.script_notice
    assert notice.isVisible() and "Latin-script" in notice.text() and "Chinese" in notice.text()
    assert window.script_warning.isVisible() and "Chinese" in window.script_warning.toolTip()
    assert "Latin-script" in window.statusBar().currentMessage()
    assert not window.model_panel.use_suggested.isVisible()  # no English model is embedded
    qtbot.wait(50)
    window.grab().save("/tmp/shots/script-mismatch.png")
    window.open_document(chinese_id)
    assert not notice.isVisible() and not window.script_warning.isVisible()


def test_an_english_model_on_chinese_text_suggests_the_embedded_one(make_window, project_path, tmp_path, qtbot):
    bundle = english_bundle(tmp_path / "english-model")
    with Project.open(project_path) as project:
        project.set_active_model(project.register_model(name="en-words", bundle_path=bundle, metrics={},
                                                        settings={}, trained_on={}))
    window = make_window()
    window.open_project(project_path)
    assert window.session.document.text == CHINESE
    button = window.model_panel.use_suggested
    assert window.model_panel.script_notice.isVisible() and button.isVisible()
    assert button.text() == f"Use {GENERAL_ZH}"
    button.click()
    assert window.session.project.active_model().bundle_path == embedded_model(GENERAL_ZH).resolve()
    assert not window.model_panel.script_notice.isVisible() and not window.script_warning.isVisible()


def test_english_text_under_the_chinese_model_names_the_embedded_english_model(
        make_window, project_path, models, tmp_path_factory):
    english_model = install_english_model(models, tmp_path_factory)
    window = make_window()
    window.open_project(project_path)
    window.open_document(window.documents.model.doc_id(1))
    notice, button = window.model_panel.script_notice, window.model_panel.use_suggested
    assert notice.isVisible() and f"The embedded model {GENERAL_EN} fits this document" in notice.text()
    assert GENERAL_EN in window.script_warning.toolTip()
    assert button.isVisible() and button.text() == f"Use {GENERAL_EN}"
    button.click()
    assert window.session.project.active_model().bundle_path.resolve() == english_model.resolve()
    assert not notice.isVisible() and not window.script_warning.isVisible()


def test_a_document_predicted_by_a_model_of_its_script_says_whose_predictions_it_shows(
        make_window, project_path, tmp_path):
    # The demo: its English documents are predicted by the English models while the Chinese one is active.
    from nerdesk.core.spans import PRED, Span

    bundle = english_bundle(tmp_path / "english-model")
    with Project.open(project_path) as project:
        project.register_model(name="en-words@1", bundle_path=bundle, metrics={}, settings={},
                               trained_on={"script": LATIN})
        english_id = project.document_ids()[1]
        project.replace_predictions(english_id, [Span(0, 4, "PER", PRED, 0.9, "en-words@1")], "en-words@1")
    window = make_window()
    window.open_project(project_path)
    window.open_document(english_id)
    notice, button = window.model_panel.script_notice, window.model_panel.use_suggested
    assert notice.isVisible() and "its predictions come from en-words, which fits it" in notice.text()
    assert "expect wrong predictions" not in notice.text()
    assert button.isVisible() and button.text() == "Use english-model"
