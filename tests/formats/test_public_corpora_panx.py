"""WikiANN as XTREME's PAN-X files have it: each token with its Wikipedia language code (``en:Lincoln<TAB>B-LOC``).
Synthetic lines in that layout."""

from __future__ import annotations

from nerdesk.formats import read_file

PANX = "en:Lincoln\tB-LOC\nen:Park\tI-LOC\nen:is\tO\nen:in\tO\nen:Chicago\tB-LOC\nen::\tO\n\nen:Jean\tB-PER\nen:de\tI-PER\n"


def spans(path):
    result = read_file(path)
    return [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in result.documents], \
        result.warnings


def test_language_code_before_every_token_is_left_out(tmp_path):
    path = tmp_path / "train"
    path.write_text(PANX, encoding="utf-8")
    docs, warnings = spans(path)
    assert docs == [("Lincoln Park is in Chicago :", [("Lincoln Park", "LOC"), ("Chicago", "LOC")]),
                    ("Jean de", [("Jean de", "PER")])]
    assert any("language code en:" in warning for warning in warnings)


def test_a_code_on_some_tokens_only_is_text(tmp_path):
    path = tmp_path / "mixed.conll"
    path.write_text("en:Lincoln\tB-LOC\nPark\tI-LOC\nfr:x\tO\n", encoding="utf-8")
    docs, _ = spans(path)
    assert docs == [("en:Lincoln Park fr:x", [("en:Lincoln Park", "LOC")])]


def test_codes_of_wikipedias_with_a_one_letter_part_or_a_long_name(tmp_path):
    for code in ("be-x-old", "zh-classical", "zh-min-nan"):
        path = tmp_path / f"{code}.tsv"
        path.write_text(f"{code}:Мінск\tB-LOC\n{code}:x\tO\n", encoding="utf-8")
        docs, _ = spans(path)
        assert docs == [("Мінск x", [("Мінск", "LOC")])], code
