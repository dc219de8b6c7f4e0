"""Reviewing: Ctrl+Enter marks the open document reviewed and opens the next one.

Predictions still pending in the document are settled first, by the policy the user chose (a
preference): ask each time, always accept, or always reject. The status bar states the policy.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QCheckBox, QLabel, QMenu, QMessageBox, QStatusBar, QWidget

from nerdesk.core.spans import PRED
from nerdesk.core.wording import by_count, counted
from nerdesk.gui.document_list import DocumentListPanel
from nerdesk.gui.errors import reporting_errors
from nerdesk.gui.model_panel import ModelPanel
from nerdesk.gui.preferences import Preferences
from nerdesk.gui.session import ProjectSession
from nerdesk.gui.span_layout import shown_spans
from nerdesk.workflows.review_policy import (
    ACCEPT,
    ASK,
    POLICY_DESCRIPTIONS,
    REJECT,
    PendingPredictions,
    check_policy,
    pending_predictions,
    settle_pending,
    settled_message,
)

POLICY_MENU_TEXTS = {ASK: "&Ask each time", ACCEPT: "A&ccept them", REJECT: "&Reject them"}


class PendingDialog(QMessageBox):
    """Accept them / Reject them / Cancel, with a box to remember the answer."""

    def __init__(self, pending: PendingPredictions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pendingDialog")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle("Pending predictions")
        noun = "prediction" if len(pending.shown) == 1 else "predictions"
        self.setText(f"This document still has {len(pending.shown)} pending {noun}.")
        details = ("A reviewed document teaches the next model: accepted predictions become gold spans, "
                   "rejected ones are removed and count as wrong.")
        if pending.hidden:
            details += (f" The {counted(len(pending.hidden), 'prediction')} below the minimum score "
                        f"{by_count(len(pending.hidden), 'is', 'are')} rejected either way.")
        self.setInformativeText(details)
        # A and R answer without Alt (a message box takes its buttons' mnemonics as plain keys), as in the text.
        self.accept_button = self.addButton("&Accept them", QMessageBox.ButtonRole.AcceptRole)
        self.reject_button = self.addButton("&Reject them", QMessageBox.ButtonRole.DestructiveRole)
        self.cancel_button = self.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.accept_button)
        self.setEscapeButton(self.cancel_button)
        # Kept as an attribute: QMessageBox does not take ownership of the Python wrapper.
        self.remember_box = QCheckBox("Remember my answer (Edit > Pending predictions on Ctrl+Enter changes it)")
        self.setCheckBox(self.remember_box)

    def choice(self) -> str | None:
        """``accept``, ``reject``, or None for Cancel."""
        return {id(self.accept_button): ACCEPT, id(self.reject_button): REJECT}.get(id(self.clickedButton()))

    def remember(self) -> bool:
        return self.remember_box.isChecked()


class ReviewWindow(Protocol):
    """What reviewing needs from the main window (a ``QMainWindow``, also the parent of its dialogs)."""

    session: ProjectSession
    preferences: Preferences
    model_panel: ModelPanel
    documents: DocumentListPanel
    edit_menu: QMenu

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt's name)

    def save_preferences(self) -> None: ...


class ReviewFlow(QObject):
    """Ctrl+Enter with its pending-prediction policy, the policy menu and its status-bar label."""

    def __init__(self, window: ReviewWindow) -> None:
        super().__init__(window)
        self.window = window
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.policy_label = QLabel()
        self.policy_label.setObjectName("policyLabel")
        window.statusBar().addPermanentWidget(self.progress_label)
        window.statusBar().addPermanentWidget(self.policy_label)
        self.policy_actions = self._build_policy_menu()
        self._show_policy()
        self._reviewed = (0, 0)
        session = window.session
        for signal in (session.projectChanged, session.documentsChanged):
            signal.connect(lambda *_args: self.show_progress(recount=True))
        for signal in (session.documentChanged, session.spansChanged, window.model_panel.thresholdChanged):
            signal.connect(lambda *_args: self.show_progress())
        self.show_progress(recount=True)

    def _build_policy_menu(self) -> dict[str, QAction]:
        menu = self.window.edit_menu.addMenu("Pending predictions on Ctrl+&Enter")
        group = QActionGroup(self)
        actions = {}
        for policy, text in POLICY_MENU_TEXTS.items():
            action = QAction(text, self, checkable=True)
            action.triggered.connect(lambda _checked=False, p=policy: self.set_policy(p))
            group.addAction(action)
            menu.addAction(action)
            actions[policy] = action
        return actions

    @property
    def policy(self) -> str:
        return self.window.preferences.pending_policy

    def set_policy(self, policy: str) -> None:
        """Use ``policy`` from now on and keep it in the preferences file at once."""
        self.window.preferences.pending_policy = check_policy(policy)
        self._show_policy()
        self.window.save_preferences()  # now: a remembered choice must survive a crash

    def _show_policy(self) -> None:
        self.policy_label.setText(POLICY_DESCRIPTIONS[self.policy])
        self.policy_label.setToolTip("Change it in Edit > Pending predictions on Ctrl+Enter")
        self.policy_actions[self.policy].setChecked(True)

    def show_progress(self, *, recount: bool = False) -> None:
        """Session progress in the status bar: reviewed documents, and predictions pending in this one.
        Documents are counted again only when their statuses or number may have changed (``recount``)."""
        session = self.window.session
        if session.project is None:
            self.progress_label.setText("")
            return
        if recount:
            self._reviewed = (session.project.count_documents(status="reviewed"), session.project.count_documents())
        text = f"{self._reviewed[0]:,} of {self._reviewed[1]:,} reviewed"
        if session.document is not None:
            shown = shown_spans(session.document.spans, self.window.model_panel.min_score)
            text += f" · {sum(1 for s in shown if s.source == PRED)} pending here"
        self.progress_label.setText(text)

    def mark_reviewed_and_next(self) -> None:
        window, session = self.window, self.window.session
        with reporting_errors(window):
            document = session.current_document()
            min_score = window.model_panel.min_score
            pending = pending_predictions(document.spans, min_score)
            choice = self._choose(pending)
            if choice is None:
                window.statusBar().showMessage(f"Document {document.id} not marked reviewed", 4000)
                return
            settle = settle_pending(document.id, document.spans, min_score, choice) if pending.count else None
            following = window.documents.model.next_doc_id(document.id)  # before it leaves a filtered list
            session.mark_reviewed(settle)
            if following is not None:
                session.open_document(following)
            settled = settled_message(pending, choice)
            last = "" if following is not None else "; it is the last document in the list"
            window.statusBar().showMessage(
                f"Document {document.id} marked reviewed" + (f"; {settled}" if settled else "") + last, 6000)

    def _choose(self, pending: PendingPredictions) -> str | None:
        """What to do with the pending predictions; None when the user cancels."""
        if not pending.shown:
            return REJECT  # nothing the user could see: only hidden predictions, rejected either way
        if self.policy != ASK:
            return self.policy
        dialog = PendingDialog(pending, self.window)
        dialog.exec()
        choice = dialog.choice()
        if choice is not None and dialog.remember():
            self.set_policy(choice)
        return choice
