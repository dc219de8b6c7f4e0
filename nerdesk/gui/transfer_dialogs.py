"""Import and export dialogs for every format in ``nerdesk.formats.FORMATS``, showing the warnings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nerdesk import formats
from nerdesk.core.document import STATUSES
from nerdesk.gui.elided import ElidedComboBox

AUTO = "detect automatically"
ENCODINGS = (AUTO, "utf-8", "utf-8-sig", "utf-16", "gb18030", "big5", "shift_jis", "latin-1")
FORMAT_CHARACTERS = 44  # the format list's width; each format's whole description is in the list and tooltip
PRODIGY = "spacy"  # the format that reads Prodigy's answers
ANSWERS = (("accepted examples only (reject and ignore are skipped)", "accept"),
           ("all examples: reject and ignore too, as not reviewed", "all"))
DOCCANO = "doccano"
OFFSET_UNITS = (("UTF-16 units (doccano's default)", "utf16"),
                ("grapheme clusters (a project that counts them as one character)", "graphemes"))


def format_names() -> list[str]:
    return sorted(formats.FORMATS)


def format_description(name: str) -> str:
    spec = formats.FORMATS[name]
    extensions = ", ".join(spec.extensions)
    return f"{spec.description} ({extensions})" if extensions else spec.description


class _PathRow(QWidget):
    """A line edit with a Browse button."""

    def __init__(self, browse, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        button = QPushButton("Browse…", clicked=browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(button)


class ImportDialog(QDialog):
    """Which files, which format and encoding; reading happens after OK (see ``MainWindow``)."""

    def __init__(self, parent: QWidget | None = None, paths: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents")
        self.files = _PathRow(self._browse)
        self.files.edit.setPlaceholderText("one or more files; separate with ;")
        self.files.edit.setText(";".join(paths or []))
        self.format = _format_box(with_auto=True)
        self.encoding = QComboBox()
        self.encoding.addItems(ENCODINGS)
        self.answers = QComboBox()
        for text, value in ANSWERS:
            self.answers.addItem(text, value)
        self.answers.setToolTip("Prodigy files: which answered examples become documents (nerdesk import "
                                "--answers); examples without an answer are always imported")
        self.offsets = _offsets_box("import")
        self.format.currentIndexChanged.connect(self._show_options)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Files", self.files)
        form.addRow("Format", self.format)
        form.addRow("Encoding", self.encoding)
        form.addRow("Prodigy examples", self.answers)
        form.addRow("doccano offsets", self.offsets)
        form.addRow(QLabel("Text is imported exactly as it is in the file (line breaks included)."))
        form.addRow(buttons)
        self.resize(640, self.sizeHint().height())
        self._show_options()

    def _show_options(self) -> None:
        """Offer a format's options only where the chosen format (or detection) can use them."""
        self.answers.setEnabled(self.chosen_format() in (None, PRODIGY))
        self.offsets.setEnabled(self.chosen_format() in (None, DOCCANO))

    def _browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Files to import")
        if paths:
            self.files.edit.setText(";".join(paths))

    def paths(self) -> list[str]:
        return [part.strip() for part in self.files.edit.text().split(";") if part.strip()]

    def chosen_format(self) -> str | None:
        return self.format.currentData()

    def chosen_encoding(self) -> str | None:
        encoding = self.encoding.currentText()
        return None if encoding == AUTO else encoding

    def chosen_options(self) -> dict[str, str]:
        """The reader options chosen (``nerdesk import``'s ``--answers`` and ``--offsets``), only those that
        differ from the default."""
        answers = self.answers.currentData()
        options = {"answers": answers} if self.answers.isEnabled() and answers != "accept" else {}
        return options | _chosen_offsets(self.offsets)


class ExportDialog(QDialog):
    ALL = "all documents"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export documents")
        self.format = _format_box(with_auto=False)
        self.path = _PathRow(self._browse)
        self.status = QComboBox()
        self.status.addItems([self.ALL, *STATUSES])
        self.source = QComboBox()
        self.source.addItems(["gold", "pred", "all"])
        self.source.setToolTip("Which spans to write where the format keeps only one kind")
        self.offsets = _offsets_box("export")
        self.format.currentIndexChanged.connect(lambda: self.offsets.setEnabled(self.chosen_format() == DOCCANO))
        self.offsets.setEnabled(self.chosen_format() == DOCCANO)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("File", self.path)
        form.addRow("Documents", self.status)
        form.addRow("Spans", self.source)
        form.addRow("doccano offsets", self.offsets)
        form.addRow(buttons)
        self.resize(640, self.sizeHint().height())

    def _browse(self) -> None:
        spec = formats.FORMATS[self.chosen_format()]
        patterns = " ".join(f"*{ext}" for ext in spec.extensions) or "*"
        path, _ = QFileDialog.getSaveFileName(self, "Export to", "", f"{spec.name} ({patterns})")
        if path:
            self.path.edit.setText(path)

    def chosen_format(self) -> str:
        return self.format.currentData()

    def chosen_path(self) -> Path | None:
        """The file typed or chosen; None when the field is empty (``Path("")`` is the current folder)."""
        text = self.path.edit.text().strip()
        return Path(text) if text else None

    def chosen_status(self) -> str | None:
        status = self.status.currentText()
        return None if status == self.ALL else status

    def chosen_options(self) -> dict[str, str]:
        """The writer options chosen (``nerdesk export``'s ``--offsets``), only those that differ from the default."""
        return _chosen_offsets(self.offsets)


def _offsets_box(command: str) -> QComboBox:
    box = QComboBox()
    for text, value in OFFSET_UNITS:
        box.addItem(text, value)
    box.setToolTip(f"doccano files: what their offsets count (nerdesk {command} --offsets); a doccano 1.5+ project "
                   "set to 'Count grapheme clusters as one character' counts clusters")
    return box


def _chosen_offsets(box: QComboBox) -> dict[str, str]:
    unit = box.currentData()
    return {"offsets": unit} if box.isEnabled() and unit != "utf16" else {}


def _format_box(*, with_auto: bool) -> ElidedComboBox:
    """Every format with its description, as wide as ``FORMAT_CHARACTERS`` whatever the descriptions."""
    box = ElidedComboBox(FORMAT_CHARACTERS)
    if with_auto:
        box.add_item(AUTO, None)
    for name in format_names():
        box.add_item(f"{name} — {format_description(name)}", name)
    return box


class WarningsDialog(QDialog):
    """The warnings of an import or export (or the bad records of a failed import), every one of them in a
    scrollable list that can be selected, or copied whole with *Copy all*."""

    def __init__(self, title: str, summary: str, warnings: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningsDialog")
        self.setWindowTitle(title)
        self.text = text = QPlainTextEdit("\n".join(warnings))
        text.setObjectName("warningsList")
        text.setReadOnly(True)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        if warnings:
            copy = buttons.addButton("Copy all", QDialogButtonBox.ButtonRole.ActionRole)
            copy.clicked.connect(lambda: QApplication.clipboard().setText(text.toPlainText()))
        layout = QVBoxLayout(self)
        summary_label = QLabel(summary)
        summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary_label.setWordWrap(True)
        layout.addWidget(summary_label)
        if warnings:
            layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(700, 400 if warnings else 120)
