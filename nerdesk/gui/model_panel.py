"""The model panel: the active model, the score threshold, prediction with progress and cancel.

It also watches whether the active model fits the open document's script (a Chinese model on English
text predicts nonsense) and, when it does not, shows a notice with the embedded model that would fit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.errors import ModelBundleError
from nerdesk.gui.retrain_words import RETRAIN_TIP
from nerdesk.gui.session import ProjectSession
from nerdesk.runtime.bundle import describe_bundle
from nerdesk.workflows.model_script import ScriptMismatch, document_mismatch


class FoldedNotice(QLabel):
    """A warning one line high, cut short with "…" and whole in its tooltip; a click unfolds it (wrapped, as
    high as it needs) and another folds it again. Unfolded by default, a three-line notice took the room of
    three rows of the Labels and Spans tables below it for as long as the document was open."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName=object_name, visible=False)
        self.unfolded = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def show_message(self, message: str) -> None:
        self.setText(f"\u26a0 {message}" if message else "")
        self.setToolTip(f"{message}\n\nClick the notice to show it whole (or one line again)." if message else "")
        self.setVisible(bool(message))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.set_unfolded(not self.unfolded)
        super().mouseReleaseEvent(event)

    def set_unfolded(self, unfolded: bool) -> None:
        self.unfolded = unfolded
        self.setWordWrap(unfolded)
        self.setSizePolicy(QSizePolicy.Policy.Ignored,
                           QSizePolicy.Policy.Minimum if unfolded else QSizePolicy.Policy.Fixed)
        self.fit()
        self.update()

    def fit(self) -> None:
        """A dock does not give a word-wrapped label the height its text needs; ask for it."""
        width = self.width() or self.sizeHint().width()
        self.setMinimumHeight(self.heightForWidth(width) if self.unfolded else self.sizeHint().height())
        self.updateGeometry()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.unfolded:
            self.fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """One line high when folded, and never as wide as the text (the dock would widen to show it)."""
        hint = super().sizeHint()
        if self.unfolded:
            return hint
        margins = self.contentsMargins()
        return QSize(self.fontMetrics().horizontalAdvance("\u26a0 …") + margins.left() + margins.right(),
                     self.fontMetrics().height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self.sizeHint() if not self.unfolded else super().minimumSizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.unfolded:
            super().paintEvent(event)
            return
        QFrame.paintEvent(self, event)  # the frame and background of the stylesheet
        painter = QPainter(self)
        area = self.contentsRect()
        line = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line)


