"""``nerdesk eval`` says when its scores cannot mean what they seem: a model bound to other labels than its
``bundle.json`` lists, gold labels the model cannot predict, files without gold spans, and bad ``--threads``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fixtures_bundle import sentence_documents, shared_tiny_bundle

from nerdesk.cli import main
from nerdesk.core import Document, Span
from nerdesk.core.errors import ModelBundleError
from nerdesk.formats import write_file
from nerdesk.runtime.bundle import MANIFEST
from nerdesk.storage import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.evaluation import label_warnings, other_script_reason
from nerdesk.workflows.evaluation_set import EvaluationSet
from nerdesk.workflows.models import activate, repredict_unreviewed


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)  # labels PER, LOC, ORG


def gold_file(path: Path, documents: list[Document]) -> Path:
    write_file(documents, path, "jsonl")
    return path


def relabelled(mapping: dict[str, str]) -> list[Document]:
    return [Document(doc.text, [Span(s.start, s.end, mapping.get(s.label, s.label)) for s in doc.spans])
            for doc in sentence_documents()]


def eval_run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["eval", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_gold_labels_the_model_does_not_know_at_all_are_an_error(bundle, tmp_path, capsys):
    data = gold_file(tmp_path / "gold.jsonl", relabelled({"PER": "person", "LOC": "place", "ORG": "company"}))
    code, out, err = eval_run(capsys, "--model", str(bundle), str(data))
    assert code == 1 and out == ""
    assert err.startswith("nerdesk: error E010: none of the gold spans' labels ('person' (7 spans), 'company' (4 spans)")
    assert "'PER', 'LOC', 'ORG'" in err and err.count("\n") == 1


def test_gold_labels_the_model_cannot_predict_are_named_in_a_warning(bundle, tmp_path, capsys):
    data = gold_file(tmp_path / "gold.jsonl", relabelled({"ORG": "company"}))
    code, out, err = eval_run(capsys, "--model", str(bundle), str(data), "--json")
    assert code == 0
    assert err == ("nerdesk: warning: the model cannot predict the gold label 'company' (4 spans): their 4 spans "
                   "count as missed (the model predicts 'PER', 'LOC', 'ORG')\n")
    report = json.loads(out)
    assert report["per_label"]["company"]["support"] == 4 and report["per_label"]["company"]["recall"] == 0


def test_the_right_labels_give_no_warning(bundle, tmp_path, capsys):
    data = gold_file(tmp_path / "gold.jsonl", sentence_documents())
    code, out, err = eval_run(capsys, "--model", str(bundle), str(data))
    assert code == 0 and err == "" and "micro" in out


def test_documents_without_gold_spans_are_scored_with_a_warning(bundle, tmp_path, capsys):
    data = gold_file(tmp_path / "texts.jsonl", [Document(doc.text) for doc in sentence_documents()])
    code, out, err = eval_run(capsys, "--model", str(bundle), str(data))
    assert code == 0 and "micro" in out
    assert err == "nerdesk: warning: none of the 8 documents has gold spans; the scores mean nothing\n"


def test_one_document_without_gold_spans_is_counted_in_the_singular():
    assert label_warnings(["PER"], [Document("abc")]) == ["the document has no gold spans; the scores mean nothing"]


@pytest.mark.parametrize("threads", ["0", "-2"])
def test_threads_below_one_are_refused_before_any_work(bundle, tmp_path, capsys, threads):
    data = gold_file(tmp_path / "gold.jsonl", sentence_documents())
    code, out, err = eval_run(capsys, "--model", str(bundle), str(data), f"--threads={threads}")
    assert code == 1 and out == ""
    assert err == f"nerdesk: error E544: --threads must be at least 1, not {threads}; leave it out to let ONNX " \
                  "Runtime choose\n"


def swapped_copy(bundle: Path, directory: Path) -> Path:
    """The bundle with its first two label names swapped in bundle.json (which the file hashes do not cover)."""
    copy = directory / "swapped"
    shutil.copytree(bundle, copy)
    manifest = json.loads((copy / MANIFEST).read_text("utf-8"))
    labels = manifest["labels"]
    labels[0]["name"], labels[1]["name"] = labels[1]["name"], labels[0]["name"]
    (copy / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return copy


def test_a_bundle_json_bound_to_other_labels_than_its_model_is_refused_by_eval(bundle, tmp_path, capsys):
    data = gold_file(tmp_path / "gold.jsonl", sentence_documents())
    code, out, err = eval_run(capsys, "--model", str(swapped_copy(bundle, tmp_path)), str(data))
    assert code == 1 and out == ""
    assert "error E321" in err and "trained for the labels ['PER', 'LOC', 'ORG']" in err and err.count("\n") == 1


def test_activating_such_a_bundle_is_refused_and_stores_nothing(bundle, tmp_path):
    swapped = swapped_copy(bundle, tmp_path)
    with Project.create(tmp_path / "p.nerdesk") as project:
        project.add_documents([Document(doc.text) for doc in sentence_documents()])
        model_id = project.register_model(name="swapped", bundle_path=swapped, metrics={}, settings={},
                                          trained_on={})
        with pytest.raises(ModelBundleError) as caught:
            activate(project, model_id, threads=1)
        assert caught.value.code == "E321" and project.active_model() is None
        with pytest.raises(ModelBundleError):
            repredict_unreviewed(project, swapped, threads=1)
        assert not any(doc.predictions for doc in project.all_documents())


def test_a_project_version_that_predicts_none_of_the_evaluation_labels_is_not_scored(bundle):
    version = ModelVersion(1, "tiny", bundle)
    other = EvaluationSet(relabelled({"PER": "person", "LOC": "place", "ORG": "company"}), 0, 8)
    assert other_script_reason(version, other) == ("not scored: the model predicts 'PER', 'LOC', 'ORG', none of the "
                                                   "labels of the evaluation set's gold spans ('company', 'person', "
                                                   "'place')")
    assert other_script_reason(version, EvaluationSet(relabelled({"ORG": "company"}), 0, 8)) is None
    assert other_script_reason(version, EvaluationSet([Document(d.text) for d in sentence_documents()], 0, 8)) is None
