"""The Accept-all and Merge-labels dialogs keep their width with a 100-character label name: the name is
elided in the combo box and said whole in the list and the tooltips, and the whole name is what is used."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nerdesk.core.labels import Label, LabelSet
from nerdesk.gui.accept_dialog import AcceptAllDialog
from nerdesk.gui.label_dialogs import MergeDialog

LONG = "A_VERY_LONG_LABEL_NAME_COPIED_FROM_AN_ONTOLOGY_" + "X" * 53  # 100 characters


def labels(*names: str) -> LabelSet:
    return LabelSet([Label(name, "#0072b2") for name in names])


def test_accept_all_is_as_wide_with_a_100_character_label(qtbot):
    assert len(LONG) == 100
    short = AcceptAllDialog(["PER", "LOC"], 0.5)
    long = AcceptAllDialog(["PER", LONG], 0.5)
    for dialog in (short, long):
        qtbot.addWidget(dialog)
    assert long.sizeHint().width() == short.sizeHint().width()
    assert long.sizeHint().width() < long.fontMetrics().horizontalAdvance(LONG)
    combo = long.label
    assert combo.itemData(combo.findText(LONG), Qt.ItemDataRole.ToolTipRole) == LONG
    combo.setCurrentText(LONG)
    assert combo.toolTip() == LONG
    assert long.options()["label"] == LONG  # the whole name, not the elided one


def test_merge_is_as_wide_with_a_100_character_label_on_either_side(qtbot):
    short = MergeDialog(labels("PER", "LOC"), "PER")
    into_long = MergeDialog(labels("PER", LONG), "PER")
    from_long = MergeDialog(labels(LONG, "PER"), LONG)
    for dialog in (short, into_long, from_long):
        qtbot.addWidget(dialog)
    width = short.sizeHint().width()
    assert into_long.sizeHint().width() == width
    assert from_long.sizeHint().width() <= width + from_long.fontMetrics().horizontalAdvance("X" * 24)
    assert from_long.sizeHint().width() < from_long.fontMetrics().horizontalAdvance(LONG)
    assert into_long.target.currentText() == LONG and into_long.target.toolTip() == LONG
    assert LONG not in from_long.windowTitle()


def test_merging_into_a_long_label_through_the_dialog_uses_its_whole_name(make_window, qtbot, tmp_path,
                                                                          monkeypatch):
    from nerdesk.core.document import Document
    from nerdesk.storage.project import Project

    path = tmp_path / "p.nerdesk"
    with Project.create(path) as project:
        project.add_label("PER", "#0072b2", "1")
        project.add_label(LONG, "#e69f00", "2")
        project.add_documents([Document("Greta flew to Paris.")])
    window = make_window()
    window.open_project(path)
    monkeypatch.setattr(MergeDialog, "exec", lambda self: MergeDialog.DialogCode.Accepted)
    window.merge_label("PER")
    assert window.session.labels.names == [LONG]
