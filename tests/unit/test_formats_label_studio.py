"""Label Studio: the JSON-MIN export, choosing the text field, finished tasks as reviewed documents, and the
review status through an export and import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerdesk.core.document import Document, Status
from nerdesk.core.errors import FormatError, ImportProblems
from nerdesk.core.spans import GOLD, PRED, Span, sort_spans
from nerdesk.formats import detect_format, read_file, write_file


def put(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def region(start: int, end: int, mention: str, label: str) -> dict:
    return {"start": start, "end": end, "text": mention, "labels": [label]}


def json_min(task_id: int, text: str, regions: list[dict], *, key: str = "label", annotation_id: int | None = None,
             field: str = "text") -> dict:
    """A record as label-studio-sdk's Converter writes JSON_MIN (taken from a file it wrote)."""
    record: dict = {field: text, "id": task_id}
    if regions:
        record[key] = regions
    return {**record, "annotator": None, "annotation_id": annotation_id, "created_at": None, "updated_at": None,
            "lead_time": None}


JSON_MIN = [  # from a JSON_MIN file written by label-studio-sdk: offsets in code points, a ZWJ family of 5
    json_min(1, "家庭 👩‍👩‍👧 住在北京市，张三在上海工作。", [
        region(3, 8, "👩‍👩‍👧", "FAM"), region(11, 14, "北京市", "LOC"), region(15, 17, "张三", "PER")]),
    json_min(3, "Line one Paris\r\nLine two 😀 Berlin\r\nAnd 𠀀𠀁 Tokyo", [
        region(9, 14, "Paris", "LOC"), region(27, 33, "Berlin", "LOC"), region(39, 41, "𠀀𠀁", "X")]),
    json_min(5, "中国人民银行在北京", [region(0, 6, "中国人民银行", "ORG"), region(0, 2, "中国", "LOC")]),
    json_min(6, "Double  space  New  York here", [region(15, 24, "New  York", "LOC")]),
]


def mentions(doc: Document) -> list[tuple[str, str]]:
    return [(span.mention(doc.text), span.label) for span in doc.spans]


# -- JSON-MIN ----------------------------------------------------------------------------------------

def test_json_min_export_is_detected_and_read(tmp_path: Path) -> None:
    # It was taken for doccano and refused with an error for each line of the file.
    path = put(tmp_path / "result.json", JSON_MIN)
    assert detect_format(path) == "label-studio"
    result = read_file(path)
    assert result.format == "label-studio" and result.warnings == []
    assert [doc.text for doc in result.documents] == [record["text"] for record in JSON_MIN]
    assert [sorted(mentions(doc)) for doc in result.documents] == [
        sorted((r["text"], r["labels"][0]) for r in record["label"]) for record in JSON_MIN]
    assert [doc.meta for doc in result.documents] == [{"id": 1}, {"id": 3}, {"id": 5}, {"id": 6}]
    assert {doc.status for doc in result.documents} == {"reviewed"}


def test_json_min_with_a_named_tag_other_fields_and_several_annotations(tmp_path: Path) -> None:
    text = "😀😀 Ann in Oslo"
    records = [
        {**json_min(4, text, [region(3, 6, "Ann", "PER")], key="ner", annotation_id=40, field="content"),
         "title": "A title"},
        {**json_min(4, text, [region(10, 14, "Oslo", "LOC")], key="ner", annotation_id=41, field="content"),
         "title": "A title"},
        json_min(5, "Nobody here", [], key="ner", annotation_id=50, field="content") | {"title": "Another"},
        json_min(6, "Not annotated yet", [], field="content") | {"title": "Third"},
    ]
    result = read_file(put(tmp_path / "min.json", records))
    first, empty, new = result.documents
    assert mentions(first) == [("Ann", "PER"), ("Oslo", "LOC")]
    assert first.meta == {"id": 4, "data": {"title": "A title"}, "text_key": "content",
                          "label_studio": {"from_name": "ner"}}
    assert any("several annotations" in warning for warning in result.warnings)
    assert (empty.text, empty.status, new.text, new.status) == ("Nobody here", "reviewed", "Not annotated yet", "new")
    write_file(result.documents, tmp_path / "tasks.json", "label-studio")
    task = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))[0]
    assert task["data"] == {"title": "A title", "content": text}
    assert {(r["from_name"], r["to_name"], r["value"]["text"]) for r in task["annotations"][0]["result"]} == {
        ("ner", "content", "Ann"), ("ner", "content", "Oslo")}


def test_json_min_with_utf16_offsets_is_read_like_the_full_export(tmp_path: Path) -> None:
    result = read_file(put(tmp_path / "min.json", [json_min(1, "😀😀 Berlin", [region(5, 11, "Berlin", "LOC")])]))
    assert [span.key for span in result.documents[0].spans] == [(3, 9, "LOC")]
    assert any("UTF-16" in warning for warning in result.warnings)


