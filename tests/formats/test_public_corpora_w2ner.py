"""W2NER's data files (ljynlp/W2NER data/example/*.json and its packaged corpora): a JSON array of
``{"sentence": [tokens], "ner": [{"index": [token positions], "type"}]}``. Records in that shape."""

from __future__ import annotations

import json

from nerdesk.formats import detect_format, read_file, write_file

ENGLISH = [  # CADEC-like: nested, and one discontinuous entity
    {"sentence": ["Muscle", "Pain", "and", "Joint", "Pain", "."],
     "ner": [{"index": [0, 1], "type": "ADR"}, {"index": [3, 4], "type": "ADR"}, {"index": [4], "type": "SYM"},
             {"index": [0, 4], "type": "ADR"}]},
]
CHINESE = [{"sentence": list("高勇：男，中国国籍"), "ner": [{"index": [0, 1], "type": "NAME"},
                                                   {"index": [5, 6, 7, 8], "type": "CONT"}],
            "word": [[0, 1], [5, 6]]}]


def mentions(docs):
    return [[(span.mention(doc.text), span.label) for span in doc.spans] for doc in docs]


def test_w2ner_tokens_nested_and_discontinuous(tmp_path):
    path = tmp_path / "train.json"
    path.write_text(json.dumps(ENGLISH), encoding="utf-8")
    assert detect_format(path) == "w2ner"
    result = read_file(path)
    assert [doc.text for doc in result.documents] == ["Muscle Pain and Joint Pain ."]
    assert sorted(mentions(result.documents)[0]) == [("Joint Pain", "ADR"), ("Muscle Pain", "ADR"), ("Pain", "SYM")]
    assert any("1 discontinuous entity" in warning for warning in result.warnings)
    out = tmp_path / "out.json"
    write_file(result.documents, out, "w2ner")
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written[0]["sentence"] == ENGLISH[0]["sentence"]
    assert sorted(map(str, written[0]["ner"])) == sorted(map(str, ENGLISH[0]["ner"][:3]))


def test_w2ner_chinese_characters_and_other_keys(tmp_path):
    path = tmp_path / "resume-zh.json"
    path.write_text(json.dumps(CHINESE, ensure_ascii=False), encoding="utf-8")
    [doc] = read_file(path).documents
    assert (doc.text, mentions([doc])[0]) == ("高勇：男，中国国籍", [("高勇", "NAME"), ("中国国籍", "CONT")])
    out = tmp_path / "out.json"
    write_file([doc], out, "w2ner")
    assert json.loads(out.read_text(encoding="utf-8")) == CHINESE
