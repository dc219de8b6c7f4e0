"""Hypothesis at the store's border: any document either goes in exactly as given or changes nothing.

Four properties per generated batch: only ``NerdeskError`` escapes; after a failure the project is
unchanged; after a success what is read back equals what was given; and the project still exports.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerdesk.core import Document, NerdeskError, Span
from nerdesk.storage import Project
from nerdesk.workflows import transfer

# Text with lone surrogates, controls, CJK and astral characters.
CHARS = st.characters(codec=None, categories=None, exclude_characters="\x00")
TEXTS = st.text(CHARS, min_size=1, max_size=30)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(CHARS, max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(CHARS, max_size=4), children,
                                                                       max_size=3),
    max_leaves=6,
)


@st.composite
def documents(draw):
    text = draw(TEXTS)
    spans = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(-1, len(text)))
        end = draw(st.integers(start, len(text) + 1))
        label = draw(st.text(CHARS, min_size=1, max_size=4))
        if draw(st.booleans()):
            spans.append(Span(start, end, label))
        else:
            score = draw(st.floats(allow_nan=True, allow_infinity=True))
            spans.append(Span(start, end, label, "pred", score, draw(st.text(CHARS, max_size=4))))
    meta = draw(st.dictionaries(st.text(CHARS, max_size=4), JSON_VALUES, max_size=2))
    return Document(text, spans, name=draw(st.none() | TEXTS), meta=meta)


def state(project: Project):
    return [(d.text, d.name, d.meta, d.spans) for d in project.all_documents()], project.label_set().names


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(documents(), min_size=1, max_size=3), declared=st.lists(TEXTS, max_size=2))
def test_any_batch_is_stored_exactly_or_changes_nothing(tmp_path, batch, declared):
    path = tmp_path / "fuzz.nerdesk"
    with Project.open(path, create=True) as project:
        before = state(project)
        try:
            ids = project.add_documents(batch, labels=declared)
        except NerdeskError as error:
            str(error).encode("utf-8")  # the message can be shown
            assert state(project) == before
        else:
            for doc_id, given_document in zip(ids, batch, strict=True):
                stored = project.document(doc_id)
                assert (stored.text, stored.name, stored.meta) == (given_document.text, given_document.name,
                                                                   given_document.meta)
                assert {(s.key, s.source) for s in stored.spans} == {(s.key, s.source) for s in given_document.spans}
            out = tmp_path / "out.json"
            transfer.export_documents(project, out, "nerdesk-json", source="all")
            json.loads(out.read_text(encoding="utf-8"))
