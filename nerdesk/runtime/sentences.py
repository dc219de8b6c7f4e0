"""Where a line's sentences end, so that a model trained on sentences reads one sentence at a time.

The embedded English models learnt from single sentences (CoNLL-2003, GENIA), and a paragraph of several read at
once is text they never saw: CoNLL-2003 test sentences of prose five to a paragraph scored F1 84.0 with
en-general-conll against 86.6 one by one, and the 199 GENIA test abstracts 74.5 with en-bio-genia against 76.0
sentence by sentence. Cut at the ends found here, the paragraphs score 86.4 and the abstracts 75.9.

A sentence ends after ``.``, ``!`` or ``?`` (and any closing quotes or brackets) followed by whitespace and a
capital letter, possibly behind an opening quote or bracket, but not after an initial ("J. Smith", "E. coli"), a
word with a period inside ("U.S. Army", "e.g. IL-2") or a usual English abbreviation ("Dr. Smith", "St. Louis",
"et al. The") or an item's number ("1. Jesper Ronnback"). A digit after the period is no start ("No. 5",
"Fig. 3"), nor inside brackets closed later on the line (a citation: "(M. Seiki, Mol. Cell. Biol. 8:5581)").
Chinese and Japanese sentences end in
``。``, so their text is never cut here.
"""

from __future__ import annotations

import bisect
import re

from nerdesk.runtime.lines import line_ends

SENTENCE_END = re.compile("[.!?]+[\"')\\]\u2019\u201d]*(?=\\s+[\"'(\\[\u2018\u201c]?([^\\W\\d_]))")  # group 1: the letter
BRACKET_OR_LINE_BREAK = re.compile("[()\\[\\]\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "rev", "hon", "gen", "gov", "sen", "rep", "pres", "lt",
    "col", "sgt", "capt", "mt", "ft", "dept", "univ", "assn", "messrs", "vs", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "figs", "al", "approx", "ca", "cf", "eq", "vol", "pp",
    "ref", "refs", "resp",
})  # not "Inc.", "Corp.", "etc.", "no.": a sentence often ends with them


def sentence_ends(text: str) -> list[int]:
    """The code-point positions, ascending, where a sentence of ``text`` ends and the whitespace before the next
    one starts."""
    ends: list[int] = []
    brackets: list[tuple[int, int]] | None = None  # found at the first candidate: most texts have none
    for match in SENTENCE_END.finditer(text):
        start = match.start()
        if not text[match.start(1)].isupper() or (text[start] == "." and _no_end(text, start, ends)):
            continue
        brackets = _outer_brackets(text) if brackets is None else brackets
        if not _inside(brackets, match.end()):
            ends.append(match.end())
    return ends


def _outer_brackets(text: str) -> list[tuple[int, int]]:
    """``(open, close)`` positions of the outermost round or square brackets closed on their own line, in order:
    a sentence does not end inside them ("(S. Miyatake, M. Seiki, Mol. Cell. Biol. 8:5581, 1988)")."""
    pairs: list[tuple[int, int]] = []
    opened: list[int] = []
    for match in BRACKET_OR_LINE_BREAK.finditer(text):
        char = match.group()
        if char in "([":
            opened.append(match.start())
        elif char in ")]":
            if opened:
                first = opened.pop()
                if not opened:
                    pairs.append((first, match.start()))
        else:
            opened.clear()
    return pairs


def _inside(pairs: list[tuple[int, int]], position: int) -> bool:
    index = bisect.bisect_left(pairs, (position, -1)) - 1
    return index >= 0 and pairs[index][0] < position < pairs[index][1]


def _no_end(text: str, period: int, ends: list[int]) -> bool:
    """Whether the period at ``period`` ends no sentence: it follows an initial, an abbreviation, a word with a
    period inside, or the number of an item that starts its line or sentence ("1. Jesper Ronnback")."""
    begin = period
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    word = text[begin:period].lstrip("\"'([\u2018\u201c").lower()
    if (len(word) == 1 and word.isalpha()) or "." in word or word in ABBREVIATIONS:
        return True
    before = text[ends[-1] if ends else 0:begin]
    return word.isdigit() and (not before.strip() or before.rstrip(" \t")[-1:] in "\n\r\x0b\x0c\x85\u2028\u2029")


MIN_SENTENCES_CUT = 3  # a line of fewer is read whole


def reading_ranges(text: str) -> list[tuple[int, int]]:
    """``(begin, end)`` of the pieces a model reads on its own, covering ``text`` in order: its lines
    (``nerdesk.runtime.lines``), a line of at least ``MIN_SENTENCES_CUT`` sentences (a paragraph) cut at their
    ends. A line of one or two is read whole: sentence-level corpora hold such lines (six GENIA test
    "sentences" hold two), the models learnt from them, and cutting them moved no score up. A piece keeps the
    whitespace before it, which no token holds."""
    lines = [0, *line_ends(text), len(text)]
    sentences = sentence_ends(text)
    cuts = lines[:-1]
    for begin, end in zip(lines[:-1], lines[1:], strict=True):
        inside = sentences[bisect.bisect_right(sentences, begin):bisect.bisect_left(sentences, end)]
        if len(inside) + 1 >= MIN_SENTENCES_CUT:
            cuts += inside
    cuts = [*sorted(set(cuts)), len(text)]
    return list(zip(cuts[:-1], cuts[1:], strict=True))
