"""Files without a byte-order mark in a legacy or UTF-16 encoding: read in their own encoding, never as
plausible-looking text in another (Latin-1 as GB18030 "Stra遝", French as cp1250 "crčme")."""

from __future__ import annotations

import json

import pytest

from nerdesk.formats.encoding import decode_bytes
from tests.conftest import dataset_file

WESTERN = ["Le garçon a mangé une crème brûlée à Genève.", "Die Straße in Köln ist schön.",
           "A informação está disponível em São Paulo, não é?", "El niño comió paella en España y habló español.",
           "Jag åt smörgåsbord i Göteborg på lördag."]


@pytest.mark.parametrize("text", WESTERN)
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_western_european_text_reads_as_it_was_written(text, codec):
    decoded, _ = decode_bytes((text + "\n").encode(codec))
    assert decoded == text + "\n"


@pytest.mark.parametrize(("text", "codec"), [("Zażółć gęślą jaźń w Łodzi, proszę.", "cp1250"),
                                             ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
                                             ("Привет, как дела? Москва — столица России.", "cp1251"),
                                             ("張三在臺北工作。", "big5")])
def test_other_legacy_encodings_keep_their_guess(text, codec):
    assert decode_bytes(text.encode(codec))[0] == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_chinese_in_utf16_without_a_byte_order_mark(codec):
    text = "张三在北京工作，2024年。"
    assert decode_bytes(text.encode(codec)) == (text, codec)


def test_every_cluener_sentence_in_gbk_still_reads_as_gb18030():
    texts = [json.loads(line)["text"] for line in dataset_file("cluener", "dev.json").read_text("utf-8").splitlines()]
    encodable = [text for text in texts if all(ch.encode("gbk", "ignore") for ch in text)]
    assert len(encodable) > 1300
    assert all(decode_bytes(text.encode("gbk")) == (text, "gb18030") for text in encodable)
