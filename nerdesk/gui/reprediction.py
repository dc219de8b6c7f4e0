"""The prediction of the unreviewed documents that follows an activation (a retraining's new version, Activate
anyway, a roll-back in Model versions), for the Retrain panel.

A mixin of ``RetrainPanel``: it uses the panel's session, status line, progress bar and signals. The
documents are read and predicted in a ``PredictionWorker``; the window stores each chunk of predictions as
it comes and counts the documents reviewed meanwhile, which keep their spans.
"""

from __future__ import annotations

from nerdesk.core.errors import NerdeskError
from nerdesk.core.wording import counted
from nerdesk.gui.prediction_worker import PredictionWorker
from nerdesk.runtime.bundle import Bundle
from nerdesk.workflows.models import unreviewed_for
from nerdesk.workflows.version_names import spoken_name


class Reprediction:
    worker: PredictionWorker | None

    def cancel_prediction(self) -> None:
        """Stop the re-prediction only (Model versions' Cancel): a retraining running meanwhile goes on."""
        if self.worker is not None:
            self.worker.requestInterruption()

    def stop_prediction(self) -> None:
        """Stop the re-prediction and wait for its thread: another project is about to be opened, and the
        documents not reached keep their earlier predictions."""
        worker = self.worker
        if worker is not None:
            worker.requestInterruption()
            worker.wait()
            self._prediction_finished(worker)

    def predict_unreviewed(self, version, message: str | None = None) -> None:
        """Predict every unreviewed document again with ``version`` (after a retraining or a roll-back);
        ``message`` says how it became active (a roll-back in Model versions: that it is active now)."""
        self.stop_prediction()  # a newer activation wins over a prediction still running
        try:
            project = self.session.require_project()
            Bundle.load(version.bundle_path, check_models=False)  # a broken bundle is refused at once
        except NerdeskError as error:
            self._on_failed(str(error))
            return
        self._left_alone, self._reviewed_meanwhile = "", 0
        self._activation_message = message or f"{spoken_name(version.name)} is now the active model."
        self.status.setText(f"{self._activation_message} Predicting the unreviewed documents…")
        self._on_reading(0, 0)  # not the last run's "predicting 30 / 30"
        # The worker reads the documents, as Predict all's does (in the window, 50,000 took seconds, uncancellable)
        worker = PredictionWorker(version.bundle_path, [], self, choose=(project.path, unreviewed_for))

        def while_current(slot):
            """``slot`` for as long as ``worker`` is the panel's: what a stopped worker had sent before it stopped
            (predictions for a project closed since) is dropped, not stored in the project open now."""
            return lambda *args: slot(*args) if self.worker is worker else None

        worker.reading.connect(while_current(self._on_reading))
        worker.chosen.connect(while_current(lambda left_alone: setattr(self, "_left_alone", left_alone)))
        worker.progressed.connect(while_current(self._on_predict_progress))
        worker.chunkPredicted.connect(while_current(self._store))
        worker.failed.connect(while_current(self._on_failed))
        worker.succeeded.connect(while_current(self._on_repredicted))
        worker.cancelled.connect(while_current(lambda: self.status.setText(
            "Prediction cancelled: the documents not reached yet keep their earlier predictions.")))
        worker.finished.connect(lambda: self._prediction_finished(worker))
        self.worker = worker
        self.refresh()
        worker.start()

    def _store(self, results: list, model_version: str) -> None:
        try:
            self._reviewed_meanwhile += self.session.store_predictions(results, model_version, unreviewed_only=True)
        except NerdeskError as error:
            self._on_failed(str(error))

    def _on_reading(self, read: int, total: int) -> None:
        self.progress.counting(f"reading the unreviewed documents… {read:,} / {total:,}" if total else "reading…",
                               read, total)
        self.predictionProgressed.emit(0, 0)

    def _on_predict_progress(self, done: int, total: int) -> None:
        self.progress.counting(f"predicting {done} / {total}", done, total)
        self.predictionProgressed.emit(done, total)

    def _on_repredicted(self, count: int) -> None:
        predicted = count - self._reviewed_meanwhile
        done = f"{counted(predicted, 'unreviewed document')} predicted again"
        if self._reviewed_meanwhile:
            done += f" ({counted(self._reviewed_meanwhile, 'document')} reviewed meanwhile left as reviewed)"
        left_alone = f" {self._left_alone}." if self._left_alone else ""
        self.status.setText(f"{self._activation_message} {done}.{left_alone}" if self._activation_message else
                            f"{done} with the active model.{left_alone}")
        self._activation_message = ""
        self.repredicted.emit(predicted)

    def _prediction_finished(self, worker: PredictionWorker) -> None:
        if self.worker is not worker:
            return
        worker.deleteLater()
        self.worker = None
        self.progress.end()
        self.predictionProgressed.emit(-1, -1)
        self.refresh()

