"""The main window's preferences: applying them at start, the Preferences dialog, theme, zoom, scores.

A mixin of ``MainWindow`` (it uses the window's preferences, view, model panel, review flow and actions).
Every change is written to the preferences file at once, so it survives a crash.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from nerdesk.core.errors import NerdeskError
from nerdesk.gui.errors import show_error
from nerdesk.gui.icons import themed_icon
from nerdesk.gui.preferences import Preferences
from nerdesk.gui.preferences_dialog import MAX_FONT_SIZE, MIN_FONT_SIZE, PreferencesDialog
from nerdesk.gui.theme import add_theme_menu, apply_theme

DEFAULT_FONT_SIZE = Preferences.font_size


class PreferenceCommands:
    def _apply_preferences(self) -> None:
        self.theme_actions = add_theme_menu(self.view_menu, self.preferences.theme, self.set_theme)
        self.show_scores_action = self.view_menu.addAction("Show &scores on chips")
        self.show_scores_action.setCheckable(True)
        self.show_scores_action.toggled.connect(self.set_show_scores)
        self._use(self.preferences)

    def _use(self, preferences: Preferences) -> None:
        """Show the window as ``preferences`` say (without writing them)."""
        self.preferences = preferences
        apply_theme(preferences.theme)
        self.theme_actions[preferences.theme].setChecked(True)
        self._tint_toolbar(preferences.theme)
        self._set_view_font_size(preferences.font_size)
        self.model_panel.set_min_score(preferences.min_score)
        self.view.set_min_score(preferences.min_score)
        self.palette.set_min_score(preferences.min_score)
        self.view.snap_tokens = preferences.snap_to_tokens
        self.view.set_show_scores(preferences.show_scores)
        self.show_scores_action.setChecked(preferences.show_scores)
        self.view.viewport().update()

    def _tint_toolbar(self, theme: str) -> None:
        for action, icon in self.actions.toolbar_icons().items():
            action.setIcon(themed_icon(icon, theme))

    def open_preferences(self, chosen: Preferences | None = None) -> None:
        """Edit > Preferences; ``chosen`` applies those preferences without the dialog."""
        if chosen is None:
            dialog = PreferencesDialog(self.preferences, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            chosen = dialog.preferences()
        self._use(chosen)
        self.review.set_policy(chosen.pending_policy)  # shows the policy and saves

    def _remember_min_score(self, score: float) -> None:
        """Keep the slider's minimum score in the preferences (written with the next change, and on close),
        so that another change of preferences does not put back an older one."""
        self.preferences.min_score = score

    def set_theme(self, theme: str) -> None:
        """Switch between the light and dark look; kept in the preferences at once."""
        self.preferences.theme = theme
        self._use(self.preferences)
        self.save_preferences()

    def set_show_scores(self, show: bool) -> None:
        """Write each prediction's score on its chip; kept in the preferences at once."""
        if show != self.preferences.show_scores:
            self.preferences.show_scores = show
            self._use(self.preferences)
            self.save_preferences()

    def zoom(self, step: int) -> None:
        """Ctrl+= / Ctrl+-: the text one point larger or smaller; Ctrl+0 (``step=0``): the default size."""
        size = DEFAULT_FONT_SIZE if step == 0 else self.view.font().pointSizeF() + step
        self.preferences.font_size = min(max(size, MIN_FONT_SIZE), MAX_FONT_SIZE)
        self._set_view_font_size(self.preferences.font_size)
        self.statusBar().showMessage(f"Text size {self.preferences.font_size:g} pt", 3000)
        self.save_preferences()

    def _set_view_font_size(self, size: float) -> None:
        if self.view.font().pointSizeF() != size:
            font = self.view.font()
            font.setPointSizeF(size)
            self.view.setFont(font)

    def save_preferences(self) -> None:
        try:
            self.preferences.save(self.preferences_path)
        except OSError as error:
            show_error(self, NerdeskError(f"could not save preferences to {self.preferences_path}: {error}"))
