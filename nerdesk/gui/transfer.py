"""Running imports and exports for the main window: dialogs, progress with cancel, warnings shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from nerdesk import formats
from nerdesk.core.errors import NerdeskError
from nerdesk.gui.errors import reporting_errors
from nerdesk.gui.import_export import ExportDialog, ImportDialog, WarningsDialog

if TYPE_CHECKING:
    from nerdesk.gui.main_window import MainWindow


class ImportCancelled(NerdeskError):
    """The user cancelled an import; the store rolls the whole import back."""


class ImportExport:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.last_warnings: list[str] = []

    def import_files(self, paths: list[str] | None = None, format_name: str | None = None,
                     encoding: str | None = None) -> None:
        """Import ``paths`` (asking with a dialog when not given) into the open project."""
        if paths is None:
            dialog = ImportDialog(self.window)
            if dialog.exec() != ImportDialog.DialogCode.Accepted or not dialog.paths():
                return
            paths, format_name, encoding = dialog.paths(), dialog.chosen_format(), dialog.chosen_encoding()
        with reporting_errors(self.window, "Import failed"):
            result = formats.read_files([Path(p) for p in paths], format_name, encoding=encoding)
            session = self.window.session
            project = session.require_project()
            for name in result.labels:
                project.add_label(name)
            ids = self._store_with_progress(result.documents)
            session.refresh_labels()
            self._report("Import", f"Imported {len(ids)} documents from {len(paths)} file(s) "
                                   f"({result.format}, {result.encoding}).", result.warnings)
            if session.document is None and ids:
                self.window.open_document(ids[0])

    def _store_with_progress(self, documents) -> list[int]:
        progress = QProgressDialog("Storing documents…", "Cancel", 0, len(documents), self.window)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def advance(done: int) -> None:
            progress.setValue(done)
            QApplication.processEvents()
            if progress.wasCanceled():
                raise ImportCancelled("import cancelled; nothing was added to the project")

        try:
            return self.window.session.add_documents(documents, progress=advance)
        finally:
            progress.close()

    def export_files(self, format_name: str | None = None, path: str | Path | None = None,
                     status: str | None = None, source: str = "gold") -> None:
        if format_name is None or path is None:
            dialog = ExportDialog(self.window)
            if dialog.exec() != ExportDialog.DialogCode.Accepted:
                return
            format_name, path = dialog.chosen_format(), dialog.chosen_path()
            status, source = dialog.chosen_status(), dialog.source.currentText()
        with reporting_errors(self.window, "Export failed"):
            if not str(path):
                raise NerdeskError("choose a file to export to")
            project = self.window.session.require_project()
            documents = list(project.all_documents(status=status))
            options = {"source": source} if "source" in _write_options(format_name) else {}
            warnings = formats.write_file(documents, Path(path), format_name, labels=project.label_set(), **options)
            self._report("Export", f"Exported {len(documents)} documents to {path} ({format_name}).", warnings)

    def _report(self, title: str, summary: str, warnings: list[str]) -> None:
        self.last_warnings = list(warnings)
        self.window.statusBar().showMessage(summary, 8000)
        if warnings:
            dialog = WarningsDialog(f"{title}: {len(warnings)} warning(s)", summary, warnings, self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()


def _write_options(format_name: str) -> frozenset[str]:
    spec = formats.FORMATS.get(format_name)
    if spec is None:
        return frozenset()
    return frozenset(spec.write_options) | frozenset({"source"})
