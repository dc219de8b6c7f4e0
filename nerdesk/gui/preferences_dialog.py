"""Edit > Preferences: every preference of ``Preferences`` in one dialog."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QWidget,
)

from nerdesk.gui.preferences import THEMES, Preferences
from nerdesk.workflows.review_policy import POLICIES, POLICY_DESCRIPTIONS

MIN_FONT_SIZE, MAX_FONT_SIZE = 8.0, 40.0


class PreferencesDialog(QDialog):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self._original = preferences
        self.font_size = QDoubleSpinBox(minimum=MIN_FONT_SIZE, maximum=MAX_FONT_SIZE, singleStep=1.0, decimals=1,
                                        suffix=" pt", value=preferences.font_size)
        self.min_score = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2,
                                        value=preferences.min_score)
        self.min_score.setToolTip("Predictions scoring below this are hidden (the Min score slider)")
        self.theme = QComboBox()
        for theme in THEMES:
            self.theme.addItem(theme.capitalize(), theme)
        self.theme.setCurrentIndex(THEMES.index(preferences.theme))
        self.snap = QCheckBox("Snap selections to whole words (hold Alt while selecting to keep one exact)",
                              checked=preferences.snap_to_tokens)
        self.scores = QCheckBox("Show prediction scores on chips", checked=preferences.show_scores)
        self.policy = QComboBox()
        for policy in POLICIES:
            self.policy.addItem(POLICY_DESCRIPTIONS[policy], policy)
        self.policy.setCurrentIndex(POLICIES.index(preferences.pending_policy))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Text size", self.font_size)
        form.addRow("Minimum score", self.min_score)
        form.addRow("Theme", self.theme)
        form.addRow("Selections", self.snap)
        form.addRow("Chips", self.scores)
        form.addRow("Pending predictions", self.policy)
        form.addRow(buttons)

    def preferences(self) -> Preferences:
        """The preferences as the dialog shows them now."""
        return replace(self._original, font_size=self.font_size.value(), min_score=self.min_score.value(),
                       theme=self.theme.currentData(), snap_to_tokens=self.snap.isChecked(),
                       show_scores=self.scores.isChecked(), pending_policy=self.policy.currentData())
