"""The Retrain panel lists what the training process says about its data and its model: the documents read,
the vocabulary grown, the decision threshold chosen (each its own progress event), in retrain's words."""

from __future__ import annotations

import json
from types import SimpleNamespace

from nerdesk.gui.retrain_process import RetrainProcess
from nerdesk.workflows.progress import parse_progress_line


def test_the_encoding_vocabulary_and_threshold_lines_are_all_listed(qtbot):
    process = RetrainProcess()
    process.run = SimpleNamespace(staging_dir="/s", final_dir="/f")
    process.events = []
    noted: list[str] = []
    process.noted.connect(noted.append)
    for line in ({"event": "vocabulary", "message": "5 characters ... join its vocabulary (肾 炎)", "added": 5},
                 {"event": "data", "message": "9 documents read as 9 windows of text", "train": {}},
                 {"event": "threshold", "message": "decision threshold set …: dev F1 2.3 -> 7.6", "threshold": -2.5}):
        process._handle(parse_progress_line(json.dumps(line, ensure_ascii=False)))
    assert noted == ["5 characters ... join its vocabulary (肾 炎)", "9 documents read as 9 windows of text",
                     "decision threshold set …: F1 on the evaluation set 2.3 -> 7.6"]
