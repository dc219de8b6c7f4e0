"""The training progress line: rewritten in place on a terminal, a line per tenth of the run in a log."""

from __future__ import annotations

import io

from nerdesk.commands.step_line import StepLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_per_tenth_of_the_run_and_the_last_step():
    log = io.StringIO()
    line = StepLine(log)
    for step in range(1, 95):
        line.show(f"step {step}/94", step, 94)
        if step == 50:
            line.message("evaluation 1: dev F1 0.5")
    text = log.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0] == "step 1/94" and lines[-1] == "step 94/94"
    assert "evaluation 1: dev F1 0.5" in lines
    assert len(lines) == 12  # steps 1, 10, 19, ..., 85, the last one, and the evaluation


def test_a_terminal_rewrites_the_line_and_ends_it_before_a_message():
    screen = Terminal()
    line = StepLine(screen)
    line.show("step 1/2", 1, 2)
    line.show("step 2/2", 2, 2)
    line.message("done")
    line.end()  # nothing pending: writes nothing
    assert screen.getvalue() == "\rstep 1/2\rstep 2/2\ndone\n"
