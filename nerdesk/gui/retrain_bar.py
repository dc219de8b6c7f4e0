"""The Retrain panel's progress bar: what stage a retraining is in, how long it has run, and by when its training
stops at the latest.

A retraining's training loop usually ends on its time budget or by early stopping, long before the steps it
plans (385 of 1,800 steps on 120 Resume documents): a bar counting steps stood at a fifth when training ended.
Once the training process has said its budget (``TrainingStarted.time_budget_seconds``), the bar fills with
the steps or the time, whichever is further along (as the trainer's own schedule does), and says the time so
far and the latest it ends: ``step 292 · 3:45 of at most 5:05``. Stages without steps (starting, writing and
checking the model) show their words and the time so far, a second at a time.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QWidget

from nerdesk.core.wording import counted

SCALE = 1000  # bar units for the training loop
now = time.monotonic  # the clock (a test sets its own)


def clock(seconds: float) -> str:
    """``3:05`` for 185 seconds, ``1:02:05`` past an hour."""
    minutes, second = divmod(max(int(seconds), 0), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"


class RetrainBar(QProgressBar):
    shown = Signal(str)  # the words the bar shows now ("" once hidden), for the Model versions row of the run

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, visible=False)
        self._began: float | None = None  # now() when Retrain was pressed
        self._deadline: float | None = None  # seconds after that by which the training loop ends at the latest
        self._trained_from: float | None = None  # seconds after that when the training loop started
        self._words = ""  # the stage, when it has no steps to count
        self._step: tuple[int, int] | None = None
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._show_training)

    def elapsed(self) -> float:
        return now() - self._began if self._began is not None else 0.0

    def begin(self) -> None:
        """Retrain was pressed: the clock starts; the process loads its model before its first step."""
        self._began, self._deadline, self._trained_from, self._step = now(), None, None, None
        self._words = "starting"
        self.setRange(0, SCALE)
        self.setValue(0)
        self.setToolTip("")
        self.setVisible(True)
        self._ticker.start()
        self._show_training()

    def limit(self, budget_seconds: float) -> None:
        """The training process said its time budget: the loop ends by then at the latest, often earlier
        (when the F1 on the evaluation set stops improving)."""
        self._trained_from = self.elapsed()
        self._deadline = self._trained_from + budget_seconds
        self.setToolTip(f"Training stops by {clock(self._deadline)} at the latest, earlier when the F1 on the "
                        "evaluation set stops improving; writing, checking and comparing the model follow")

    def step(self, step: int, total: int) -> None:
        self._step, self._words = (step, total), ""
        self._show_training()

    def stage(self, words: str) -> None:
        """A stage without steps (writing and checking the model): its words and the time so far; the training
        loop is over, so its part of the bar is full."""
        self._words = words
        self.setRange(0, SCALE)
        self.setValue(SCALE if self._step is not None else 0)
        self._show_training()

    def _show_training(self) -> None:
        if self._began is None:
            return
        so_far = clock(self.elapsed())
        if self._words:
            self._say(f"{self._words}… {so_far}")
            return
        step, total = self._step or (0, 1)
        done = step / max(total, 1)
        if self._deadline is None:
            self._say(f"step {step} / {total} · {so_far}")
        else:
            started = self._trained_from or 0.0
            done = max(done, (self.elapsed() - started) / max(self._deadline - started, 1.0))
            self._say(f"step {step} · {so_far} of at most {clock(self._deadline)}")
        self.setRange(0, SCALE)
        self.setValue(min(round(SCALE * done), SCALE))

    def counting(self, words: str, done: int, total: int) -> None:
        """A stage counted in documents (scoring, reading, predicting): the clock of the training stops."""
        self._stop_clock()
        self.setVisible(True)
        self.setRange(0, max(total, 1))
        self.setValue(done)
        self._say(words)

    def scoring(self, what: str, done: int, total: int) -> None:
        self.counting(f"scoring {what} on {counted(total, 'evaluation document')}… {done}/{total}", done, total)

    def end(self) -> None:
        self._stop_clock()
        self.setVisible(False)
        self.shown.emit("")

    def _say(self, words: str) -> None:
        self.setFormat(words)
        self.shown.emit(words)

    def _stop_clock(self) -> None:
        self._ticker.stop()
        self._began = None
        self.setToolTip("")
