"""CoNLL files whose tokens are characters marked with their position in their word ("科0 技1"), as the
Weibo NER files (Peng & Dredze 2015) are published: the positions are not text."""

from __future__ import annotations

from nerdesk.formats import read_file

# Two sentences in the Weibo NER layout: "char+position<TAB>tag"; a digit character ("8" at position 0 is
# "80"), an emoji that the published files wrote as two replacement characters ("\ufffd\ufffd0").
WEIBO_LAYOUT = """\
今0\tO
天1\tO
李0\tB-PER.NAM
巾1\tI-PER.NAM
凡2\tI-PER.NAM
去0\tO
8\u0030\tO
号1\tO
\ufffd\ufffd0\tO

女0\tB-PER.NOM
人1\tI-PER.NOM
在0\tO
北0\tB-GPE.NAM
京1\tI-GPE.NAM
"""


def test_word_positions_are_left_out_of_the_text(tmp_path):
    path = tmp_path / "weiboNER_2nd_conll.train"
    path.write_text(WEIBO_LAYOUT, encoding="utf-8")
    result = read_file(path)
    assert [doc.text for doc in result.documents] == ["今天李巾凡去8号\ufffd\ufffd", "女人在北京"]
    assert [[(span.mention(doc.text), span.label) for span in doc.spans] for doc in result.documents] == [
        [("李巾凡", "PER.NAM")], [("女人", "PER.NOM"), ("北京", "GPE.NAM")]]
    assert any("position in its word" in warning for warning in result.warnings)


def test_tokens_that_merely_end_in_digits_are_kept(tmp_path):
    # Every token ends in a digit, but the digits do not count through words: they are part of the tokens.
    path = tmp_path / "codes.conll"
    path.write_text("A7\tB-ID\nB9\tO\nC3\tO\n\nD5\tO\nE8\tB-ID\n", encoding="utf-8")
    result = read_file(path)
    assert [doc.text for doc in result.documents] == ["A7 B9 C3", "D5 E8"]
    assert not any("position in its word" in warning for warning in result.warnings)


def test_a_few_positioned_looking_tokens_among_words_are_kept(tmp_path):
    path = tmp_path / "english.conll"
    path.write_text("Room\tO\nB1\tB-LOC\nis\tO\nopen\tO\n", encoding="utf-8")
    assert read_file(path).documents[0].text == "Room B1 is open"


def test_emoji_written_as_utf16_halves_on_two_rows_are_joined(tmp_path):
    # The first Weibo NER release (weiboNER.conll.*) writes an emoji as its two UTF-16 halves, each encoded
    # as if it were a character (CESU-8), each on its own row.
    def row(char: str, tag: str) -> bytes:
        return char.encode("utf-8", "surrogatepass") + b"\t" + tag.encode() + b"\n"

    halves = "😍".encode("utf-16-le")
    high, low = halves[:2].decode("utf-16-le", "surrogatepass"), halves[2:].decode("utf-16-le", "surrogatepass")
    path = tmp_path / "weiboNER.conll.train"
    path.write_bytes(row("好", "O") + row(high, "O") + row(low, "O") + row("李", "B-PER.NAM") + row("四", "I-PER.NAM"))
    [doc] = read_file(path).documents
    assert doc.text == "好😍李四"
    assert [(span.start, span.end, span.label) for span in doc.spans] == [(2, 4, "PER.NAM")]
