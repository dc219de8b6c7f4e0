"""Where a line's sentences end for prediction: after ., ! or ? before a capital, not after initials,
abbreviations, words with a period inside or an item's number."""

from __future__ import annotations

import pytest

from nerdesk.runtime.sentences import reading_ranges, sentence_ends


def pieces(text: str) -> list[str]:
    return [text[begin:end] for begin, end in reading_ranges(text)]


def test_sentences_end_before_a_capital_and_keep_their_closing_quotes():
    text = 'Chelsea lost at home. "We were poor," Smith said! Was it (really) over? (It was.) "Yes."'
    assert pieces(text) == ["Chelsea lost at home.", ' "We were poor," Smith said!', " Was it (really) over?",
                            " (It was.)", ' "Yes."']
    assert sentence_ends(text) == [21, 49, 71, 81]


@pytest.mark.parametrize("text", [
    "Dr. Smith met J. P. Morgan in St. Louis on Monday.",
    "The U.S. Army and Washington D.C. Police were there.",
    "Activation by IL-2 in E. coli, e.g. Strain K12, was shown by Miyatake et al. Cell lines differed.",
    "Apple. fine. The next word is lower-case.",
    "He won No. 5 and Fig. 3 shows it.",
    "1. Jesper Ronnback ( Sweden ) 25.76 points",
    "北京大学。Peking University. 在北京",
    "Described by Miyatake et al. (S. Miyatake, M. Seiki, Mol. Cell. Biol. 8:5581-5587, 1988) in full.",
])
def test_no_cut_inside_names_abbreviations_numbers_or_lower_case(text):
    ends = sentence_ends(text)
    assert all(text[end - 1] in ".!?\")" for end in ends)
    assert len(ends) == text.count(" fine. The")


def test_a_year_ends_a_sentence_but_a_numbered_line_starts_one():
    assert pieces("He was born in 1996. The next year he moved. He stayed.") == [
        "He was born in 1996.", " The next year he moved.", " He stayed."]
    assert pieces("Results:\n2. Andrei Ivanov\n3. Ryan Johnson") == ["Results:", "\n2. Andrei Ivanov", "\n3. Ryan Johnson"]


def test_line_ends_and_sentence_ends_together_cover_the_text():
    text = "Written by Sarah Miller\nBOSTON, Dec 5\nThe Red Sox won. Boston celebrated. Fans sang.  "
    assert "".join(pieces(text)) == text
    assert pieces(text) == ["Written by Sarah Miller", "\nBOSTON, Dec 5", "\nThe Red Sox won.", " Boston celebrated.",
                            " Fans sang.  "]


def test_a_line_of_two_sentences_is_read_whole_as_sentence_level_corpora_hold_them():
    text = "Both cell lines differed. These observations indicate a role for gamma c.\n\nOne. Two. Three."
    assert sentence_ends(text)[0] == len("Both cell lines differed.")  # an end, where the line is not cut
    assert pieces(text) == ["Both cell lines differed. These observations indicate a role for gamma c.", "\n", "\nOne.",
                            " Two.", " Three."]


def test_a_sentence_inside_brackets_is_cut_only_where_they_close():
    assert pieces("Was it over? (It was.) [Cell. Biol. 8.] Next one. (Open. Never closed") == [
        "Was it over?", " (It was.)", " [Cell. Biol. 8.]", " Next one.", " (Open.", " Never closed"]
