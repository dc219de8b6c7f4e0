"""The annotation view's text selection: what a label key would take, and how a selection widens as it is made.

A mixin of ``AnnotationView``. A selection made with the mouse is shown snapped (whole graphemes and tokens,
no spaces at its edges) when the button is let go. One made with Shift+arrows is widened when Shift is let go,
but never narrowed and never turned round: the caret stays at the end the user was moving, past a space it
stepped over, so that the next Shift+Right (or Ctrl+Shift+Left) goes on from where it was. Narrowing it to drop
that space put the caret back before it, and each later Ctrl+Shift+Right stepped over the same space again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextCursor

from nerdesk.core.offsets import snap_to_graphemes
from nerdesk.workflows.token_snap import WORD_SNAPPER, TokenSnapper, is_word_character


class TextSelection:
    def _init_selection(self) -> None:
        self.snap_tokens = True  # selections widen to whole tokens of the active model (a preference)
        # Which tokens selections snap to, asked at each selection: the window answers with the active model's.
        self.token_snapper_source: Callable[[], TokenSnapper] = lambda: WORD_SNAPPER
        self._exact_selection = False  # this selection was made with Alt: keep it as it is

    def selected_range(self) -> tuple[int, int] | None:
        """The selected text as a code-point range widened to whole graphemes, without outer spaces, and to
        whole tokens of the active model (whole words without one) unless token snapping is off or the
        selection was made with Alt held."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._display.from_qt(cursor.selectionStart())
        end = self._display.from_qt(cursor.selectionEnd())
        start, end = snap_to_graphemes(self.text, start, end)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start < end and self.snap_tokens and not self._exact_selection:
            start, end = self.token_snapper.snap(self.text, start, end)
        return (start, end) if start < end else None

    @property
    def token_snapper(self) -> TokenSnapper:
        """The tokens selections widen to now: the active model's, or whole words without a model."""
        return self.token_snapper_source()

    def select_range(self, start: int, end: int) -> None:
        """Select the text ``[start, end)`` (code points), as a user dragging over it would."""
        self.set_text_selection(start, end)

    def set_text_selection(self, anchor: int, position: int) -> None:
        """Select from ``anchor`` to the caret at ``position`` (code points; ``position`` < ``anchor`` is a
        selection made leftwards, which Shift+Left goes on widening)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._display.to_qt(anchor))
        cursor.setPosition(self._display.to_qt(position), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def text_selection(self) -> tuple[int, int]:
        """The anchor and the caret of the text selection, in code points (equal without a selection)."""
        cursor = self.textCursor()
        return self._display.from_qt(cursor.anchor()), self._display.from_qt(cursor.position())

    def clear_text_selection(self) -> None:
        self._exact_selection = False
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def move_by_word(self, event: QKeyEvent) -> bool:
        """Ctrl+Left/Right (with Shift: extending the selection) to the next word by the words selections snap
        to, whatever the script: Qt's word moves need spaces, so in Chinese text Ctrl+Right went to the end of
        the paragraph (of the document, in a long one without line breaks) and Ctrl+Shift+Right selected all of
        it. Right-to-left text keeps Qt's moves, which follow the letters as they are shown."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (event.key() not in (Qt.Key.Key_Left, Qt.Key.Key_Right) or self._right_to_left
                or not modifiers & Qt.KeyboardModifier.ControlModifier
                or modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)):
            return False
        anchor, position = self.text_selection()
        target = next_word_start(self.text, position) if event.key() == Qt.Key.Key_Right \
            else previous_word_start(self.text, position)
        self.set_text_selection(anchor if modifiers & Qt.KeyboardModifier.ShiftModifier else target, target)
        return True

    def _show_snapped_selection(self, *, widen_only: bool = False) -> None:
        """Let the user see the words a label key would take, before pressing it. ``widen_only`` (a selection
        made with the keyboard) keeps what the user selected beyond them, such as a space after a word."""
        snapped = self.selected_range()
        if snapped is None:
            return
        anchor, position = self.text_selection()
        shown = (min(anchor, position), max(anchor, position))
        if widen_only:
            snapped = (min(snapped[0], shown[0]), max(snapped[1], shown[1]))
        if snapped == shown:
            return
        if position < anchor:  # made leftwards: the caret stays at the start
            self.set_text_selection(snapped[1], snapped[0])
        else:
            self.set_text_selection(*snapped)


def next_word_start(text: str, position: int) -> int:
    """Past the word (a run of letters and digits of an alphabetic script, or one other character: a CJK
    character, a punctuation mark, an emoji) at ``position``, then past the spaces after it."""
    if position < len(text) and is_word_character(text[position]):
        while position < len(text) and is_word_character(text[position]):
            position += 1
    elif position < len(text) and not text[position].isspace():
        position = snap_to_graphemes(text, position, position + 1)[1]
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def previous_word_start(text: str, position: int) -> int:
    """Back over the spaces before ``position``, then to the start of the word before them."""
    while position > 0 and text[position - 1].isspace():
        position -= 1
    if position > 0 and is_word_character(text[position - 1]):
        while position > 0 and is_word_character(text[position - 1]):
            position -= 1
    elif position > 0:
        position = snap_to_graphemes(text, position - 1, position)[0]
    return position
