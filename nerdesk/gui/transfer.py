"""Running imports and exports for the main window: dialogs, progress with cancel, warnings shown.

The work itself is ``nerdesk.workflows.transfer``, the same path as ``nerdesk import`` and ``export``; files
are read by ``nerdesk.formats.read_files`` with the reader options ``nerdesk import`` passes (``answers``,
``text_field``). A Label Studio file whose text field cannot be decided is read again with the field the
user picks from the tasks' fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QProgressDialog, QStatusBar

from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError
from nerdesk.core.wording import counted
from nerdesk.formats import ImportResult, read_files
from nerdesk.formats.batch import duplicates_warning, skip_duplicates
from nerdesk.formats.token_tags import NAMES_FEATURE
from nerdesk.gui.errors import reporting_errors
from nerdesk.gui.import_choices import (
    TextFieldDialog,
    need_tag_names,
    task_text_fields,
    undecided_field_files,
)
from nerdesk.gui.session import ProjectSession
from nerdesk.gui.transfer_dialogs import ExportDialog, ImportDialog, WarningsDialog
from nerdesk.workflows import transfer
from nerdesk.workflows.transfer import ImportCancelled

__all__ = ["ImportCancelled", "ImportExport"]


class TransferWindow(Protocol):
    """What importing and exporting need from the main window (a ``QMainWindow``, also the parent of
    their dialogs)."""

    session: ProjectSession

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt's name)

    def open_document(self, doc_id: int) -> None: ...


class ImportExport:
    """The window's side of ``nerdesk.workflows.transfer``: dialogs, a progress dialog, warnings shown."""

    def __init__(self, window: TransferWindow) -> None:
        self.window = window
        self.last_warnings: list[str] = []

    def import_files(self, paths: list[str] | None = None, format_name: str | None = None,
                     encoding: str | None = None, **options: Any) -> None:
        """Import ``paths`` (asking with a dialog when not given) into the open project; ``options`` go to the
        reader as ``nerdesk import``'s do (``answers="all"``, ``text_field="body"``)."""
        if paths is None:
            dialog = ImportDialog(self.window)
            if dialog.exec() != ImportDialog.DialogCode.Accepted or not dialog.paths():
                return
            paths, format_name, encoding = dialog.paths(), dialog.chosen_format(), dialog.chosen_encoding()
            options = {**dialog.chosen_options(), **options}
        session = self.window.session
        try:
            with reporting_errors(self.window, "Import failed"):
                _check_files_exist(paths)
                read = self._read(paths, format_name, encoding, options)
                if read is None:
                    return
                result, options = read
                result.documents, skipped = skip_duplicates(result.documents, session.require_project().all_documents())
                if skipped:
                    result.warnings.append(duplicates_warning(skipped, "nerdesk import --duplicates keep"))
                report = self._store_with_progress(result)
                field = f"; text from the field {options['text_field']}" if "text_field" in options else ""
                self._report("Import", f"Imported {counted(len(report.ids), 'document')} from {counted(len(paths), 'file')} "
                                       f"({report.format}, {report.encoding}{field}).", report.warnings)
                if session.document is None and report.ids:
                    self.window.open_document(report.ids[0])
        finally:
            if session.project is not None:
                session.refresh_labels()
                session.documentsChanged.emit()

    def _read(self, paths: list[str], format_name: str | None, encoding: str | None,
              options: dict[str, Any]) -> tuple[ImportResult, dict[str, Any]] | None:
        """Every file read, with the options that read them; ``None`` when nothing is to be imported (the bad
        records are shown, or the user cancelled the choice of a text field)."""
        while True:
            try:
                return read_files(paths, format_name, encoding=encoding, **options), options
            except ImportProblems as problems:
                if "tag_names" not in options and need_tag_names(problems):
                    names = self.ask_tag_names(problems)
                    if names is None:
                        self.window.statusBar().showMessage("Import cancelled: nothing was imported.", 8000)
                        return None
                    options = {**options, "tag_names": names}
                    continue
                files = [] if "text_field" in options else undecided_field_files(problems)
                fields = task_text_fields(files, encoding) if files else {}
                if not fields:
                    self._show_problems(problems)
                    return None
                field = self.choose_text_field(fields, files)
                if field is None:
                    self.window.statusBar().showMessage("Import cancelled: nothing was imported.", 8000)
                    return None
                options = {**options, "text_field": field}

    def choose_text_field(self, fields: dict[str, str], files: list[str]) -> str | None:
        """The one of ``fields`` (name: first text) the user picks as the text of the Label Studio tasks in
        ``files``; ``None`` when they cancel."""
        dialog = TextFieldDialog(fields, files, self.window)
        if dialog.exec() != TextFieldDialog.DialogCode.Accepted:
            return None
        return dialog.chosen_field()

    def ask_tag_names(self, problems: ImportProblems) -> str | None:
        """The names of numeric tags, in order, as the user types them; ``None`` when they cancel. The dialog
        names the dataset feature that holds them for the field the records have, as the reader's problem does
        (``features['ner_tags']`` for WikiANN, ``named_entities`` of the sentences for conll2012_ontonotesv5)."""
        feature = next((found.group() for p in problems.problems
                        if (found := NAMES_FEATURE.search(p.reason))), "tag feature's .feature.names")
        names, ok = QInputDialog.getText(
            self.window, "Names of the numeric tags",
            "The records' tags are numbers. Type the tag of each number in order, separated by commas\n"
            f"(the dataset's {feature}), e.g. O,B-PER,I-PER,B-ORG,I-ORG,B-LOC,I-LOC:")
        return names.strip() if ok and names.strip() else None

    def _show_problems(self, problems: ImportProblems) -> None:
        """Every bad record in a list the user can scroll and copy (nothing was imported)."""
        files = {problem.path for problem in problems.problems}
        one_file = files.pop() if len(files) == 1 else None
        self.last_warnings = [_coded(p.code, str(FormatError(p.reason, line=p.line, record=p.record) if one_file else p))
                              for p in problems.problems]  # each with its own code, as the CLI lists them
        count = len(problems.problems)
        noun = "record" if count == 1 else "records"
        where = f" in {one_file}" if one_file else ""
        dialog = WarningsDialog(f"Import failed: {count} bad {noun}",
                                f"Nothing was imported: {count} bad {noun}{where}. Fix "
                                f"{'it' if count == 1 else 'them'} and import again.\n\nError {problems.code}",
                                self.last_warnings, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _store_with_progress(self, result: ImportResult) -> transfer.ImportReport:
        """Store in the workflow's one transaction; Cancel (checked before the commit) adds nothing."""
        progress = QProgressDialog("Storing documents…", "Cancel", 0, len(result.documents), self.window)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        progress.setAutoReset(False)  # reaching 100 % must not forget a Cancel pressed before the commit

        def advance(done: int, total: int) -> None:
            progress.setValue(done)
            QApplication.processEvents()

        try:
            return transfer.store_import(self.window.session.require_project(), result, progress=advance,
                                         cancelled=progress.wasCanceled)
        finally:
            progress.close()

    def export_files(self, format_name: str | None = None, path: str | Path | None = None,
                     status: str | None = None, source: str = "gold", **options: str) -> None:
        if format_name is None or path is None:
            dialog = ExportDialog(self.window)
            if dialog.exec() != ExportDialog.DialogCode.Accepted:
                return
            format_name, path = dialog.chosen_format(), dialog.chosen_path()
            status, source, options = dialog.chosen_status(), dialog.source.currentText(), dialog.chosen_options()
        with reporting_errors(self.window, "Export failed"):
            if path is None or not str(path).strip():
                raise NerdeskError("choose a file to export to", code="E604")
            project = self.window.session.require_project()
            report = transfer.export_documents(project, path, format_name, status=status, source=source, **options)
            self._report("Export", f"Exported {counted(report.documents, 'document')} to {path} ({format_name}).",
                         report.warnings)

    def _report(self, title: str, summary: str, warnings: list[str]) -> None:
        self.last_warnings = list(warnings)
        self.window.statusBar().showMessage(summary, 8000)
        if warnings:
            dialog = WarningsDialog(f"{title}: {counted(len(warnings), 'warning')}", summary, warnings, self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()



def _coded(code: str | None, line: str) -> str:
    """``line`` after its error code, as ``nerdesk import`` lists a bad record (``E003 line 1: ...``)."""
    return f"{code} {line}" if code else line


def _check_files_exist(paths: list[str]) -> None:
    """A missing file is reported as missing before any reading (not as a bad record)."""
    missing = [str(path) for path in paths if not Path(path).exists()]
    if len(missing) == 1:
        raise NerdeskError(f"File not found: {missing[0]}\nNothing was imported. Check the path, or choose the "
                           f"file again with Browse.", code="E104")
    if missing:
        listed = "\n".join(f"  {path}" for path in missing)
        raise NerdeskError(f"{len(missing)} files not found:\n{listed}\nNothing was imported. Check the paths, or "
                           f"choose the files again with Browse.", code="E104")