# -- the text field ----------------------------------------------------------------------------------

def ls_task(data: dict, results: list[dict]) -> dict:
    return {"id": 1, "data": data, "annotations": [{"result": [
        {"from_name": "label", "to_name": "text", "type": "labels", "value": value} for value in results]}]}


def test_to_name_of_the_text_tag_picks_the_field_the_spans_fit(tmp_path: Path) -> None:
    # <Text name="text" value="$sentence"/>: to_name is "text", the text is in "sentence".
    tasks = [ls_task({"sentence": "Alice lives in Berlin.", "source": "wiki"}, [region(0, 5, "Alice", "PER")]),
             {"id": 2, "data": {"sentence": "Not yet.", "source": "news"}, "annotations": []}]
    result = read_file(put(tmp_path / "ls.json", tasks))
    first, second = result.documents
    assert (first.text, mentions(first), first.meta["data"]) == ("Alice lives in Berlin.", [("Alice", "PER")],
                                                                 {"source": "wiki"})
    assert second.text == "Not yet."  # no result to decide by: the field the file's other tasks use
    write_file(result.documents, tmp_path / "out.json", "label-studio")
    task = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]
    assert task["data"] == {"sentence": "Alice lives in Berlin.", "source": "wiki"}
    assert task["annotations"][0]["result"][0]["to_name"] == "text"


def test_a_text_field_that_cannot_be_decided_says_how_to_choose(tmp_path: Path) -> None:
    tasks = [ls_task({"a": "Alice here", "b": "Alice there"}, [region(0, 5, "Alice", "PER")])]
    with pytest.raises(ImportProblems) as caught:
        read_file(put(tmp_path / "ls.json", tasks))
    message = str(caught.value)
    assert "several text fields (a, b)" in message and "fits a and b alike" in message
    assert "--text-field NAME" in message and "rename it to 'text'" in message


def test_the_text_field_option_chooses_the_field(tmp_path: Path) -> None:
    tasks = [ls_task({"a": "Alice here", "b": "Alice there"}, [region(0, 5, "Alice", "PER")]),
             {"id": 2, "data": {"a": "Nobody", "b": "Bob"}, "annotations": []}]
    path = put(tmp_path / "ls.json", tasks)
    docs = read_file(path, text_field="b").documents
    assert [(d.text, d.meta["data"], d.meta["text_key"]) for d in docs] == [
        ("Alice there", {"a": "Alice here"}, "b"), ("Bob", {"a": "Nobody"}, "b")]
    assert [s.key for s in docs[0].spans] == [(0, 5, "PER")]
    write_file(docs, tmp_path / "out.json", "label-studio")
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]["data"] == tasks[0]["data"]


def test_a_text_field_option_naming_no_field_is_refused(tmp_path: Path) -> None:
    path = put(tmp_path / "ls.json", [ls_task({"a": "Alice here", "b": "x"}, [region(0, 5, "Alice", "PER")])])
    with pytest.raises(ImportProblems) as caught:
        read_file(path, text_field="body")
    assert "no text field 'body' (the text_field option, --text-field); its text fields: a, b" in str(caught.value)
    with pytest.raises(FormatError) as refused:
        read_file(path, text_field=3)
    assert refused.value.code == "E108"


# -- finished tasks ----------------------------------------------------------------------------------

def test_submitted_annotations_are_reviewed_even_without_spans(tmp_path: Path) -> None:
    tasks = [{"id": 7, "data": {"text": "Nothing to label here."},
              "annotations": [{"id": 70, "completed_by": 1, "result": [], "was_cancelled": False}]},
             {"id": 8, "data": {"text": "Not yet annotated."}, "annotations": [], "predictions": []},
             {"id": 9, "data": {"text": "Skipped."}, "annotations": [{"result": [], "was_cancelled": True}]}]
    docs = read_file(put(tmp_path / "ls.json", tasks)).documents
    assert [doc.status for doc in docs] == ["reviewed", "new", "new"]
    write_file(docs, tmp_path / "out.json", "label-studio")
    written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [task["annotations"] for task in written] == [[{"result": []}], [], []]
    assert [doc.status for doc in read_file(tmp_path / "out.json").documents] == ["reviewed", "new", "new"]


# -- status round trip -------------------------------------------------------------------------------

def status_docs() -> list[Document]:
    def doc(status: Status, *spans: Span) -> Document:
        return Document(text="Ann met Bob in Oslo", spans=list(spans), status=status)

    ann, oslo = Span(0, 3, "PER"), Span(15, 19, "LOC")
    bob = Span(8, 11, "PER", PRED, 0.75, "m1")
    return [doc("reviewed", ann, oslo, bob), doc("in-progress", ann, bob), doc("predicted", bob),
            doc("new", ann, oslo), doc("new"), doc("reviewed")]


