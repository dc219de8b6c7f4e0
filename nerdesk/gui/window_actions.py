"""The main window's actions, menus and toolbar, built in one place so their shortcuts are known."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from nerdesk.gui.retrain_words import RETRAIN_TIP


@dataclass
class WindowActions:
    new_project: QAction
    open_project: QAction
    close_project: QAction
    import_files: QAction
    export_files: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    toolbar_undo: QAction
    toolbar_redo: QAction
    accept_all: QAction
    mark_reviewed_next: QAction
    propose_rejected: QAction
    next_document: QAction
    previous_document: QAction
    predict_document: QAction
    predict_all: QAction
    load_model: QAction
    retrain: QAction
    next_useful: QAction
    find_document: QAction
    next_pane: QAction
    previous_pane: QAction
    add_label: QAction
    about_keys: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    preferences: QAction
    recent_menu: QMenu

    def toolbar_icons(self) -> dict[QAction, str]:
        """Each toolbar action and the name of its icon in resources/icons."""
        return {self.open_project: "open", self.import_files: "import", self.export_files: "export",
                self.toolbar_undo: "undo", self.toolbar_redo: "redo", self.predict_document: "predict",
                self.accept_all: "accept-all", self.mark_reviewed_next: "review-next"}

    def command_keys(self, review_policy: str) -> list[tuple[str, str]]:
        """Every action with a shortcut, as the F1 list shows it: its keys ("Ctrl+Shift+Z or Ctrl+Y") and its
        name with a note; ``review_policy`` says what Ctrl+Enter does with pending predictions."""
        notes = {**COMMAND_NOTES, "mark_reviewed_next": review_policy}
        rows = []
        for name, action in vars(self).items():
            keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()] \
                if isinstance(action, QAction) else []
            if any(keys):
                words = COMMAND_NAMES.get(name) or action.text().replace("&", "").removesuffix("…")
                note = notes.get(name)
                rows.append((" or ".join(key for key in keys if key), f"{words} ({note})" if note else words))
        return rows

    def single_key_shortcuts(self) -> frozenset[str]:
        """Shortcuts without a modifier: label keys must not reuse them."""
        keys = set()
        for action in vars(self).values():
            if isinstance(action, QAction):
                for sequence in action.shortcuts():
                    text = sequence.toString()
                    if text and "+" not in text:
                        keys.add(text.upper())
        return frozenset(keys)


# The F1 list: the undo stack renames its actions after every edit ("Undo delete PER"), and a few need a word more.
COMMAND_NAMES = {"undo": "Undo", "redo": "Redo"}
COMMAND_NOTES = {"undo": "every action, in any document",
                 "find_document": "Enter in the search box opens the first match",
                 "next_pane": "documents, text, labels, spans; in the labels, Enter labels the selection"}


def _action(window: QMainWindow, text: str, slot, *shortcuts, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def _steady_twin(window: QMainWindow, text: str, action: QAction) -> QAction:
    """A toolbar copy of the undo stack's ``action`` whose text never changes (the stack's own action
    is renamed after every edit, "Undo accept prediction", which would shift every button after it);
    what it would undo is its tooltip, with the shortcut. It has no shortcut: the menu action keeps those."""
    twin = QAction(text, window)
    twin.triggered.connect(lambda _checked=False: action.trigger())

    def follow() -> None:
        twin.setEnabled(action.isEnabled())
        whole = action.text().replace("&", "") if action.isEnabled() else f"Nothing to {text.lower()}"
        twin.setToolTip(_with_shortcut(whole, action))

    action.changed.connect(follow)
    follow()
    return twin


def build_actions(window) -> WindowActions:
    """Create every action of ``window`` (a ``MainWindow``) and put them in menus and the toolbar."""
    session = window.session
    undo = session.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
    redo = session.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    actions = WindowActions(
        new_project=_action(window, "&New project…", window.new_project, QKeySequence.StandardKey.New),
        open_project=_action(window, "&Open project…", window.open_project, QKeySequence.StandardKey.Open),
        close_project=_action(window, "&Close project", window.close_project),
        import_files=_action(window, "&Import…", window.import_files, "Ctrl+I",
                             tip="Add documents from files in any supported format"),
        export_files=_action(window, "&Export…", window.export_files, "Ctrl+E"),
        quit=_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit),
        undo=undo,
        redo=redo,
        toolbar_undo=_steady_twin(window, "Undo", undo),
        toolbar_redo=_steady_twin(window, "Redo", redo),
        accept_all=_action(window, "&Accept all predictions…", window.accept_all_predictions, "Ctrl+Shift+A"),
        mark_reviewed_next=_action(window, "Mark reviewed and &next", window.mark_reviewed_and_next,
                                   "Ctrl+Return", "Ctrl+Enter"),
        propose_rejected=_action(window, "Propose re&jected predictions again (0)",
                                 window.propose_rejected_again,
                                 tip="Forget the predictions rejected in this document and predict it again"),
        next_document=_action(window, "Next document", lambda: window.step_document(1), "Ctrl+Down"),
        previous_document=_action(window, "Previous document", lambda: window.step_document(-1), "Ctrl+Up"),
        predict_document=_action(window, "&Predict this document", window.predict_document, "Ctrl+P"),
        predict_all=_action(window, "Predict &all documents", window.predict_all),
        load_model=_action(window, "&Load model bundle…", window.load_model),
        retrain=_action(window, "&Retrain", window.retrain, "Ctrl+Shift+R",
                        tip=RETRAIN_TIP),
        next_useful=_action(window, "Next most &useful document", window.open_next_useful, "Ctrl+U",
                            tip="Open the unreviewed document the model is least sure about"),
        find_document=_action(window, "&Find document…", window.focus_search, QKeySequence.StandardKey.Find,
                              tip="Search the documents' text (the search box of the document list)"),
        next_pane=_action(window, "Next &pane", lambda: window.step_pane(1), "F6",
                          tip="Move the keyboard to the next pane: documents, text, labels, spans"),
        previous_pane=_action(window, "Pre&vious pane", lambda: window.step_pane(-1), "Shift+F6"),
        add_label=_action(window, "Add &label…", window.add_label, "Ctrl+L"),
        about_keys=_action(window, "&Keyboard shortcuts", window.show_keys, "F1"),
        zoom_in=_action(window, "Zoom &in", lambda: window.zoom(1), "Ctrl+=", "Ctrl++"),
        zoom_out=_action(window, "Zoom &out", lambda: window.zoom(-1), "Ctrl+-"),
        zoom_reset=_action(window, "&Actual size", lambda: window.zoom(0), "Ctrl+0"),
        preferences=_action(window, "&Preferences…", window.open_preferences, "Ctrl+,"),
        recent_menu=QMenu("Open &recent", window),
    )
    _build_menus(window, actions)
    _follow_rejected_count(window, actions.propose_rejected)
    return actions


def _follow_rejected_count(window, propose_rejected: QAction) -> None:
    """Keep the count in *Propose rejected predictions again (N)* that of the open document."""
    session = window.session
    propose_rejected.setEnabled(False)
    session.projectChanged.connect(window.show_rejected_count)
    session.documentChanged.connect(window.show_rejected_count)
    session.spansChanged.connect(lambda doc_id: doc_id == session.doc_id and window.show_rejected_count())


def _build_menus(window: QMainWindow, a: WindowActions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for item in (a.new_project, a.open_project, a.recent_menu, a.close_project, None,
                 a.import_files, a.export_files, None, a.quit):
        _add(file_menu, item)
    edit_menu = window.edit_menu = bar.addMenu("&Edit")
    for item in (a.undo, a.redo, None, a.accept_all, a.mark_reviewed_next, a.propose_rejected, None,
                 a.add_label, None, a.preferences):
        _add(edit_menu, item)
    go_menu = bar.addMenu("&Go")
    go_menu.addActions([a.next_document, a.previous_document])
    model_menu = bar.addMenu("&Model")
    model_menu.addActions([a.load_model, a.predict_document, a.predict_all, a.retrain])
    go_menu.addAction(a.next_useful)
    go_menu.addSeparator()
    go_menu.addActions([a.find_document, a.next_pane, a.previous_pane])
    window.view_menu = bar.addMenu("&View")
    window.view_menu.addActions([a.zoom_in, a.zoom_out, a.zoom_reset])
    window.view_menu.addSeparator()
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a.about_keys)
    toolbar = QToolBar("Main", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setIconSize(QSize(18, 18))
    toolbar.addActions([a.open_project, a.import_files, a.export_files])
    toolbar.addSeparator()
    toolbar.addActions([a.toolbar_undo, a.toolbar_redo])
    toolbar.addSeparator()
    toolbar.addActions([a.predict_document, a.accept_all, a.mark_reviewed_next])
    _shorten_for_toolbar(a, toolbar.actions())
    window.addToolBar(toolbar)


# Toolbar words: the menus' names did not fit a 1024-pixel window ("Mark reviewed and next" went into the
# toolbar's overflow menu). The tooltip of every button keeps the whole name and the shortcut.
TOOLBAR_WORDS = {"open_project": "Open", "predict_document": "Predict", "accept_all": "Accept all",
                 "mark_reviewed_next": "Reviewed, next"}


def _shorten_for_toolbar(actions: WindowActions, buttons: list[QAction]) -> None:
    for name, words in TOOLBAR_WORDS.items():
        getattr(actions, name).setIconText(words)
    twins = (actions.toolbar_undo, actions.toolbar_redo)  # their tooltips follow the undo stack
    for action in buttons:
        if action.text() and action not in twins:
            action.setToolTip(_with_shortcut(action.text().replace("&", "").removesuffix("…"), action))


def _with_shortcut(whole: str, action: QAction) -> str:
    """``whole`` and the first shortcut of ``action`` in brackets, as a toolbar button's tooltip shows them."""
    shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{whole} ({shortcut})" if shortcut else whole


def _add(menu: QMenu, item) -> None:
    if item is None:
        menu.addSeparator()
    elif isinstance(item, QMenu):
        menu.addMenu(item)
    else:
        menu.addAction(item)
