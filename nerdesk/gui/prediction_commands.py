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

    def propose_rejected_again(self) -> None:
        """Forget the predictions rejected in the open document and predict it again, so that a rejection made
        by mistake (its undo step long gone) can be taken back. Not undoable: the second half is a model run,
        which no undo step records; so it asks first, and what comes back can be rejected again with R."""
        with reporting_errors(self, "Cannot propose the rejected predictions again"):
            project = self.session.require_project()
            document = self.session.current_document()
            count = project.count_rejected_predictions(document.id)
            if not count:
                self.statusBar().showMessage("No prediction was rejected in this document", 6000)
                return
            self._active_bundle_path()  # refused before anything is forgotten: without a model, or…
            if self.worker is not None:  # …while a prediction runs
                raise NerdeskError("a prediction is already running; wait for it or cancel it", code="E603")
            question = (f"Forget the {counted(count, 'prediction')} rejected in this document and predict it "
                        "again with the active model?\nWhat the model proposes again stands as pending "
                        "predictions; reject those you still do not want. This cannot be undone.")
            if not self.confirm("Propose rejected predictions again", question):
                return
            forgotten = f"{counted(project.forget_rejected_predictions(document.id), 'rejected prediction')} " \
                        "forgotten (cannot be undone)"
            self.show_rejected_count()
            self.statusBar().showMessage(f"{forgotten}; predicting the document again…")
            self._start_prediction([(document.id, document.text)], forgotten, unreviewed_only=False)

    def show_rejected_count(self) -> None:
        """Edit > Propose rejected predictions again shows how many the open document has, greyed out at 0."""
        project, doc_id = self.session.project, self.session.doc_id
        try:
            count = project.count_rejected_predictions(doc_id) if project and doc_id is not None else 0
        except NerdeskError:  # the file cannot be read now: the command that failed has said why
            count = 0
        self.actions.propose_rejected.setText(f"Propose re&jected predictions again ({count})")
        self.actions.propose_rejected.setEnabled(count > 0)

    def _active_bundle_path(self) -> Path:
        model = self.session.require_project().active_model()
        if model is None:
            raise NerdeskError('no active model: pick one with "Choose a model" in the Model panel '
                               "(or Model > Load model bundle…) first", code="E602")
        return Path(model.bundle_path)

    def _start_prediction(self, items: list[tuple[int, str]], note: str = "", *,
                          unreviewed_only: bool, choose=None) -> None:
        """Predict ``items`` (or those ``choose`` picks, see ``PredictionWorker``) in the background; with
        ``unreviewed_only`` a document reviewed while the run goes on keeps its spans. ``note`` (what was left
        alone, or done before) follows the count of documents in the status bar at the end."""
        with reporting_errors(self, "Cannot predict"):
            bundle_path = self._active_bundle_path()
            if self.worker is not None:
                raise NerdeskError("a prediction is already running; wait for it or cancel it", code="E603")
            worker = PredictionWorker(bundle_path, items, self, choose=choose)
            reviewed_meanwhile = [0]
            left = [note]

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

