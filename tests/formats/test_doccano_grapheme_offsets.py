"""doccano projects set to "Count grapheme clusters as one character" (doccano 1.5+) export offsets in grapheme
clusters: v-annotator's TextSelector converts the browser's UTF-16 selection with Text.toGraphemeOffset. Such a
file read as UTF-16 units put its spans on the wrong characters without a word (doccano records carry no
mention to check)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nerdesk.core.document import Document
from nerdesk.core.errors import ImportProblems
from nerdesk.core.spans import Span
from nerdesk.formats import read_file, write_file

TEXT = "👨\u200d👩\u200d👧 Zoe\u0308 visits 東京\r\nand e\u0301cole"
# Counted by hand, one per character as shown: the family 0, space 1, Z 2, o 3, ë 4, ... 東 13, 京 14,
# \r\n 15, a 16, n 17, d 18, space 19, é 20, c 21 ... e 24.
GRAPHEME_LABELS = [[2, 5, "PER"], [13, 15, "LOC"], [20, 25, "ORG"]]
CODE_POINT_KEYS = [(6, 10, "PER"), (18, 20, "LOC"), (26, 32, "ORG")]


def put(tmp_path, records):
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_grapheme_offsets_are_read_with_the_option(tmp_path):
    path = put(tmp_path, [{"id": 7, "text": TEXT, "label": GRAPHEME_LABELS, "Comments": []}])
    (doc,) = read_file(path, format="doccano", offsets="graphemes").documents
    assert sorted(s.key for s in doc.spans) == CODE_POINT_KEYS
    assert [s.mention(TEXT) for s in sorted(doc.spans, key=lambda s: s.start)] == ["Zoe\u0308", "東京", "e\u0301cole"]


def test_read_as_utf16_units_the_misplaced_spans_are_said(tmp_path):
    path = put(tmp_path, [{"text": TEXT, "label": GRAPHEME_LABELS}])
    result = read_file(path, format="doccano")
    assert any("inside a character as doccano shows it" in w and "--offsets graphemes" in w for w in result.warnings)


def test_an_offset_inside_a_surrogate_pair_names_the_option(tmp_path):
    path = put(tmp_path, [{"text": "😀😀 Berlin", "label": [[1, 2, "X"]]}])
    with pytest.raises(ImportProblems, match="--offsets graphemes"):
        read_file(path, format="doccano")


def test_utf16_files_read_as_before_without_a_warning(tmp_path):
    path = put(tmp_path, [{"text": TEXT, "label": [[9, 13, "PER"], [21, 23, "LOC"]]}])
    result = read_file(path, format="doccano")
    assert sorted(s.key for s in result.documents[0].spans) == CODE_POINT_KEYS[:2]
    assert result.warnings == []


def test_written_in_grapheme_clusters_and_read_back(tmp_path):
    doc = Document(TEXT, [Span(*key) for key in CODE_POINT_KEYS] + [Span(26, 27, "LETTER")])
    path = tmp_path / "out.jsonl"
    warnings = write_file([doc], path, "doccano", offsets="graphemes")
    assert warnings[-1] == ("1 span starts or ends inside a grapheme cluster (a character as doccano shows it): "
                            "written widened to whole clusters")
    record = json.loads(path.read_text("utf-8"))
    assert record["label"] == [[2, 5, "PER"], [13, 15, "LOC"], [20, 25, "ORG"], [20, 21, "LETTER"]]
    (back,) = read_file(path, format="doccano", offsets="graphemes").documents
    assert sorted(s.key for s in back.spans) == sorted([*CODE_POINT_KEYS, (26, 28, "LETTER")])


def test_relations_in_grapheme_clusters(tmp_path):
    record = {"text": TEXT, "entities": [{"id": 1, "label": "PER", "start_offset": 2, "end_offset": 5},
                                         {"id": 2, "label": "LOC", "start_offset": 13, "end_offset": 15}],
              "relations": [{"id": 3, "from_id": 1, "to_id": 2, "type": "visits"}]}
    docs = read_file(put(tmp_path, [record]), format="doccano", offsets="graphemes").documents
    write_file(docs, tmp_path / "out.jsonl", "doccano", offsets="graphemes")
    assert json.loads((tmp_path / "out.jsonl").read_text("utf-8"))["entities"] == record["entities"]


def test_command_line_import_and_export(tmp_path):
    source = put(tmp_path, [{"text": TEXT, "label": GRAPHEME_LABELS}])
    project, out = tmp_path / "p.nerdesk", tmp_path / "out.jsonl"
    for command in (["import", str(project), str(source), "--format", "doccano", "--offsets", "graphemes"],
                    ["export", str(project), "--format", "doccano", "--out", str(out), "--offsets", "graphemes"]):
        done = subprocess.run([sys.executable, "-m", "nerdesk", *command], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text("utf-8"))["label"] == GRAPHEME_LABELS


def test_clusters_are_counted_as_doccanos_grapheme_splitter_counts_them(tmp_path):
    # grapheme-splitter 1.0.4 keeps Unicode 10's rules: a virama does not join the next consonant and a ZWJ
    # joins only a few emoji, so "क्ष" is 2 characters and "🧑‍🤝‍🧑" 3 in doccano, 1 each by today's rules.
    text = "क्षत्रिय 🧑\u200d🤝\u200d🧑 Ravi"
    path = put(tmp_path, [{"text": text, "label": [[0, 5, "CASTE"], [10, 14, "PER"]]}])
    (doc,) = read_file(path, format="doccano", offsets="graphemes").documents
    assert [s.mention(text) for s in doc.spans] == ["क्षत्रिय", "Ravi"]


def test_overlapping_spans_are_said_to_need_the_projects_setting(tmp_path):
    # doccano's import (Spans.clean) leaves out, in a project without "Allow overlapping spans", every span
    # that starts before the end of the last one kept: nested spans vanished without a word.
    text = "北京大学医院 and Bank of New York"
    doc = Document(text, [Span(0, 6, "ORG"), Span(0, 2, "LOC"), Span(0, 4, "ORG"), Span(11, 27, "ORG"),
                          Span(19, 27, "LOC")])
    warnings = write_file([doc], tmp_path / "out.jsonl", "doccano")
    assert warnings == ["3 spans overlap an earlier one: doccano imports such spans only into a project with "
                        "'Allow overlapping spans' (without it, its import leaves them out)"]
    assert write_file([Document(text, [Span(0, 2, "LOC"), Span(2, 4, "ORG")])], tmp_path / "flat.jsonl", "doccano") == []


def test_label_items_as_objects_are_read_as_doccano_reads_them(tmp_path):
    # doccano's SpanLabel.parse takes [start, end, label] lists and {"start_offset", "end_offset", "label"}
    # objects in whichever column holds the spans; nerdesk refused the objects under "label".
    record = {"text": "😀 Zoë in 東京", "label": [{"start_offset": 3, "end_offset": 6, "label": "PER"}, [10, 12, "LOC"]]}
    (doc,) = read_file(put(tmp_path, [record]), format="doccano").documents
    assert [s.mention(doc.text) for s in doc.spans] == ["Zoë", "東京"]