def test_unreviewed_gold_is_written_as_a_prediction_and_every_status_comes_back(tmp_path: Path) -> None:
    docs = status_docs()
    write_file(docs, tmp_path / "tasks.json", "label-studio")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert [len(t["annotations"]) for t in tasks] == [1, 0, 0, 0, 0, 1]  # only reviewed work is submitted
    assert [[p["model_version"] for p in t["predictions"]] for t in tasks] == [
        ["m1"], ["nerdesk-unreviewed", "m1"], ["m1"], ["nerdesk-unreviewed"], [], []]
    assert [t.get("meta") for t in tasks] == [None, {"nerdesk_status": "in-progress"},
                                               {"nerdesk_status": "predicted"}, None, None, None]
    back = read_file(tmp_path / "tasks.json")
    assert back.warnings == []
    assert [d.status for d in back.documents] == [d.status for d in docs]
    assert [sort_spans(d.spans) for d in back.documents] == [sort_spans(d.spans) for d in docs]
    assert all(d.meta == {"id": i} for i, d in enumerate(back.documents, start=1))


def test_an_annotation_submitted_in_label_studio_replaces_the_unreviewed_gold(tmp_path: Path) -> None:
    write_file(status_docs()[1:2], tmp_path / "tasks.json", "label-studio")
    task = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))[0]
    # The annotator accepted the pre-annotation, deleted Ann and marked Oslo; Label Studio exports the task so.
    task["annotations"] = [{"id": 9, "completed_by": 1, "was_cancelled": False, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels", "value": region(15, 19, "Oslo", "LOC")}]}]
    task["predictions"] = [{**p, "id": n, "task": 1, "created_ago": "1 minute"} for n, p in
                           enumerate(task["predictions"], start=1)]
    doc = read_file(put(tmp_path / "export.json", [task])).documents[0]
    assert doc.status == "reviewed"
    assert sorted((s.key, s.source) for s in doc.spans) == [((8, 11, "PER"), PRED), ((15, 19, "LOC"), GOLD)]


def test_a_region_whose_labels_were_taken_off_is_skipped_with_a_count(tmp_path: Path) -> None:
    # Label Studio keeps a region whose labels the annotator deselected, with "labels": [].
    results = [{"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": 0, "end": 4, "text": "Anna", "labels": ["PER", "ORG"]}},
               {"id": "a2", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": 14, "end": 18, "text": "Oslo", "labels": []}}]
    tasks = [{"id": 1, "data": {"text": "Anna lives in Oslo"},
              "annotations": [{"id": 5, "result": results, "was_cancelled": False}], "predictions": []}]
    result = read_file(put(tmp_path / "export.json", tasks), "label-studio")
    assert sorted(span.key for span in result.documents[0].spans) == [(0, 4, "ORG"), (0, 4, "PER")]
    assert "1 region without a label (its labels taken off in Label Studio) was skipped" in result.warnings
    tasks[0]["annotations"][0]["result"][1]["value"]["labels"] = "LOC"
    with pytest.raises(ImportProblems, match="must be a list of labels"):
        read_file(put(tmp_path / "export.json", tasks), "label-studio")


def test_a_selection_widened_to_whole_words_keeps_its_offsets(tmp_path: Path) -> None:
    # Label Studio 1.4 with granularity="word" (HumanSignal/label-studio#1931) writes the raw selection as value.text:
    # the file was refused whole (E005). A value.text that is not inside the text at its offsets still is.
    widened = {"start": 5, "end": 16, "text": "ple tex", "labels": ["ORG"]}
    path = put(tmp_path / "word.json", [ls_task({"text": "Some simple text with explanations"}, [widened])])
    result = read_file(path)
    assert mentions(result.documents[0]) == [("simple text", "ORG")]
    assert any("only part of the text at its offsets" in w and "trusted" in w for w in result.warnings)
    widened["text"] = "other"
    put(path, [ls_task({"text": "Some simple text with explanations"}, [widened])])
    with pytest.raises(ImportProblems):
        read_file(path)


def test_a_predictions_own_score_is_written_back_as_it_was(tmp_path: Path) -> None:
    # It came back as the least score of its results (0.42 -> 0.3).
    task = {"id": 1, "data": {"text": "Apple hired Tim Cook."}, "predictions": [
        {"model_version": "ner-v3", "score": 0.42, "result": [
            {"from_name": "label", "to_name": "text", "type": "labels", "score": 0.95,
             "value": {"start": 0, "end": 5, "text": "Apple", "labels": ["ORG"]}},
            {"from_name": "label", "to_name": "text", "type": "labels", "score": 0.3,
             "value": {"start": 12, "end": 20, "text": "Tim Cook", "labels": ["PER"]}}]}]}
    documents = read_file(put(tmp_path / "in.json", [task])).documents
    write_file(documents, tmp_path / "out.json", "label-studio")
    (prediction,) = json.loads((tmp_path / "out.json").read_text("utf-8"))[0]["predictions"]
    assert prediction["score"] == 0.42 and [r["score"] for r in prediction["result"]] == [0.95, 0.3]
    assert read_file(tmp_path / "out.json").documents[0].meta == documents[0].meta


def test_a_result_without_a_score_of_its_own_goes_back_without_one(tmp_path: Path) -> None:
    # It takes its prediction's score in the project (0.8, shown on its chip) and came back with "score": 0.8.
    task = {"id": 1, "data": {"text": "Apple hired Tim Cook."}, "predictions": [
        {"model_version": "ner-v3", "score": 0.8, "result": [
            {"from_name": "label", "to_name": "text", "type": "labels", "score": 0.95,
             "value": {"start": 0, "end": 5, "text": "Apple", "labels": ["ORG"]}},
            {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 12, "end": 20, "text": "Tim Cook", "labels": ["PER"]}}]}]}
    documents = read_file(put(tmp_path / "in.json", [task])).documents
    assert sorted(span.score for span in documents[0].predictions) == [0.8, 0.95]
    write_file(documents, tmp_path / "out.json", "label-studio")
    (prediction,) = json.loads((tmp_path / "out.json").read_text("utf-8"))[0]["predictions"]
    assert prediction["score"] == 0.8
    assert [result.get("score") for result in prediction["result"]] == [0.95, None]
    assert read_file(tmp_path / "out.json").documents[0].meta == documents[0].meta


def two_field_task(with_text: bool) -> dict:
    """A labeling config with a <Text> per field and <Labels> on each: results on 'title' and on 'body'."""
    def result(to_name: str, start: int, end: int, mention: str, label: str) -> dict:
        value = {"start": start, "end": end, "labels": [label], **({"text": mention} if with_text else {})}
        return {"from_name": f"label_{to_name}", "to_name": to_name, "type": "labels", "value": value}
    return {"id": 7, "data": {"title": "Acme buys Beta", "body": "Paris is nice, Beta says."},
            "annotations": [{"result": [result("title", 0, 4, "Acme", "ORG"), result("body", 0, 5, "Paris", "LOC")]}],
            "predictions": [{"model_version": "m1", "result": [result("body", 15, 19, "Beta", "ORG")]}]}


@pytest.mark.parametrize("with_text", [True, False])
def test_results_on_another_field_than_the_chosen_text_are_skipped(tmp_path, with_text):
    path = put(tmp_path / "two_fields.json", [two_field_task(with_text)])
    with pytest.raises(ImportProblems, match="--text-field"):
        read_file(path)
    result = read_file(path, text_field="title")
    [doc] = result.documents
    # the body's offsets were applied to the title: refused when value.text differed, else silently
    # wrong spans ('Acme ' as LOC, 'Beta' as a prediction read at 15..19 of a 14-character title)
    assert [(s.mention(doc.text), s.label, s.source) for s in sort_spans(doc.spans)] == [("Acme", "ORG", GOLD)]
    assert any("2 results on other data fields" in w for w in result.warnings)
    assert doc.meta["data"] == {"body": "Paris is nice, Beta says."}


@pytest.mark.parametrize("link", ["/data/upload/3/8a2f01c4-report.txt", "/data/local-files/?d=docs/report.txt",
                                  "s3://bucket/docs/report.txt", "https://example.com/docs/report.txt"])
def test_a_task_whose_text_is_a_link_to_a_file_is_refused_saying_so(tmp_path, link):
    # <Text valueType="url">: the export holds the link, the offsets are in the file's text. It said
    # "span 120..131 (ORG) is outside the text of length 34"; without results, the link became the text.
    task = {"id": 12, "data": {"text": link}, "annotations": [{"result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 120, "end": 131, "text": "Acme Corp.", "labels": ["ORG"]}}]}]}
    path = put(tmp_path / "links.json", [task])
    with pytest.raises(ImportProblems, match="holds a link to a file"):
        read_file(path)


def test_a_storage_link_without_results_is_refused_and_a_web_address_as_text_is_kept(tmp_path):
    with pytest.raises(ImportProblems, match="holds a link to a file"):
        read_file(put(tmp_path / "upload.json", [{"id": 1, "data": {"text": "/data/upload/3/9b-notes.txt"}}]))
    tweet = {"id": 2, "data": {"text": "https://t.co/k8ocrhV7Qj"}, "annotations": [{"result": []}]}
    [doc] = read_file(put(tmp_path / "tweet.json", [tweet])).documents
    assert doc.text == "https://t.co/k8ocrhV7Qj" and doc.status == "reviewed"
