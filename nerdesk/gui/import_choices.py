"""Choices an import asks for when a file leaves them open: which data field of Label Studio tasks holds
the text (the ``text_field`` reader option, ``nerdesk import --text-field``), and the names of numeric tags
in Hugging Face token records (``tag_names``, ``nerdesk import --tag-names``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nerdesk.core.errors import ImportProblems
from nerdesk.formats import decode_bytes
from nerdesk.formats.label_studio_min import tasks_of_records
from nerdesk.formats.token_tags import NUMERIC_TAGS

UNDECIDED_FIELD = "the task has several text fields"  # how the Label Studio reader starts that problem
SAMPLE_CHARACTERS = 60  # of a field's first text, shown beside its name


def undecided_field_files(problems: ImportProblems) -> list[str]:
    """The files whose tasks have several text fields the reader could not choose between."""
    return list(dict.fromkeys(str(p.path) for p in problems.problems if p.reason.startswith(UNDECIDED_FIELD)))


def need_tag_names(problems: ImportProblems) -> bool:
    """Whether the records have numeric tags and no names were given for them."""
    return any(p.reason.startswith(NUMERIC_TAGS) for p in problems.problems)


def task_text_fields(paths: list[str], encoding: str | None = None) -> dict[str, str]:
    """Each string field of the tasks' ``data`` in ``paths`` (first seen first) with its first text."""
    fields: dict[str, str] = {}
    for path in paths:
        try:
            text, _ = decode_bytes(Path(path).read_bytes(), encoding, path=path)
            records = json.loads(text)
        except (OSError, ValueError):
            continue
        for _, task in tasks_of_records(records if isinstance(records, list) else [records]):
            data = task.get("data") if isinstance(task, dict) else None
            for key, value in (data.items() if isinstance(data, dict) else ()):
                if isinstance(value, str):
                    fields.setdefault(key, value)
    return fields


def sample(text: str, characters: int = SAMPLE_CHARACTERS) -> str:
    """``text`` on one line, cut to ``characters``."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= characters else text[:characters - 1] + "…"


class TextFieldDialog(QDialog):
    """The tasks' text fields, each with its first text; the longest is chosen to begin with."""

    def __init__(self, fields: dict[str, str], files: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which field holds the text?")
        where = Path(files[0]).name if len(files) == 1 else f"{len(files)} files"
        intro = QLabel(f"The tasks in {where} have several text fields and nothing says which one the spans "
                       "belong to. Choose the field that holds the text to annotate; the other fields are kept "
                       "in each document's metadata.")
        intro.setWordWrap(True)
        self.fields = QListWidget()
        for name, text in fields.items():
            item = QListWidgetItem(f"{name}:  {sample(text)}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(text[:500])
            self.fields.addItem(item)
        longest = max(range(len(fields)), key=lambda row: len(list(fields.values())[row]), default=0)
        self.fields.setCurrentRow(longest)
        self.fields.itemDoubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def chosen_field(self) -> str | None:
        item = self.fields.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
