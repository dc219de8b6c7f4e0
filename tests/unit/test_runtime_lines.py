"""Where a text's lines end for prediction: every line break of line-structured text, none inside a hard-wrapped
paragraph, every blank line."""

from __future__ import annotations

from nerdesk.runtime.lines import line_ends

WRAPPED = ("Activation of human T cells by interleukin 2 requires\n"  # textwrap.fill at 55 columns
           "the binding of several nuclear factors to its promoter,\n"
           "as transfections of Jurkat cells and of primary human T\n"
           "cells show.\n"
           "\n"
           "Jurkat cells were grown for two days.\n"
           "Primary cells were not.")


def test_every_line_of_line_structured_text_ends():
    text = "Written by Sarah Miller\r\nBOSTON, Dec 5\r\nThe Boston Red Sox signed a pitcher from Japan on Friday .\n"
    assert [text[position:position + 1] for position in line_ends(text)] == ["\r", "\r", "\n"]


def test_a_hard_wrapped_paragraph_is_one_line_and_a_blank_line_ends_it():
    # a full line (its next word would not have fitted) wraps; a short one ends, and so does a blank line
    assert line_ends(WRAPPED) == [WRAPPED.index("show.") + 5, WRAPPED.index("\nJurkat"),
                                  WRAPPED.index("days.") + 5]


def test_a_narrow_text_is_a_list_not_wrapped_prose():
    text = "Group A\nCSKA Moscow 9 6 3\nViorel Ion .\nREUTER"
    assert line_ends(text) == [i for i, character in enumerate(text) if character == "\n"]


def test_unicode_line_separators_and_a_text_of_one_line():
    text = "Tom Baker\u2028LONDON\x85Paris\u2029Rome"
    assert line_ends(text) == [9, 16, 22]
    assert line_ends("no line break here") == line_ends("") == []
