"""Values no project can hold (lone surrogates, NaN, Infinity) are refused at the store's border."""

from __future__ import annotations

import json
import math

import pytest

from nerdesk.core import Document, NerdeskError, ProjectError, Span, SpanError
from nerdesk.core.text_checks import check_predict_texts, shown
from nerdesk.storage import Project

SURROGATE = json.loads('"\\ud800"')


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "hostile.nerdesk") as project:
        project.add_documents([Document("北京欢迎你", [Span(0, 2, "LOC")], name="kept")])
        yield project


def snapshot(project: Project) -> tuple:
    documents = [(d.text, d.name, d.meta, d.spans) for d in project.all_documents()]
    return documents, project.label_set().names


BAD_DOCUMENTS = {
    "text": (Document("ab" + SURROGATE), "text has a lone surrogate \\ud800 at character 2"),
    "name": (Document("ab", name="n" + SURROGATE), "name has a lone surrogate"),
    "meta value": (Document("ab", meta={"k": ["ok", SURROGATE]}), "meta['k'][1] has a lone surrogate"),
    "meta key": (Document("ab", meta={"k" + SURROGATE: 1}), "meta key 'k\\\\ud800' has a lone surrogate"),
    "span label": (Document("ab", [Span(0, 1, "X" + SURROGATE)]), "label has a lone surrogate"),
    "model version": (Document("ab", [Span(0, 1, "X", "pred", 0.5, SURROGATE)]), "model version has"),
    "infinite score": (Document("ab", [Span(0, 1, "X", "pred", math.inf, "m")]), "score is inf"),
    "nan score": (Document("ab", [Span(0, 1, "X", "pred", math.nan, "m")]), "score is nan"),
    "nan meta": (Document("ab", meta={"a": {"b": math.nan}}), "meta['a']['b'] is nan"),
    "infinite meta": (Document("ab", meta={"a": [-math.inf]}), "meta['a'][0] is -inf"),
    "text score": (Document("ab", [Span(0, 1, "X", "pred", "high", "m")]), "score must be a number"),
}
# E233 for a document's own fields; a span's fields are E234, or E236 for a score that is not a number.
SPAN_FIELD_CODES = {"span label": "E234", "model version": "E234", "infinite score": "E234", "nan score": "E234",
                    "text score": "E236"}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_a_bad_value_is_refused_naming_record_and_field_and_nothing_is_stored(project, case):
    document, expected = BAD_DOCUMENTS[case]
    before = snapshot(project)
    with pytest.raises((ProjectError, SpanError)) as caught:
        project.add_documents([Document("fine"), document], labels=["NEW"])
    assert caught.value.code == SPAN_FIELD_CODES.get(case, "E233")
    message = str(caught.value)
    assert message.startswith("document 2") and expected in message
    message.encode("utf-8")  # the message itself can be printed
    assert snapshot(project) == before


def test_a_declared_label_with_a_surrogate_is_refused(project):
    before = snapshot(project)
    with pytest.raises(ProjectError, match="label 'A\\\\\\\\ud800': name has a lone surrogate") as caught:
        project.add_documents([Document("fine")], labels=["A" + SURROGATE])
    assert caught.value.code == "E237"
    with pytest.raises(ProjectError, match="lone surrogate") as caught:
        project.add_label("B" + SURROGATE)
    assert caught.value.code == "E237"
    with pytest.raises(ProjectError, match="lone surrogate") as caught:
        project.update_label("LOC", new_name="L" + SURROGATE)
    assert caught.value.code == "E237"
    assert snapshot(project) == before


def test_edits_and_predictions_refuse_surrogate_labels_and_infinite_scores(project):
    [doc_id] = project.document_ids()
    before = snapshot(project)
    with pytest.raises(SpanError, match=f"document {doc_id}: span 0..2: score is inf") as caught:
        project.replace_predictions(doc_id, [Span(0, 2, "LOC", "pred", math.inf)], "m")
    assert caught.value.code == "E234"
    with pytest.raises(SpanError, match="label has a lone surrogate") as caught:
        project.replace_predictions(doc_id, [Span(0, 2, "L" + SURROGATE, "pred", 0.5)], "m")
    assert caught.value.code == "E234"
    assert snapshot(project) == before


def test_a_setting_with_a_surrogate_is_refused(project):
    with pytest.raises(ProjectError) as caught:
        project.set_setting("k" + SURROGATE, 1)
    assert caught.value.code == "E222"
    assert project.get_setting("k") is None


def test_predict_texts_with_a_surrogate_are_refused_naming_the_text():
    check_predict_texts(["北京", "plain 😀"])
    with pytest.raises(NerdeskError, match="text 1 has a lone surrogate \\\\udfff at character 1") as caught:
        check_predict_texts(["ok", "a\udfffb"])
    assert caught.value.code == "E031"
    with pytest.raises(NerdeskError, match="text 0: expected a string, got bytes") as caught:
        check_predict_texts([b"x"])
    assert caught.value.code == "E030"


def test_shown_escapes_surrogates_and_cuts_long_text():
    assert shown("a" + SURROGATE) == "'a\\\\ud800'"
    assert shown("x" * 100, limit=5) == "'xxxx…'"
