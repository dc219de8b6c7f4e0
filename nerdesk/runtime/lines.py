"""Where a text's lines end, so that a model reads each line on its own.

Tokenizers drop line breaks as they drop spaces, so a model given a whole document reads its lines as one run
of words: in CoNLL-2003 articles put one line per sentence, the English model joined a line's last name to the
next line's first ("Viorel Ion .\\r\\nREUTER", "Group A\\r\\nCSKA Moscow"), and the names of datelines, bylines
and table rows lost the context they were trained in. So a text is predicted line by line (and each line sentence
by sentence, ``nerdesk.runtime.sentences``): no span crosses the end of a line, and no line's predictions depend
on its neighbours.

A line break that only wraps a paragraph (hard-wrapped text, e-mail or abstracts at 80 columns) ends no line:
in such a text most lines are full (the next line's first word would not have fitted on the line, as wide as
the text's longest), and after a full line "human T\\ncells" stays one span read in its sentence. Prose is not
wrapped narrower than ``MIN_WRAP_WIDTH``.
"""

from __future__ import annotations

import re

LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # where str.splitlines cuts
FIRST_WORD = re.compile("[^\\S\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(\\S*)")  # spaces, then a line's first word
MIN_WRAP_WIDTH = 40  # lines of a narrower text are lines (a list, a table), not wrapped prose


def line_ends(text: str) -> list[int]:
    """The code-point positions, ascending, of the line breaks of ``text`` that end a line rather than wrap a
    paragraph. A line is full when the next line's first word would not have fitted on it; a text whose lines
    followed by a word are full at least half the time is hard-wrapped, and there only a full line goes on in
    the next. Every other break ends its line, a break before a blank line or the text's end too."""
    breaks = [(match.start(), match.end()) for match in LINE_BREAK.finditer(text)]
    if not breaks:
        return []
    line_starts = [0] + [after for _, after in breaks]
    widths = [len(text[first:position].rstrip()) for first, (position, _) in zip(line_starts, breaks, strict=False)]
    width = max([*widths, len(text[line_starts[-1]:].rstrip())])
    next_words = [len(match.group(1)) if (match := FIRST_WORD.match(text, after)) else 0 for _, after in breaks]
    full = [word > 0 and width >= MIN_WRAP_WIDTH and line_width + 1 + word > width
            for line_width, word in zip(widths, next_words, strict=True)]
    wrapped = 2 * sum(full) >= sum(word > 0 for word in next_words)
    return [position for (position, _), wraps in zip(breaks, full, strict=True) if not (wrapped and wraps)]
