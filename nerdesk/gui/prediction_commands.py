"""The main window's prediction commands: load a bundle, predict in the background, cancel.

A mixin of ``MainWindow`` (it uses the window's session, model panel and status bar).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from nerdesk.core.errors import NerdeskError
from nerdesk.core.wording import counted
from nerdesk.gui.errors import reporting_errors, show_error
from nerdesk.gui.prediction_worker import PredictionWorker
from nerdesk.runtime.bundle import Bundle
from nerdesk.workflows.models import register_bundle, unreviewed_for


class PredictionCommands:
    def load_model(self, path: str | Path | None = None) -> None:
        if path is None:
            path = QFileDialog.getExistingDirectory(self, "Model bundle folder")
            if not path:
                return
        with reporting_errors(self, "Cannot load the model"):
            project = self.session.require_project()
            register_bundle(project, path, activate=True)
            self.session.refresh_labels()
            self.model_panel.refresh()

    def predict_document(self) -> None:
        document = self.session.document
        if document is None or document.id is None:
            show_error(self, NerdeskError("open a document first"))
            return
        self._start_prediction([(document.id, document.text)], unreviewed_only=False)

    def predict_all(self) -> None:
        """Predict the unreviewed documents in the model's script. A reviewed document keeps its spans (its
        predictions were accepted or rejected: new ones would stand there pending), and a document in
        another script is left alone (a Chinese model finds nothing in English text, and would wipe what
        an English model found there)."""
        with reporting_errors(self, "Cannot predict"):
            project = self.session.require_project()
            Bundle.load(self._active_bundle_path(), check_models=False)  # a broken bundle is refused at once
            reviewed = project.count_documents(status="reviewed")
            left = f"{counted(reviewed, 'reviewed document')} left as reviewed" if reviewed else ""
            # The worker reads the documents (in the window, reading and judging the script of 52,000 took 5 s)
            self._start_prediction([], left, unreviewed_only=True, choose=(project.path, unreviewed_for))

    def _active_bundle_path(self) -> Path:
        model = self.session.require_project().active_model()
        if model is None:
            raise NerdeskError('no active model: pick one with "Choose a model" in the Model panel '
                               "(or Model > Load model bundle…) first", code="E602")
        return Path(model.bundle_path)

    def _start_prediction(self, items: list[tuple[int, str]], left_alone: str = "", *,
                          unreviewed_only: bool, choose=None) -> None:
        """Predict ``items`` (or those ``choose`` picks, see ``PredictionWorker``) in the background; with
        ``unreviewed_only`` a document reviewed while the run goes on keeps its spans."""
        with reporting_errors(self, "Cannot predict"):
            bundle_path = self._active_bundle_path()
            if self.worker is not None:
                raise NerdeskError("a prediction is already running; wait for it or cancel it", code="E603")
            worker = PredictionWorker(bundle_path, items, self, choose=choose)
            reviewed_meanwhile = [0]
            left = [left_alone]

            def chosen(other_script: str) -> None:
                left.insert(0, other_script)

            def store(results: list, version: str) -> None:
                if self.worker is not worker:  # stopped (another project opened): what it sent is not for this one
                    return
                reviewed_meanwhile[0] += self._run(self.session.store_predictions, results, version,
                                                   unreviewed_only=unreviewed_only) or 0

            def done(count: int) -> None:
                if self.worker is not worker:
                    return
                meanwhile = reviewed_meanwhile[0]
                parts = [f"Predicted {counted(count - meanwhile, 'document')}", *left,
                         f"{counted(meanwhile, 'document')} reviewed meanwhile left as reviewed" if meanwhile else ""]
                self.statusBar().showMessage("; ".join(part for part in parts if part), 12000)

            worker.chosen.connect(chosen)
            worker.progressed.connect(self.model_panel.show_progress)
            worker.chunkPredicted.connect(store)
            worker.failed.connect(lambda message: show_error(self, NerdeskError(message), "Prediction failed"))
            worker.cancelled.connect(lambda: self.statusBar().showMessage("Prediction cancelled", 6000))
            worker.succeeded.connect(done)
            worker.finished.connect(self._prediction_finished)
            self.worker = worker
            self.model_panel.set_busy(True)
            if choose is not None:  # the worker reads the documents first, and says how far it is
                worker.reading.connect(self.model_panel.show_reading)
                self.model_panel.show_reading(0)
            worker.start()

    def cancel_prediction(self, wait: bool = False) -> None:
        if self.worker is not None:
            self.worker.requestInterruption()
            if wait:
                self.worker.wait()
                self._prediction_finished()

    def _prediction_finished(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
            self.worker = None
        self.model_panel.set_busy(False)

