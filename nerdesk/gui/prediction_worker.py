"""Prediction in a worker thread: the window stays responsive, shows progress and can cancel.

The worker never writes to the project; it receives texts, or reads the documents to predict through a
read-only connection of its own (an SQLite connection belongs to its thread), and hands back spans
through typed signals, and the window stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal

from nerdesk.core.errors import NerdeskError


class _Interrupted(Exception):
    """Raised from the progress callback to stop a prediction in the middle of a batch."""


class PredictionWorker(QThread):
    progressed = Signal(int, int)  # documents done, documents in all
    reading = Signal(int, int)  # documents read (by ``choose``), documents to read
    chunkPredicted = Signal(list, str)  # [(doc_id, [Span, ...]), ...], model version
    failed = Signal(str)
    cancelled = Signal()
    succeeded = Signal(int)  # documents predicted
    chosen = Signal(str)  # the documents left alone, in words ("" for none), once ``choose`` has run

    CHUNK = 32

    def __init__(self, bundle_path: str | Path, items: Sequence[tuple[int, str]], parent=None, *,
                 choose: tuple[str | Path, Callable[[Any, Any], Any]] | None = None) -> None:
        """``choose``: (project path, function of a read-only project and the bundle giving ``Targets``, which
        polls its ``should_stop`` keyword and reports how far it has read to its ``progress`` keyword), to read
        the documents to predict here rather than in the window, to say how far the read is (``reading``), and
        to stop it on Cancel."""
        super().__init__(parent)
        self.bundle_path = Path(bundle_path)
        self.items = list(items)
        self.choose = choose

    def run(self) -> None:
        from nerdesk.workflows.models import Cancelled

        try:
            self._predict_all()
        except (_Interrupted, Cancelled):
            self.cancelled.emit()
        except NerdeskError as error:
            self.failed.emit(str(error))
        except (OSError, RuntimeError, ValueError) as error:
            self.failed.emit(f"prediction with the model in {self.bundle_path} failed: {error}")

    def _predict_all(self) -> None:
        from nerdesk.runtime.bundle import Bundle
        from nerdesk.runtime.decode import SCORE_FLOOR, predict_at_least
        from nerdesk.runtime.predictor import OnnxPredictor

        bundle = Bundle.load(self.bundle_path)
        if self.choose is not None:
            self._choose_items(bundle)
        predictor = OnnxPredictor(bundle)
        total = len(self.items)
        self.progressed.emit(0, total)
        for first in range(0, total, self.CHUNK):
            chunk = self.items[first:first + self.CHUNK]
            self._stop_if_asked()
            spans = predict_at_least(predictor, [text for _, text in chunk], SCORE_FLOOR,  # the slider hides the rest
                                     progress=lambda *_: self._stop_if_asked())
            self.chunkPredicted.emit([(doc_id, found) for (doc_id, _), found in zip(chunk, spans, strict=True)],
                                     predictor.model_version or "")
            self.progressed.emit(first + len(chunk), total)
        self.succeeded.emit(total)

    def _choose_items(self, bundle) -> None:
        from nerdesk.storage.project import Project

        assert self.choose is not None
        path, choose = self.choose
        with Project.open(path, read_only=True) as project:
            targets = choose(project, bundle, should_stop=self.isInterruptionRequested,  # Cancel while reading
                             progress=self.reading.emit)
        self.items = list(targets.items)
        self.chosen.emit(targets.left_alone())

    def _stop_if_asked(self) -> None:
        if self.isInterruptionRequested():
            raise _Interrupted()
