"""Error wording: a file where a folder is needed is named as such (it said "File exists"), and ``nerdesk
predict`` with a bad input record says nothing was predicted (it said "nothing was imported")."""

from __future__ import annotations

import json

import pytest

from nerdesk.cli import main
from nerdesk.core.errors import FormatError
from nerdesk.formats import write_file
from nerdesk.workflows.default_models import GENERAL_EN, embedded_model_names


def test_an_output_under_a_file_names_the_file(tmp_path):
    (tmp_path / "in.txt").write_text("x", "utf-8")
    for out in (tmp_path / "in.txt" / "x.jsonl", tmp_path / "in.txt" / "a" / "x.jsonl"):
        with pytest.raises(FormatError) as refused:
            write_file([], out, "jsonl")
        assert refused.value.code == "E109"
        assert str(refused.value).endswith(f"cannot write here: {tmp_path / 'in.txt'} is a file, not a folder")


@pytest.mark.skipif(GENERAL_EN not in embedded_model_names(), reason="the embedded English model is not built")
def test_predict_with_a_bad_record_says_nothing_was_predicted(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "Anna went to Boston"}) + "\n" + json.dumps({"text": 3}) + "\n", "utf-8")
    assert main(["predict", str(source), "--model", GENERAL_EN, "--out", str(tmp_path / "out.jsonl")]) != 0
    error = capsys.readouterr().err
    assert "E100: 1 bad record; nothing was predicted:" in error and "E110" in error
    assert "imported" not in error
    assert main(["import", str(tmp_path / "p.nerdesk"), str(source)]) != 0
    assert "nothing was imported" in capsys.readouterr().err