class ModelPanel(QWidget):
    loadRequested = Signal()
    predictDocumentRequested = Signal()
    predictAllRequested = Signal()
    cancelRequested = Signal()
    thresholdChanged = Signal(float)
    scriptMismatchChanged = Signal(str)  # the warning, or "" when the model fits the document
    useModelRequested = Signal(str)  # bundle directory of the suggested embedded model
    canPredictChanged = Signal(bool)  # whether Predict can run now (an active model, nothing predicting)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model_name = QLabel("No model")
        self.model_name.setWordWrap(True)
        self.threshold = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=50)
        self.threshold.setToolTip("Hide predictions scoring below this value")
        self.threshold_value = QLabel()
        self.load_button = QPushButton("Choose a model")
        self.load_button.setToolTip("An embedded model, or a model bundle folder")
        self.load_button.setMenu(QMenu(self.load_button, aboutToShow=self._fill_model_menu))
        self.predict_document = self._button("Predict this document", self.predictDocumentRequested)
        self.predict_all = self._button("Predict all documents", self.predictAllRequested)
        self.retrain = QPushButton("Retrain", enabled=False)  # starts at once, as Model > Retrain does: no "…"
        self.retrain.setToolTip(RETRAIN_TIP)
        self.progress = QProgressBar(visible=False)
        self.cancel = self._button("Cancel", self.cancelRequested)
        self.cancel.hide()
        self.script_notice = FoldedNotice("scriptNotice")
        self.use_suggested = QPushButton(visible=False)
        self.use_suggested.clicked.connect(self._use_suggested)
        self.mismatch: ScriptMismatch | None = None
        self.busy = False  # a prediction runs: its buttons wait for it to end
        self.retraining = False  # a retraining runs: Retrain waits for it to end
        self.threshold.valueChanged.connect(self._on_threshold)
        self._lay_out()
        session.projectChanged.connect(self.refresh)
        session.documentChanged.connect(self.check_script)
        self._on_threshold(self.threshold.value())
        self.refresh()

    def _fill_model_menu(self) -> None:
        """The embedded models (``nerdesk models``), then any folder: a new project has no model, and the
        embedded ones should not need a folder dialog to find."""
        from nerdesk.workflows.default_models import embedded_model, embedded_model_names

        menu = self.load_button.menu()
        menu.clear()
        for name in embedded_model_names():
            menu.addAction(f"{name} (embedded)", lambda name=name: self.useModelRequested.emit(
                str(embedded_model(name))))
        menu.addSeparator()
        menu.addAction("Model bundle folder…", self.loadRequested.emit)

    @staticmethod
    def _button(text: str, signal) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: signal.emit())
        return button

    def _lay_out(self) -> None:
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(QLabel("Min score"))
        threshold_row.addWidget(self.threshold)
        threshold_row.addWidget(self.threshold_value)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.cancel)
        notice_row = QHBoxLayout()  # the notice and its remedy on one line: the tables below keep their rows
        notice_row.addWidget(self.script_notice, 1)
        notice_row.addWidget(self.use_suggested, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.model_name)
        layout.addLayout(notice_row)
        layout.addWidget(self.load_button)
        layout.addLayout(threshold_row)
        for widget in (self.predict_document, self.predict_all, self.retrain):
            layout.addWidget(widget)
        layout.addLayout(progress_row)
        layout.addStretch(1)

    @property
    def min_score(self) -> float:
        return self.threshold.value() / 100

    def set_min_score(self, value: float) -> None:
        self.threshold.setValue(round(value * 100))

    def _on_threshold(self, value: int) -> None:
        self.threshold_value.setText(f"{value / 100:.2f}")
        self.thresholdChanged.emit(value / 100)

    def refresh(self) -> None:
        project = self.session.project
        model = project.active_model() if project is not None else None
        if model is None:
            self.model_name.setText("No model: choose one to predict")
            self.model_name.setToolTip("")
        else:
            summary, reason = self._describe(model.bundle_path)
            self.model_name.setText(f"Active model: {model.name}\n{summary}")
            self.model_name.setToolTip(f"{model.bundle_path}\n{reason}".strip())
        idle = not self.busy
        self.predict_document.setEnabled(model is not None and idle)
        self.predict_all.setEnabled(model is not None and idle)
        self.canPredictChanged.emit(model is not None and idle)
        self.load_button.setEnabled(project is not None and idle)
        self.retrain.setEnabled(project is not None and idle and not self.retraining)
        self.check_script()

    def check_script(self) -> None:
        """Show (or hide) the notice that the active model is for another script than the open document."""
        project, document = self.session.project, self.session.document
        model = project.active_model() if project is not None else None
        mismatch = None
        if model is not None and document is not None:
            mismatch = document_mismatch(project, document, model)
        if mismatch == self.mismatch:
            return
        self.mismatch = mismatch
        self.script_notice.show_message(mismatch.message if mismatch else "")
        suggestion = mismatch.suggestion if mismatch else None
        self.use_suggested.setText(f"Use {suggestion.name}" if suggestion else "")
        self.use_suggested.setVisible(suggestion is not None)
        self.scriptMismatchChanged.emit(mismatch.message if mismatch else "")

    def _use_suggested(self) -> None:
        if self.mismatch is not None and self.mismatch.suggestion is not None:
            self.useModelRequested.emit(str(self.mismatch.suggestion))

    @staticmethod
    def _describe(bundle_path: str) -> tuple[str, str]:
        try:
            return describe_bundle(bundle_path)
        except ModelBundleError as error:
            return "the bundle cannot be read", str(error)

    def set_busy(self, busy: bool) -> None:
        """Show a prediction's progress and Cancel while it runs; the other buttons are enabled only when
        nothing runs and what they need is there (Retrain and Load a project, Predict an active model)."""
        self.busy = busy
        self.progress.setVisible(busy)
        self.cancel.setVisible(busy)
        self.cancel.setEnabled(busy)
        self.refresh()

    def set_retraining(self, running: bool) -> None:
        """Retrain waits while a retraining (or the re-prediction after it) runs."""
        self.retraining = running
        self.refresh()

    def show_reading(self, read: int, total: int | None = None) -> None:
        """Predict all reading the documents before it predicts (a second or two for 50,000): how far it is,
        in words, as a busy bar shows none."""
        self.progress.setRange(0, max(total or 0, 1))
        self.progress.setValue(read)
        self.progress.setFormat("Reading documents…" if total is None else f"Reading documents… {read:,} of {total:,}")

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total} documents")
