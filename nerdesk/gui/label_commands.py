"""The main window's label commands: apply from the palette, add, edit, merge and delete labels.

A mixin of ``MainWindow`` (it uses the window's session, palette, view and status bar).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from nerdesk.core.labels import Label
from nerdesk.core.wording import counted
from nerdesk.gui.errors import reporting_errors
from nerdesk.gui.label_dialogs import LabelDialog, MergeDialog


class LabelCommands:
    def _apply_label_from_palette(self, name: str) -> None:
        self.view.apply_label(name)
        self.view.setFocus()

    def add_label(self, label: Label | None = None) -> None:
        if label is None:
            dialog = LabelDialog(self.session.labels, parent=self, app_shortcuts=self.actions.single_key_shortcuts())
            if dialog.exec() != LabelDialog.DialogCode.Accepted:
                return
            label = dialog.result_label()
        if label is not None:
            self._run(lambda: self.session.add_label(label.name, label.color, label.key,
                                                     display_name=label.display_name,
                                                     description=label.description))

    def edit_label(self, name: str, changed: Label | None = None) -> None:
        with reporting_errors(self):
            if changed is None:
                dialog = LabelDialog(self.session.labels, self.session.labels.get(name), parent=self,
                                     app_shortcuts=self.actions.single_key_shortcuts())
                if dialog.exec() != LabelDialog.DialogCode.Accepted:
                    return
                changed = dialog.result_label()
            self.session.update_label(name, new_name=changed.name, color=changed.color, key=changed.key,
                                      display_name=changed.display_name, description=changed.description)

    def merge_label(self, source: str, target: str | None = None) -> None:
        if target is None:
            dialog = MergeDialog(self.session.labels, source, parent=self)
            if dialog.exec() != MergeDialog.DialogCode.Accepted or not dialog.target.currentText():
                return
            target = dialog.target.currentText()
        with reporting_errors(self):
            moved = self.session.merge_labels(source, target)
            self.statusBar().showMessage(f"Merged {source} into {target}: {counted(moved, 'span')} relabelled", 6000)

    def delete_label(self, name: str) -> None:
        question = (f"Delete the label {name} and every span (gold and predicted) that has it?\n"
                    "You can undo this with Ctrl+Z.")
        if not self.confirm("Delete label", question):
            return
        with reporting_errors(self):
            removed = self.session.delete_label(name)
            self.statusBar().showMessage(f"Deleted label {name} and {counted(removed, 'span')}", 6000)

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question whose yes throws something away: No is the default, so Enter keeps it."""
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        answer = QMessageBox.question(self, title, question, buttons, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

