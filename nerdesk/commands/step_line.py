"""One line of training progress on stderr that suits where stderr goes.

On a terminal the line is rewritten in place (``\\r``). In a log file or a CI job, rewriting in place
would leave one endless line of carriage returns, so a line is written at every tenth of the run
instead, and at its last step.
"""

from __future__ import annotations

import sys
from typing import TextIO

SHOWN_PER_RUN = 10  # lines per run when stderr is not a terminal


class StepLine:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self.stream.isatty()
        self.pending = False  # a rewritten line is on screen without its newline
        self.last_shown = -1  # the tenth of the run last written (not a terminal)

    def show(self, text: str, step: int, total: int) -> None:
        if self.interactive:
            print(f"\r{text}", end="", file=self.stream, flush=True)
            self.pending = True
            return
        tenth = step * SHOWN_PER_RUN // max(total, 1)
        if tenth > self.last_shown or step >= total:
            print(text, file=self.stream, flush=True)
            self.last_shown = tenth

    def message(self, text: str) -> None:
        """A line of its own (an evaluation, a note): it starts below the progress line, which goes on after it."""
        self.end()
        print(text, file=self.stream, flush=True)

    def end(self) -> None:
        """End the progress line on a terminal, before anything else is written."""
        if self.pending:
            print(file=self.stream, flush=True)
            self.pending = False
