"""A bundle whose ``bundle.json`` threshold is no usable logit fails ``nerdesk predict`` and ``nerdesk eval`` with
one line, without numpy's overflow warning."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest
from fixtures_bundle import sentence_documents, shared_tiny_bundle

from nerdesk.cli import main
from nerdesk.formats import write_file
from nerdesk.runtime.bundle import MANIFEST


@pytest.mark.parametrize("threshold", [1e308, -1e308])
def test_a_threshold_out_of_range_is_one_clear_error(tmp_path_factory, tmp_path, capsys, threshold):
    bundle = tmp_path / "bundle"
    shutil.copytree(shared_tiny_bundle(tmp_path_factory), bundle)
    manifest = json.loads((bundle / MANIFEST).read_text("utf-8"))
    manifest["threshold"] = threshold
    (bundle / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    texts = tmp_path / "texts.txt"
    texts.write_text("张伟在北京大学读书。\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    write_file(sentence_documents(), gold, "jsonl")
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarning would fail the test
        assert main(["predict", str(texts), "--model", str(bundle), "--out", str(tmp_path / "out.jsonl")]) == 1
        assert main(["eval", "--model", str(bundle), str(gold)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("nerdesk: error")]
    assert errors == [f"nerdesk: error E306: the decision threshold {threshold!r} is not a logit between -100 and "
                      "100; set the bundle's threshold (bundle.json) to such a number, 0 being the model's own "
                      "decision boundary"] * 2
    assert not (tmp_path / "out.jsonl").exists()
