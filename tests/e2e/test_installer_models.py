"""Embedded models by name: ``nerdesk predict --model zh-general-cluener`` and ``nerdesk models``, with the
real shipped bundles, as an installed app finds them (``NERDESK_MODELS_DIR`` standing in for the folder
beside the executable)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nerdesk.cli import main
from nerdesk.core.errors import ModelBundleError
from nerdesk.workflows.default_models import GENERAL_ZH, MODELS_ENV, embedded_model_names, resolve_model
from tests.conftest import REPO_ROOT

MODELS = REPO_ROOT / "models"

pytestmark = pytest.mark.skipif(not (MODELS / GENERAL_ZH / "bundle.json").is_file(), reason="no embedded models")


@pytest.fixture
def installed_models(tmp_path, monkeypatch):
    """A copy of the general model in a models folder elsewhere, as an installed app has it."""
    folder = tmp_path / "app" / "models"
    shutil.copytree(MODELS / GENERAL_ZH, folder / GENERAL_ZH)
    monkeypatch.setenv(MODELS_ENV, str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


def test_a_name_resolves_to_the_embedded_bundle(installed_models):
    assert embedded_model_names() == [GENERAL_ZH]
    assert resolve_model(GENERAL_ZH) == installed_models / GENERAL_ZH


def test_a_directory_of_the_same_name_wins(installed_models, tmp_path):
    (tmp_path / GENERAL_ZH).mkdir()
    assert resolve_model(GENERAL_ZH).resolve() == (tmp_path / GENERAL_ZH).resolve()


def test_training_may_start_from_an_embedded_model_by_name(installed_models, tmp_path):
    from nerdesk.workflows.default_models import directory_or_embedded
    from nerdesk.workflows.start_points import StartPoint

    assert directory_or_embedded(GENERAL_ZH) == installed_models / GENERAL_ZH  # nerdesk train --init NAME
    assert StartPoint.from_argument(GENERAL_ZH).path == str(installed_models / GENERAL_ZH)  # retrain --start NAME
    (tmp_path / GENERAL_ZH).mkdir()
    assert directory_or_embedded(GENERAL_ZH) == Path(GENERAL_ZH)  # a directory of that name wins
    assert directory_or_embedded("zh-nope") == Path("zh-nope")  # left for the start to report (E413)


def test_an_unknown_name_lists_the_embedded_models(installed_models):
    with pytest.raises(ModelBundleError, match=f"zh-nope.*embedded: {GENERAL_ZH}.*nerdesk models") as caught:
        resolve_model("zh-nope")
    assert caught.value.code == "E565"
    assert str(resolve_model("some/where")) == "some/where"  # a path: Bundle.load explains what is wrong


def test_predict_by_name_equals_predict_by_path(installed_models, tmp_path, capsys):
    texts = tmp_path / "texts.txt"
    texts.write_text("张伟在北京大学读书。\n腾讯公司的总部在深圳。\n", encoding="utf-8")
    by_name, by_path = tmp_path / "by-name.jsonl", tmp_path / "by-path.jsonl"
    assert main(["predict", str(texts), "--model", GENERAL_ZH, "--out", str(by_name), "--quiet"]) == 0
    assert main(["predict", str(texts), "--model", str(MODELS / GENERAL_ZH), "--out", str(by_path), "--quiet"]) == 0
    named = [json.loads(line) for line in by_name.read_text(encoding="utf-8").splitlines()]
    assert named == [json.loads(line) for line in by_path.read_text(encoding="utf-8").splitlines()]
    assert any(span["label"] == "name" and span["text"] == "张伟" for span in named[0]["spans"])


def test_predict_with_an_unknown_name_fails_with_one_line(installed_models, tmp_path, capsys):
    texts = tmp_path / "texts.txt"
    texts.write_text("张伟\n", encoding="utf-8")
    assert main(["predict", str(texts), "--model", "zh-nope", "--out", str(tmp_path / "o.jsonl")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "nerdesk models" in error
    assert not (tmp_path / "o.jsonl").exists()


def test_eval_by_name_equals_eval_by_path(installed_models, tmp_path, capsys):
    data = tmp_path / "gold.json"
    data.write_text('{"text": "张伟在北京大学读书。", "label": {"name": {"张伟": [[0, 1]]}}}\n', encoding="utf-8")
    assert main(["eval", "--model", GENERAL_ZH, str(data), "--json"]) == 0
    by_name = json.loads(capsys.readouterr().out)
    assert main(["eval", "--model", str(MODELS / GENERAL_ZH), str(data), "--json"]) == 0
    assert by_name == json.loads(capsys.readouterr().out)
    assert by_name["per_label"]["name"]["support"] == 1


def test_eval_with_an_unknown_name_fails_with_one_line(installed_models, tmp_path, capsys):
    data = tmp_path / "gold.json"
    data.write_text('{"text": "张伟", "label": {"name": {"张伟": [[0, 1]]}}}\n', encoding="utf-8")
    assert main(["eval", "--model", "zh-nope", str(data)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "E565" in error and "nerdesk models" in error


def test_models_lists_names_labels_and_folder(installed_models, capsys):
    assert main(["models"]) == 0
    output = capsys.readouterr().out
    f1 = json.loads((MODELS / GENERAL_ZH / "bundle.json").read_text("utf-8"))["quantization"]["f1_int8"] / 100
    assert output.startswith(f"{GENERAL_ZH}  10 labels, int8 model, dev F1 {100 * f1:.1f}: address, book")  # not fp32's
    assert str(installed_models) in output
    assert main(["models", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == GENERAL_ZH and row["path"] == str(installed_models / GENERAL_ZH)
    assert len(row["labels"]) == 10 and row["variant"] == "int8" and row["dev_f1"] == pytest.approx(f1)


def test_models_names_the_split_of_each_score(installed_models, capsys):
    manifest_path = installed_models / GENERAL_ZH / "bundle.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    f1 = manifest["quantization"]["f1_int8"] / 100  # of the int8 model that runs, measured where fp32 scored its F1
    manifest["metrics"] = {**manifest["metrics"], "split": "test"}  # trained on its corpus's dev split too
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    assert main(["models"]) == 0
    assert capsys.readouterr().out.startswith(f"{GENERAL_ZH}  10 labels, int8 model, test F1 {100 * f1:.1f}: address")
    assert main(["models", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["dev_f1"] is None and row["test_f1"] == f1


def test_a_reader_that_leaves_early_ends_the_command_quietly(installed_models):
    import subprocess
    import sys

    command = [sys.executable, "-c", "from nerdesk.cli import main; raise SystemExit(main(['models', '--json']))"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # as `| head -0` does: nothing reads what the command writes
        error = process.stderr.read().decode()
    assert process.returncode == 141 and "Traceback" not in error, error


def test_models_says_where_it_looked_when_there_are_none(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(MODELS_ENV, str(tmp_path / "empty"))
    assert main(["models"]) == 0
    assert f"no embedded models in {tmp_path / 'empty'}" in capsys.readouterr().out
