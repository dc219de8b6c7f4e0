"""Error messages can always be shown: a lone surrogate from bad input is written as an escape."""

from __future__ import annotations

from nerdesk.core.errors import FormatError, NerdeskError, ProjectError


def test_lone_surrogates_in_messages_become_escapes_and_other_text_is_kept():
    for error in (NerdeskError("label 'ORG\ud800' is bad"), FormatError("label 'ORG\ud800'", path="a.json", line=3),
                  ProjectError("document 2: meta key 'k\udfff'")):
        text = str(error)
        assert text.encode("utf-8")  # would raise UnicodeEncodeError with the raw surrogate
        assert "\\ud800" in text or "\\udfff" in text
    assert str(NerdeskError("北京 😀 👩‍👩‍👧 e\u0301")) == "北京 😀 👩‍👩‍👧 e\u0301"
