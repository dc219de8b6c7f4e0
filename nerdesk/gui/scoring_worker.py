"""Scoring model versions on the evaluation set in a worker thread, so the window never freezes.

A ``ScoringJob`` runs in a thread pool that belongs to the widget waiting for it. It never touches
the project (an SQLite connection belongs to its thread): it receives the bundle folders and the
evaluation documents, and hands each version's score back through a signal; the widget caches it in
the project. Deleting the widget stops the job after the version it is scoring.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from nerdesk.core.errors import NerdeskError
from nerdesk.workflows.evaluation import EvaluationScore, score_bundle
from nerdesk.workflows.evaluation_set import EvaluationSet


class ScoringSignals(QObject):
    scored = Signal(int, int, object)  # job number, version id, EvaluationScore or why it could not be scored
    progressed = Signal(int, int, int)  # job number, versions done, versions in all
    done = Signal(int)  # job number


class ScoringJob(QRunnable):
    def __init__(self, number: int, bundles: Sequence[tuple[int, Path]], evaluation: EvaluationSet,
                 signals: ScoringSignals, should_stop: Callable[[], bool], threads: int = 1) -> None:
        super().__init__()
        self.number, self.bundles, self.evaluation = number, list(bundles), evaluation
        self.signals, self.should_stop, self.threads = signals, should_stop, threads

    def run(self) -> None:
        total = len(self.bundles)
        for done, (version_id, bundle_path) in enumerate(self.bundles, start=1):
            if self.should_stop():
                return
            score = self._score(bundle_path)
            if self.should_stop():
                return
            self.signals.scored.emit(self.number, version_id, score)
            self.signals.progressed.emit(self.number, done, total)
        self.signals.done.emit(self.number)

    def _score(self, bundle_path: Path) -> EvaluationScore | str:
        try:
            report = score_bundle(bundle_path, self.evaluation.documents, threads=self.threads,
                                  changes=self.evaluation.label_changes)
        except NerdeskError as error:
            return str(error)
        except (OSError, RuntimeError, ValueError) as error:
            return f"the model in {bundle_path} could not be scored: {error}"
        return EvaluationScore.from_report(report, self.evaluation)


class Scorer(QObject):
    """Starts scoring jobs one at a time; a new job makes the results of the previous one stale."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)  # deleted with the widget, after waiting for the job in hand
        self.pool.setMaxThreadCount(1)
        self.signals = ScoringSignals(self)
        self.number = 0
        self._stop = threading.Event()
        closing = self._closing = threading.Event()
        parent.destroyed.connect(lambda *_: closing.set())

    def start(self, bundles: Sequence[tuple[int, Path]], evaluation: EvaluationSet) -> int:
        """Score ``bundles`` on ``evaluation``; returns the job number its signals carry."""
        self.cancel()
        self.number += 1
        stop = self._stop = threading.Event()
        closing = self._closing
        self.pool.start(ScoringJob(self.number, bundles, evaluation, self.signals,
                                   lambda: stop.is_set() or closing.is_set()))
        return self.number

    def cancel(self) -> None:
        """Make the job in hand stop after the version it is scoring, without emitting its score."""
        self._stop.set()

    def wait(self, milliseconds: int = -1) -> bool:
        return self.pool.waitForDone(milliseconds)
